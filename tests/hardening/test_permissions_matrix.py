"""Who gets what: every role × every admin and public URL × every content state, as the README's roles allow.

Each table has one row per role; a new role is one more row in each table and one more entry in
`tests.hardening.people.ROLES`.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from imports.models import ImportBatch
from imports.services import import_batch_create, import_batch_run
from negotiations.models import Meeting
from orgs.models import ClashEvent, Organisation
from tests.hardening.people import ROLES, make_role_user
from tests.imports.files import acled_file

STATES = ("draft", "in_review", "published", "unpublished")
LOGIN = "login"  # sent to the admin's login page


class ByState(dict):
    """An expectation that depends on the item's state: `ByState(200, published=403)`."""

    def __init__(self, default, **by_state):
        super().__init__({state: by_state.get(state, default) for state in STATES})


class ByModel(dict):
    """An expectation that depends on the model: `ByModel(meeting=403, organisation=200)`."""


def each_state(expected, model="meeting"):
    if isinstance(expected, ByModel):
        expected = expected[model]
    return expected if isinstance(expected, ByState) else ByState(expected)


NOT_PUBLISHED = ByState(200, published=403)

# fmt: off
ADMIN_URLS = (
    "changelist", "add", "change", "delete", "history", "moderation", "compare", "deleted", "audit_log",
    "pending_changes",
)
# Data officers see organisations (read only) and nothing else of the editorial content; a meeting's
# review and compare pages answer them 404, as for an item they cannot see.
SEES = ByModel(meeting=403, organisation=200)
REVIEWS = ByModel(meeting=404, organisation=200)
ADMIN_EXPECTED = {
    #                changelist add    change delete history moderation compare  deleted audit  pending
    "anonymous":    (LOGIN,     LOGIN, LOGIN,  LOGIN, LOGIN,  LOGIN,     LOGIN,   LOGIN,  LOGIN, LOGIN),
    "editor":       (200,       200,   200,    403,   200,    200,       200,     403,    403,   403),
    "data_officer": (SEES,      403,   SEES,   403,   SEES,   REVIEWS,   REVIEWS, 403,    403,   403),
    "moderator":    (200,       200,   200,    200,   200,    200,       200,     200,    200,   200),
    "superuser":    (200,       200,   200,    200,   200,    200,       200,     200,    200,   200),
}
# fmt: on

# Deleting an item the editor created: editors delete only their own items, and never published ones.
OWN_DELETE_EXPECTED = {
    "anonymous": LOGIN,
    "editor": NOT_PUBLISHED,
    "data_officer": 403,
    "moderator": 200,
    "superuser": 200,
}

# The buttons on an item's review page, by state.
EDITOR_ACTIONS = ByState(set(), draft={"submitted"}, unpublished={"submitted"})
MODERATOR_ACTIONS = {
    "draft": {"submitted", "published"},
    "in_review": {"approved", "rejected"},
    "published": {"unpublished"},
    "unpublished": {"submitted", "published"},
}
ACTIONS_EXPECTED = {
    "anonymous": ByState(LOGIN),
    "editor": EDITOR_ACTIONS,
    "data_officer": ByState(404),
    "moderator": MODERATOR_ACTIONS,
    "superuser": MODERATOR_ACTIONS,
}

