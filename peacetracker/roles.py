"""The editorial roles as Django groups, kept in step with the models after every migrate."""

from django.apps import apps
from django.db import models

from .moderation import Moderated

EDITORS = "Editors"
MODERATORS = "Moderators"
DATA_OFFICERS = "Data officers"
# Permissions by app label and codename, so that this module does not import the apps that define them.
IMPORT_PERMISSIONS = [("imports", "import_clashes"), ("imports", "view_importbatch")]
# Editors read merges and mark pairs "not the same"; proposing and deciding merges is checked by the services.
MERGE_PERMISSIONS = [
    ("peacetracker", "view_merge"),
    ("peacetracker", "view_notduplicate"),
    ("peacetracker", "add_notduplicate"),
]
DATA_OFFICER_VIEWS = [
    ("orgs", "view_clashevent"),
    ("orgs", "view_clashfigure"),
    ("orgs", "view_organisation"),
    ("orgs", "view_organisationalias"),
]


def permissions_named(pairs):
    """The permissions named by (app label, codename) pairs, read in one query; unknown ones are skipped."""
    from django.contrib.auth.models import Permission

    condition = models.Q(pk__in=[])
    for app_label, codename in pairs:
        condition |= models.Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(condition))


def moderated_models():
    return [m for m in apps.get_models() if issubclass(m, Moderated)]


def owner_fields(model):
    """The foreign keys by which a row belongs to another (a participant to its meeting)."""
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.remote_field.on_delete is models.CASCADE
    ]


def moderated_parent_fields(model):
    """The foreign keys by which a row belongs, directly or through its owners, to moderated content."""
    return [
        field
        for field in owner_fields(model)
        if issubclass(field.related_model, Moderated) or moderated_parent_fields(field.related_model)
    ]


def moderated_owners(obj):
    """The moderated items a row is edited with: a participant's meeting and person, a team member's org…"""
    owners = []
    content_object = getattr(obj, "content_object", None)
    if isinstance(content_object, Moderated):
        owners.append(content_object)
    for field in owner_fields(type(obj)):
        parent = getattr(obj, field.name, None) if getattr(obj, field.attname, None) is not None else None
        if parent is None:
            continue
        if isinstance(parent, Moderated):
            owners.append(parent)
        else:
            owners.extend(moderated_owners(parent))
    return owners


def editorial_models():
    """Moderated content and the rows edited with it (participants, points, roles, citations…)."""
    content = moderated_models()
    children = [
        m
        for m in apps.get_models()
        if not issubclass(m, Moderated)
        and not m.__name__.startswith("Historical")
        and moderated_parent_fields(m)
    ]
    return content + children + [apps.get_model("peacetracker", "Citation")]


def roles_sync(using="default", **kwargs):
    """Create or update the Editors, Moderators and Data officers groups with their permissions."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    # Apps listed after this one have not had their permissions created yet in this migrate run.
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)

    editor_perms = permissions_named(
        [
            *(
                (model._meta.app_label, f"{action}_{model._meta.model_name}")
                for model in editorial_models()
                for action in ("add", "change", "delete", "view")
            ),
            *MERGE_PERMISSIONS,
        ]
    )
    moderator_extra = Permission.objects.filter(
        content_type__app_label="peacetracker",
        codename__in=["moderate", "view_moderationevent", "view_revision"],
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(editor_perms)
    import_perms = permissions_named(IMPORT_PERMISSIONS)
    data_officer_views = permissions_named(DATA_OFFICER_VIEWS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.set({*editor_perms, *moderator_extra, *import_perms, *data_officer_views})
    data_officers, _ = Group.objects.get_or_create(name=DATA_OFFICERS)
    data_officers.permissions.set([*import_perms, *data_officer_views])
