"""Who gets what: every role × every admin and public URL × every content state, as the README's roles allow.

Each table has one row per role; a new role (the data officer) is one more row in each table and one more
entry in `tests.hardening.people.ROLES`.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from negotiations.models import Meeting
from orgs.models import Organisation
from tests.hardening.people import ROLES, make_role_user

STATES = ("draft", "in_review", "published", "unpublished")
LOGIN = "login"  # sent to the admin's login page


class ByState(dict):
    """An expectation that depends on the item's state: `ByState(200, published=403)`."""

    def __init__(self, default, **by_state):
        super().__init__({state: by_state.get(state, default) for state in STATES})


def each_state(expected):
    return expected if isinstance(expected, ByState) else ByState(expected)


NOT_PUBLISHED = ByState(200, published=403)

# fmt: off
ADMIN_URLS = (
    "changelist", "add", "change", "delete", "history", "moderation", "compare", "deleted", "audit_log",
    "pending_changes",
)
ADMIN_EXPECTED = {
    #              changelist add    change delete         history moderation compare deleted audit  pending
    "anonymous":  (LOGIN,     LOGIN, LOGIN, LOGIN,         LOGIN,  LOGIN,     LOGIN,  LOGIN,  LOGIN, LOGIN),
    "editor":     (200,       200,   200,   NOT_PUBLISHED, 200,    200,       200,    403,    403,   403),
    "moderator":  (200,       200,   200,   200,           200,    200,       200,    200,    200,   200),
    "superuser":  (200,       200,   200,   200,           200,    200,       200,    200,    200,   200),
}
# fmt: on

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
    "moderator": MODERATOR_ACTIONS,
    "superuser": MODERATOR_ACTIONS,
}

PUBLIC_ONLY = ByState(False, published=True)
PUBLIC_URLS = ("detail", "list", "csv_export", "search")
# fmt: off
PUBLIC_EXPECTED = {
    #             detail page (staff: a preview)  in the list  in the CSV   found by search
    "anonymous": (ByState(404, published=200),    PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "editor":    (200,                            PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "moderator": (200,                            PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "superuser": (200,                            PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
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
        "pending_changes": lambda: reverse("admin:peacetracker_pendingchange_changelist"),
    }[kind]()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One meeting and one organisation in each state, each with two versions, and a user per role."""
    with django_db_blocker.unblock(), transaction.atomic():
        owner = Organisation.objects.create(name="Matrix Owner Org", slug="matrix-owner", status="published")
        items = {}
        for state in STATES:
            meeting = Meeting.objects.create(
                organisation=owner,
                number=STATES.index(state) + 1,
                date=datetime.date(2014, 1, 1),
                place=f"Matrixplace {state}",
                status=state,
            )
            org = Organisation.objects.create(name=f"Matrixorg {state}", slug=f"matrix-{state}", status=state)
            for obj in (meeting, org):
                obj.editor_note = "Second version."
                obj.save()
            items[state] = {"meeting": meeting, "organisation": org}
        users = {role: make_role_user(role) for role in ROLES}
        yield {"items": items, "users": users}
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
    expected = each_state(ADMIN_EXPECTED[role][ADMIN_URLS.index(kind)])[state]
    obj = world["items"][state][model]
    response = client_for(world, role).get(admin_url(kind, obj))
    assert status_or_login(response) == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ACTIONS_EXPECTED)
def test_review_page_offers_each_role_exactly_its_actions(world, role, state):
    expected = ACTIONS_EXPECTED[role][state]
    obj = world["items"][state]["meeting"]
    response = client_for(world, role).get(admin_url("moderation", obj))
    if expected == LOGIN:
        assert status_or_login(response) == LOGIN
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
    forbidden = sorted(
        {"approved", "published", "unpublished", "rejected"} - (set() if allowed == LOGIN else allowed)
    )
    client = client_for(world, role)
    for action in forbidden:
        response = client.post(admin_url("moderation", obj), {"action": action, "comment": "no"})
        assert status_or_login(response) in {LOGIN, 403}, action
        assert Meeting.objects.get(pk=obj.pk).status == state


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", PUBLIC_URLS)
@pytest.mark.parametrize("role", PUBLIC_EXPECTED)
def test_public_url_shows_each_role_only_what_it_may_see(world, role, kind, state):
    expected = each_state(PUBLIC_EXPECTED[role][PUBLIC_URLS.index(kind)])[state]
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
    expected = each_state(PUBLIC_EXPECTED[role][PUBLIC_URLS.index("detail")])[state]
    assert response.status_code == expected
