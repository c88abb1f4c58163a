"""Faults: a database error in the middle of a moderation action, and a full backup restored from nothing."""

import json
import re

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from negotiations.models import Development, Meeting
from orgs.models import Organisation
from peacetracker import services
from peacetracker.management.commands.backup import EXCLUDED
from peacetracker.models import ModerationEvent, Revision
from tests.admin_forms import decide, form_data
from tests.factories import make_meeting, make_org, make_person
from tests.hardening.people import PASSWORD, make_role_user

Action = ModerationEvent.Action


class FailOn:
    """Make the database refuse the first statement that writes to `table`, as a full disk or a lost
    connection would, after everything before it in the transaction has run."""

    def __init__(self, table, verb="INSERT"):
        self.table = table
        self.verb = verb
        self.failed = False

    def __call__(self, execute, sql, params, many, context):
        if not self.failed and sql.lstrip().upper().startswith(self.verb) and self.table in sql:
            self.failed = True
            raise DatabaseError(f"injected fault writing {self.table}")
        return execute(sql, params, many, context)


def snapshot(obj):
    """What a reader or moderator could learn about an item: its row, versions, audit log, pending change."""
    model = type(obj)
    row = model.objects.filter(pk=obj.pk).values().get()
    row.pop("updated_at")
    return {
        "row": row,
        "versions": model.history.filter(id=obj.pk).count(),
        "audit": list(services.moderation_events_of(obj).values_list("pk", "action")),
        "pending": list(Revision.objects.filter(object_id=obj.pk).values_list("pk", "state")),
        "participants": list(obj.participants.values_list("pk", "label")) if model is Meeting else None,
    }


@pytest.fixture
def people(db):
    return {"editor": make_role_user("editor"), "moderator": make_role_user("moderator")}