PUBLIC_ONLY = ByState(False, published=True)
# Staff preview what they may see in the admin: data officers organisations, not meetings.
OFFICER_PREVIEWS = ByModel(meeting=ByState(404, published=200), organisation=200)
PUBLIC_URLS = ("detail", "list", "csv_export", "search")
# fmt: off
PUBLIC_EXPECTED = {
    #                detail page (staff: a preview)  in the list  in the CSV   found by search
    "anonymous":    (ByState(404, published=200),    PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "editor":       (200,                            PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "data_officer": (OFFICER_PREVIEWS,               PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "moderator":    (200,                            PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "superuser":    (200,                            PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
}

# The clash import: the upload pages of events and tallies, the import batches, and rolling one back (POST:
# 302 back to the batch's page, rolled back).
IMPORT_URLS = ("event_import", "figure_import", "batches", "batch", "rollback")
IMPORT_EXPECTED = {
    #                event import  figure import  batches  batch  rollback
    "anonymous":    (LOGIN,        LOGIN,         LOGIN,   LOGIN, LOGIN),
    "editor":       (403,          403,           403,     403,   403),
    "data_officer": (200,          200,           200,     200,   403),
    "moderator":    (200,          200,           200,     200,   302),
    "superuser":    (200,          200,           200,     200,   302),
}
# fmt: on


def admin_url(kind, obj):
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    return {
        "changelist": lambda: reverse(f"{name}_changelist"),
        "add": lambda: reverse(f"{name}_add"),
        "change": lambda: reverse(f"{name}_change", args=[obj.pk]),
        "delete": lambda: reverse(f"{name}_delete", args=[obj.pk]),
        "history": lambda: reverse(f"{name}_history", args=[obj.pk]),
        "moderation": lambda: reverse(f"{name}_moderation", args=[obj.pk]),
        "compare": lambda: reverse(f"{name}_compare", args=[obj.pk]),
        "deleted": lambda: reverse(f"{name}_deleted"),
        "audit_log": lambda: reverse("admin:peacetracker_moderationevent_changelist"),
        "pending_changes": lambda: reverse("admin:peacetracker_revision_changelist"),
    }[kind]()


def create_as(user, model, **fields):
    """A row whose history records `user` as its creator, as a save in the admin would."""
    obj = model(**fields)
    obj._history_user = user
    obj.save()
    return obj


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One meeting and one organisation in each state created by someone else, each with two versions, one
    meeting in each state created by the editor, a finished import batch, and a user per role."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = {role: make_role_user(role) for role in ROLES}
        someone = make_role_user("editor", username="someone-else")
        owner = Organisation.objects.create(name="Matrix Owner Org", slug="matrix-owner", status="published")
        items = {}
        for state in STATES:
            number = STATES.index(state) + 1
            meeting = create_as(
                someone,
                Meeting,
                organisation=owner,
                number=number,
                date=datetime.date(2014, 1, 1),
                place=f"Matrixplace {state}",
                status=state,
            )
            org = create_as(
                someone, Organisation, name=f"Matrixorg {state}", slug=f"matrix-{state}", status=state
            )
            for obj in (meeting, org):
                obj.editor_note = "Second version."
                obj.save()
            own = create_as(
                users["editor"],
                Meeting,
                organisation=owner,
                number=number + 10,
                date=datetime.date(2015, 1, 1),
                place=f"Editorplace {state}",
                status=state,
            )
            items[state] = {"meeting": meeting, "organisation": org, "own_meeting": own}
        batch = import_batch_create(acled_file(), "matrix.csv", "acled", users["data_officer"])
        import_batch_run(batch)
        yield {"items": items, "users": users, "batch": batch}
        transaction.set_rollback(True)


def client_for(world, role):
    client = Client()
    user = world["users"][role]
    if user is not None:
        client.force_login(get_user_model().objects.get(pk=user.pk))
    return client


def status_or_login(response):
    if response.status_code == 302 and reverse("admin:login") in response["Location"]:
        return LOGIN
    return response.status_code


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["meeting", "organisation"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", ADMIN_URLS)
@pytest.mark.parametrize("role", ADMIN_EXPECTED)
def test_admin_url_answers_each_role_as_its_permissions_allow(world, role, kind, state, model):
    expected = each_state(ADMIN_EXPECTED[role][ADMIN_URLS.index(kind)], model)[state]
    obj = world["items"][state][model]
    response = client_for(world, role).get(admin_url(kind, obj))
    assert status_or_login(response) == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ACTIONS_EXPECTED)
def test_review_page_offers_each_role_exactly_its_actions(world, role, state):
    expected = ACTIONS_EXPECTED[role][state]
    obj = world["items"][state]["meeting"]
    response = client_for(world, role).get(admin_url("moderation", obj))
    if not isinstance(expected, set):
        assert status_or_login(response) == expected
        return
    assert response.status_code == 200
    assert set(response.context["allowed"]) == expected
    buttons = {action for action in MODERATOR_ACTIONS["draft"] | {"approved", "rejected", "unpublished"}}
    shown = {action for action in buttons if f'name="action" value="{action}"' in response.text}
    assert shown == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ACTIONS_EXPECTED)
def test_posting_an_action_a_role_lacks_changes_nothing(world, role, state):
    obj = world["items"][state]["meeting"]
    allowed = ACTIONS_EXPECTED[role][state]
    refusal = 403 if isinstance(allowed, set) else allowed
    forbidden = sorted(
        {"approved", "published", "unpublished", "rejected"}
        - (allowed if isinstance(allowed, set) else set())
    )
    client = client_for(world, role)
    for action in forbidden:
        response = client.post(admin_url("moderation", obj), {"action": action, "comment": "no"})
        assert status_or_login(response) == refusal, action
        assert Meeting.objects.get(pk=obj.pk).status == state


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", PUBLIC_URLS)
@pytest.mark.parametrize("role", PUBLIC_EXPECTED)
def test_public_url_shows_each_role_only_what_it_may_see(world, role, kind, state):
    expected = each_state(PUBLIC_EXPECTED[role][PUBLIC_URLS.index(kind)], "meeting")[state]
    meeting = world["items"][state]["meeting"]
    client = client_for(world, role)
    place = f"Matrixplace {state}"
    if kind == "detail":
        response = client.get(meeting.get_absolute_url())
        assert response.status_code == expected
        if expected == 200:
            assert place in response.text
            assert ("Preview, not public" in response.text) == (state != "published")
    elif kind == "list":
        response = client.get(reverse("negotiations:meeting-list"), {"location": "Matrixplace"})
        assert (place in response.text) == expected
    elif kind == "csv_export":
        response = client.get(reverse("negotiations:meeting-export-csv"), {"location": "Matrixplace"})
        assert (place in b"".join(response.streaming_content).decode("utf-8-sig")) == expected
    else:
        response = client.get(reverse("search"), {"q": "Matrixplace"})
        assert (place in response.text) == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", PUBLIC_EXPECTED)
def test_organisation_profile_is_public_only_when_published(world, role, state):
    org = world["items"][state]["organisation"]
    response = client_for(world, role).get(org.get_absolute_url())
    expected = each_state(PUBLIC_EXPECTED[role][PUBLIC_URLS.index("detail")], "organisation")[state]
    assert response.status_code == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", OWN_DELETE_EXPECTED)
def test_only_the_editor_who_created_an_unpublished_item_or_a_moderator_may_delete_it(world, role, state):
    expected = each_state(OWN_DELETE_EXPECTED[role])[state]
    own = world["items"][state]["own_meeting"]
    client = client_for(world, role)
    assert status_or_login(client.get(admin_url("delete", own))) == expected
    response = client.post(admin_url("delete", own), {"post": "yes"})
    assert status_or_login(response) == (302 if expected == 200 else expected)
    assert Meeting.objects.filter(pk=own.pk).exists() == (expected != 200)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", OWN_DELETE_EXPECTED)
def test_deleting_from_the_list_follows_the_same_rule(world, role, state):
    own, others = world["items"][state]["own_meeting"], world["items"][state]["meeting"]
    may_delete_own = each_state(OWN_DELETE_EXPECTED[role])[state] == 200
    may_delete_others = each_state(ADMIN_EXPECTED[role][ADMIN_URLS.index("delete")])[state] == 200
    client = client_for(world, role)
    for obj, allowed in ((own, may_delete_own), (others, may_delete_others)):
        client.post(
            reverse("admin:negotiations_meeting_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert Meeting.objects.filter(pk=obj.pk).exists() == (not allowed), obj.place


def import_url(kind, batch):
    return {
        "event_import": lambda: reverse("admin:orgs_clashevent_import"),
        "figure_import": lambda: reverse("admin:orgs_clashfigure_import"),
        "batches": lambda: reverse("admin:imports_importbatch_changelist"),
        "batch": lambda: reverse("admin:imports_importbatch_change", args=[batch.pk]),
        "rollback": lambda: reverse("admin:imports_importbatch_rollback", args=[batch.pk]),
    }[kind]()


@pytest.mark.parametrize("kind", IMPORT_URLS)
@pytest.mark.parametrize("role", IMPORT_EXPECTED)
def test_import_url_answers_each_role_as_its_permissions_allow(world, role, kind):
    expected = IMPORT_EXPECTED[role][IMPORT_URLS.index(kind)]
    batch = world["batch"]
    client = client_for(world, role)
    if kind != "rollback":
        response = client.get(import_url(kind, batch))
        assert status_or_login(response) == expected
        if kind == "batch" and expected == 200:
            assert ("Roll back this import" in response.text) == (IMPORT_EXPECTED[role][-1] == 302)
        return
    response = client.post(import_url(kind, batch))
    assert status_or_login(response) == expected
    rolled_back = expected == 302
    if rolled_back:
        assert response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert batch.state == (ImportBatch.State.ROLLED_BACK if rolled_back else ImportBatch.State.DONE)
    assert ClashEvent.objects.filter(event_id_cnty__startswith="MMR").exists() == (not rolled_back)