def browser_as(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def review(client, obj, action, comment=""):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_moderation", args=[obj.pk])
    return decide(client, url, action, comment)


@pytest.mark.parametrize(
    ("table", "verb"),
    [
        ("peacetracker_moderationevent", "INSERT"),  # the audit entry, written last
        ("negotiations_historicalmeeting", "INSERT"),  # the new version, written with the status
    ],
)
def test_a_database_error_while_approving_leaves_the_item_in_review_and_the_audit_log_as_it_was(
    people, table, verb
):
    meeting = make_meeting(status="draft", place="Laiza")
    services.moderation_transition(meeting, people["editor"], Action.SUBMITTED)
    before = snapshot(meeting)

    fault = FailOn(table, verb)
    with connection.execute_wrapper(fault):
        response = review(browser_as(people["moderator"]), meeting, "approved")
    assert fault.failed
    assert response.status_code == 500

    assert snapshot(meeting) == before
    assert Meeting.objects.get(pk=meeting.pk).status == "in_review"
    assert not Meeting.objects.published().filter(pk=meeting.pk).exists()
    # Once the database works again, the same approval goes through.
    assert review(browser_as(people["moderator"]), meeting, "approved").status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "published"


def test_a_database_error_while_approving_a_pending_change_keeps_the_published_version(people, client):
    meeting = make_meeting(place="Myitkyina", details="As published.")
    editor = browser_as(people["editor"])
    url = reverse("admin:negotiations_meeting_change", args=[meeting.pk])
    data = form_data(editor.get(url))
    data.update(
        {
            "details_en": "Changed by the editor.",
            "participants-TOTAL_FORMS": "1",
            "participants-0-side": "government",
            "participants-0-label_en": "U Aung Min",
            "participants-0-order": "0",
        }
    )
    assert editor.post(url, data).status_code == 302
    before = snapshot(meeting)
    assert before["pending"][0][1] == "pending"

    fault = FailOn("peacetracker_moderationevent")
    with connection.execute_wrapper(fault):
        response = review(browser_as(people["moderator"]), meeting, "approve_change")
    assert fault.failed
    assert response.status_code == 500

    assert snapshot(meeting) == before
    page = client.get(meeting.get_absolute_url())
    assert "As published." in page.text
    assert "Changed by the editor." not in page.text
    assert "U Aung Min" not in page.text


def test_a_database_error_while_rejecting_keeps_the_item_in_review_without_the_comment(people):
    meeting = make_meeting(status="draft")
    services.moderation_transition(meeting, people["editor"], Action.SUBMITTED)
    before = snapshot(meeting)
    with connection.execute_wrapper(FailOn("peacetracker_moderationevent")):
        review(browser_as(people["moderator"]), meeting, "rejected", "Check the date.")
    assert snapshot(meeting) == before
    assert not ModerationEvent.objects.filter(comment="Check the date.").exists()


# ----- backup and restore


def backed_up_models():
    """Every model whose rows a backup must carry."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps and model._meta.label_lower not in excluded_models
    ]


def every_row():
    """Every row of every backed-up model, foreign keys by natural key, in a comparable form."""
    rows = {}
    for model in backed_up_models():
        serialized = serializers.serialize(
            "json",
            model._default_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        rows[model._meta.label_lower] = sorted(
            WHOLE_SECOND.sub(r"\1.000\2", json.dumps(row, sort_keys=True, ensure_ascii=False))
            for row in json.loads(serialized)
        )
    return rows


# Django's JSON keeps times to the millisecond, and writes a time whose microseconds are 1–999 as
# "…:05.000Z" but the same time restored (microseconds 0) as "…:05Z": the same to a backup.
WHOLE_SECOND = re.compile(r'("\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)((?:Z|[+-]\d\d:\d\d)?")')


BURMESE_PLACE = "လိုင်ဇာ"
BURMESE_PENDING = "အတည်ပြုချက် စောင့်ဆိုင်းဆဲ။"


@pytest.fixture
def lived_in(transactional_db):
    """The seed after some editorial life: a review round, a pending change, a deletion, admin log entries."""
    call_command("load_seed", verbosity=0)
    editor, moderator = make_role_user("editor"), make_role_user("moderator")
    make_role_user("superuser")
    kio = Organisation.objects.get(slug="kio-kia")
    draft = make_meeting(kio, number=40, status="draft", place_en="Laiza", place_my=BURMESE_PLACE)
    services.moderation_transition(draft, editor, Action.SUBMITTED)
    services.moderation_transition(draft, moderator, Action.REJECTED, "Which source says so?")
    services.moderation_transition(draft, editor, Action.SUBMITTED)
    services.moderation_transition(draft, moderator, Action.APPROVED)
    client = Client()
    client.force_login(editor)
    url = reverse("admin:negotiations_meeting_change", args=[draft.pk])
    data = form_data(client.get(url))
    data["details_en"] = "Awaiting approval."
    data["details_my"] = BURMESE_PENDING
    assert client.post(url, data).status_code == 302
    client.force_login(moderator)
    development = Development.objects.filter(organisation=kio).first()
    client.post(reverse("admin:negotiations_development_delete", args=[development.pk]), {"post": "yes"})
    make_org(name="Ta'ang National Liberation Army", slug="tnla", status="draft")
    make_person(name="ကချင် စာ", slug="burmese-name")


def test_a_backup_restores_into_an_empty_database_with_every_row_version_and_audit_entry(lived_in, tmp_path):
    before = every_row()
    assert len(before["peacetracker.moderationevent"]) >= 6
    assert sum('"kind": "change"' in row for row in before["peacetracker.revision"]) == 1
    assert len(before["negotiations.historicalmeeting"]) > Meeting.objects.count()
    assert len(before["admin.logentry"]) >= 1
    assert any('"-"' in row for row in before["negotiations.historicaldevelopment"])
    # Both languages of the text, in the rows and in every version of them.
    assert sum(BURMESE_PLACE in row for row in before["negotiations.historicalmeeting"]) >= 5
    assert any(BURMESE_PENDING in row for row in before["peacetracker.revision"])

    backup = tmp_path / "backup.json.gz"
    call_command("backup", str(backup), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert not Meeting.objects.exists()
    assert not ModerationEvent.objects.exists()

    call_command("restore", str(backup), verbosity=0)
    after = every_row()
    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in before.items()
    }
    assert after == before

    # The restored site works: the public page, the login and the pending change's review page.
    client = Client()
    assert client.get(reverse("orgs:organisation-detail", args=["kio-kia"])).status_code == 200
    login = {"username": "moderator", "password": PASSWORD}
    assert client.post(reverse("admin:login"), login).status_code == 302
    meeting = Meeting.objects.get(number=40, organisation__slug="kio-kia")
    page = client.get(reverse("admin:negotiations_meeting_moderation", args=[meeting.pk]))
    assert "Awaiting approval." in page.text
    assert BURMESE_PENDING in page.text
    assert "Which source says so?" in page.text
    with translation.override("my"):
        burmese_page = client.get(meeting.get_absolute_url())
    assert BURMESE_PLACE in burmese_page.text


def test_restore_refuses_a_database_that_already_has_content(lived_in, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="already has users or content"):
        call_command("restore", str(backup), verbosity=0)
