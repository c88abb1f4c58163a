"""Moderators approve exactly what they reviewed: revisions as data, named by id and fingerprint."""

import io
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from negotiations.admin import MeetingAdmin
from negotiations.models import Meeting, MeetingParticipant, Statement
from peacetracker import legacy, revisions, services
from peacetracker.models import ModerationEvent, Revision
from peacetracker.roles import EDITORS, MODERATORS
from tests.admin_forms import form_data, form_errors, review_form_data
from tests.factories import make_meeting, make_org, make_participant, make_person, make_statement

pytestmark = pytest.mark.django_db


def make_user(name, group, email=""):
    user = User.objects.create_user(name, password="pw", is_staff=True, email=email)
    user.groups.add(Group.objects.get(name=group))
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return make_user("eddie", EDITORS, "eddie@example.org")


@pytest.fixture
def moderator():
    return make_user("mona", MODERATORS, "mona@example.org")


@pytest.fixture
def second_moderator():
    return make_user("max", MODERATORS, "max@example.org")


@pytest.fixture
def org():
    return make_org(name="Kachin Independence Organisation", acronym="KIO/KIA", slug="kio-kia")


def admin_url(obj, view):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def edit(client, obj, participants=None, **changes):
    """Open the item's change form and save it with changes, as a browser would."""
    data = form_data(client.get(admin_url(obj, "change")))
    data.update(changes)
    for index, row in enumerate(participants or []):
        data["participants-TOTAL_FORMS"] = str(int(data["participants-TOTAL_FORMS"]) + 1)
        for key, value in row.items():
            data[f"participants-{index + int(data['participants-INITIAL_FORMS'])}-{key}"] = value
    response = client.post(admin_url(obj, "change"), data)
    assert response.status_code == 302, form_errors(response)
    return response


def open_review(client, obj):
    """What the moderator's browser holds after opening the review page."""
    return review_form_data(client.get(admin_url(obj, "moderation")))


def press(client, obj, page, action, comment=""):
    return client.post(admin_url(obj, "moderation"), {**page, "action": action, "comment": comment})


def public_text(obj):
    response = Client().get(obj.get_absolute_url())
    return response.text if response.status_code == 200 else ""


# ----- the three swaps of the attack, each now refused


def test_a_change_swapped_after_the_moderator_opened_it_is_refused_for_a_meeting(editor, moderator, org):
    meeting = make_meeting(org, number=2, details="As published.")
    make_participant(meeting, label="KIO Central Committee")
    gun_maw = make_person(name="Gun Maw")
    edit(
        login(editor),
        meeting,
        details_en="BENIGN-A",
        participants=[{"side": "organisation", "person": gun_maw.pk, "order": "1"}],
    )
    page = open_review(login(moderator), meeting)

    villain = make_person(name="Villain")
    edit(
        login(editor),
        meeting,
        details_en="MALICIOUS-A",
        participants=[{"side": "government", "person": villain.pk, "order": "2"}],
    )
    response = press(login(moderator), meeting, page, "approve_change")

    assert response.status_code == 200
    assert "The item changed while you reviewed it; review the new version." in response.text
    text = public_text(meeting)
    assert "As published." in text
    assert "MALICIOUS-A" not in text and "BENIGN-A" not in text and "Villain" not in text
    assert not MeetingParticipant.objects.filter(person=villain).exists()
    # The new version is there to review, and approving that one works.
    page = open_review(login(moderator), meeting)
    assert press(login(moderator), meeting, page, "approve_change").status_code == 302
    assert "MALICIOUS-A" in public_text(meeting)


def test_a_change_swapped_after_the_moderator_opened_it_is_refused_for_a_statement(editor, moderator, org):
    statement = make_statement(org, title="Statement", summary="As published.")
    edit(login(editor), statement, summary_en="BENIGN-A")
    page = open_review(login(moderator), statement)
    edit(login(editor), statement, summary_en="MALICIOUS-A")
    response = press(login(moderator), statement, page, "approve_change")
    assert "changed while you reviewed it" in response.text
    assert Statement.objects.get(pk=statement.pk).summary == "As published."


def test_a_statement_changed_while_in_review_is_not_published(editor, moderator, org):
    statement = make_statement(org, title="Statement", summary="draft", status="draft")
    edit(login(editor), statement, summary_en="BENIGN-B")
    press(login(editor), statement, open_review(login(editor), statement), "submitted")
    assert Statement.objects.get(pk=statement.pk).status == "in_review"
    page = open_review(login(moderator), statement)

    edit(login(editor), statement, summary_en="MALICIOUS-B")
    assert Statement.objects.get(pk=statement.pk).status == "draft"  # an edit takes it out of review
    response = press(login(moderator), statement, page, "approved")
    assert response.status_code == 200
    assert Statement.objects.get(pk=statement.pk).status == "draft"

    # Submitted again at once: the page opened before still names the old revision.
    press(login(editor), statement, open_review(login(editor), statement), "submitted")
    response = press(login(moderator), statement, page, "approved")
    assert "changed while you reviewed it" in response.text
    assert Statement.objects.get(pk=statement.pk).status == "in_review"
    assert "MALICIOUS-B" not in Client().get("/en/statements/").text


def test_a_meetings_rows_changed_behind_the_review_page_are_not_published(editor, moderator, org):
    meeting = make_meeting(org, status="in_review", details="Reviewed.")
    participant = make_participant(meeting, label="As reviewed")
    page = open_review(login(moderator), meeting)
    MeetingParticipant.objects.filter(pk=participant.pk).update(label_en="Swapped in by a script")
    response = press(login(moderator), meeting, page, "approved")
    assert "changed while you reviewed it" in response.text
    assert Meeting.objects.get(pk=meeting.pk).status == "in_review"


def test_a_moderators_own_edit_starts_from_the_live_version_and_publishes_no_pending_text(
    editor, moderator, second_moderator, org
):
    meeting = make_meeting(org, number=3, place="Myitkyina", details="Published details.")
    edit(login(editor), meeting, details_en="Editor's unapproved details.")

    form = form_data(login(moderator).get(admin_url(meeting, "change")))
    assert form["details_en"] == "Published details."
    edit(login(moderator), meeting, place_en="Laiza")
    text = public_text(meeting)
    assert "Laiza" in text and "Editor&#x27;s unapproved details." not in text

    # The change was proposed on an older version: approving it as it is would undo the place.
    page = open_review(login(second_moderator), meeting)
    review = login(second_moderator).get(admin_url(meeting, "moderation")).text
    assert "must be rebased" in review
    response = press(login(second_moderator), meeting, page, "approve_change")
    assert "Rebase the change" in response.text
    assert Meeting.objects.get(pk=meeting.pk).place == "Laiza"

    press(login(second_moderator), meeting, page, "rebase_change")
    page = open_review(login(second_moderator), meeting)
    assert press(login(second_moderator), meeting, page, "approve_change").status_code == 302
    live = Meeting.objects.get(pk=meeting.pk)
    assert (live.place, live.details) == ("Laiza", "Editor's unapproved details.")


def test_the_second_of_two_moderators_approving_is_told_who_decided_first(
    editor, moderator, second_moderator, org
):
    meeting = make_meeting(org, details="Old.")
    edit(login(editor), meeting, details_en="New.")
    first_page = open_review(login(moderator), meeting)
    second_page = open_review(login(second_moderator), meeting)
    assert press(login(moderator), meeting, first_page, "approve_change").status_code == 302
    response = press(login(second_moderator), meeting, second_page, "approve_change")
    assert response.status_code == 200
    assert "Already decided by mona at" in response.text
    assert ModerationEvent.objects.filter(action="approved", object_id=meeting.pk).count() == 1


def test_a_forged_fingerprint_approves_nothing(editor, moderator, org):
    meeting = make_meeting(org, details="Old.")
    edit(login(editor), meeting, details_en="New.")
    page = {**open_review(login(moderator), meeting), "digest": "0" * 64}
    assert "review the new version" in press(login(moderator), meeting, page, "approve_change").text
    assert Meeting.objects.get(pk=meeting.pk).details == "Old."


# ----- a revision is data: it outlives the form, and every way in gives the same result


def test_a_pending_change_survives_a_form_change(editor, moderator, org, monkeypatch):
    from django import forms

    meeting = make_meeting(org, details="Old.")
    edit(login(editor), meeting, details_en="Made with the old form.")
    model_admin = MeetingAdmin(Meeting, __import__("django.contrib.admin").contrib.admin.site)
    new_form = type(
        "WithAReviewerField",
        (model_admin.form,),
        {"reviewer_initials": forms.CharField(required=True)},
    )
    monkeypatch.setattr(MeetingAdmin, "form", new_form)
    page = open_review(login(moderator), meeting)
    assert press(login(moderator), meeting, page, "approve_change").status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).details == "Made with the old form."


def comparable(meeting):
    row = revisions.item_data(Meeting.objects.get(pk=meeting.pk))["fields"]
    row.pop("number")
    people = list(
        meeting.participants.order_by("order").values_list("side", "label_en", "label_my", "person")
    )
    return row, people


def propose_the_same_change(meeting, editor, person):
    proposed = Meeting.objects.get(pk=meeting.pk)
    proposed.details_en, proposed.details_my = "Agreed to meet again.", "ထပ်မံတွေ့ဆုံရန် သဘောတူသည်။"
    rows = list(proposed.participants.all())
    rows[0].label_en = "Relabelled"
    new = MeetingParticipant(side="government", person=person, order=5)
    return services.revision_propose(proposed, editor, {"participants": [rows[0], new]})


def test_the_same_change_approved_by_admin_service_and_command_gives_the_same_result(editor, moderator, org):
    person = make_person(name="U Aung Min")
    meetings = []
    for number in (1, 2, 3):
        meeting = make_meeting(org, number=number, details="Before.")
        make_participant(meeting, label="KIO Central Committee", order=0)
        make_participant(meeting, label="Dropped", order=1)
        meetings.append(meeting)
    revisions_made = [propose_the_same_change(m, editor, person) for m in meetings]

    page = open_review(login(moderator), meetings[0])
    assert press(login(moderator), meetings[0], page, "approve_change").status_code == 302
    services.revision_approve(revisions_made[1], moderator, revisions_made[1].digest)
    call_command("moderation", "approve", str(revisions_made[2].pk), "--as", "mona", stdout=io.StringIO())

    results = [comparable(m) for m in meetings]
    assert results[0] == results[1] == results[2]
    assert results[0][1] == [
        ("organisation", "Relabelled", None, None),
        ("government", None, None, person.pk),
    ]
    assert results[0][0]["details_my"] == "ထပ်မံတွေ့ဆုံရန် သဘောတူသည်။"


def test_the_review_page_shows_rows_added_changed_and_removed_in_both_languages(editor, moderator, org):
    meeting = make_meeting(org, details="Before.")
    make_participant(meeting, label="KIO Central Committee", order=0)
    make_participant(meeting, label="Dropped", order=1)
    propose_the_same_change(meeting, editor, make_person(name="U Aung Min"))
    text = login(moderator).get(admin_url(meeting, "moderation")).text
    assert "ထပ်မံတွေ့ဆုံရန် သဘောတူသည်။" in text and "Agreed to meet again." in text
    assert "(added)" in text and "U Aung Min" in text
    assert "(removed)" in text and "Dropped" in text
    assert "(changed)" in text and "Relabelled" in text


def test_an_invalid_revision_is_refused_when_made(editor, org):
    meeting = make_meeting(org)
    proposed = Meeting.objects.get(pk=meeting.pk)
    proposed.end_date = proposed.date.replace(year=proposed.date.year - 1)  # ends before it starts
    with pytest.raises(services.ValidationError):
        services.revision_propose(proposed, editor)
    assert not Revision.objects.exists()


# ----- the command


def test_the_moderation_command_lists_approves_and_rejects_with_the_admins_permissions(
    editor, moderator, org, capsys
):
    first, second = make_meeting(org, number=1, details="A."), make_meeting(org, number=2, details="B.")
    edit(login(editor), first, details_en="A2.")
    edit(login(editor), second, details_en="B2.")
    call_command("moderation", "pending")
    listing = capsys.readouterr().out
    one, two = Revision.objects.order_by("pk")
    assert f"{one.pk}\tmeeting {first.pk}" in listing and "eddie" in listing and "details" in listing

    with pytest.raises(Exception, match="cannot moderate"):
        call_command("moderation", "approve", str(one.pk), "--as", "eddie")
    assert Meeting.objects.get(pk=first.pk).details == "A."

    call_command("moderation", "approve", str(one.pk), "--as", "mona")
    call_command("moderation", "reject", str(two.pk), "--as", "mona", "--comment", "No source.")
    assert Meeting.objects.get(pk=first.pk).details == "A2."
    assert Meeting.objects.get(pk=second.pk).details == "B."
    assert Revision.objects.get(pk=two.pk).comment == "No source."


# ----- notifications


def test_moderators_get_one_message_for_a_bulk_submit_and_editors_hear_the_decision(
    editor, moderator, org, mailoutbox, django_capture_on_commit_callbacks
):
    drafts = [make_meeting(org, number=n, status="draft") for n in (1, 2, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        login(editor).post(
            reverse("admin:negotiations_meeting_changelist"),
            {"action": "submit_selected", "_selected_action": [m.pk for m in drafts]},
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mona@example.org"]
    assert "3 item(s) wait for review" in mailoutbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        page = open_review(login(moderator), drafts[0])
        press(login(moderator), drafts[0], page, "rejected", comment="Check the date.")
    assert mailoutbox[-1].to == ["eddie@example.org"]
    assert "Check the date." in mailoutbox[-1].body


# ----- two approvals at once, on a database that locks rows


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_simultaneous_approvals_apply_once():
    from django.db import connections

    editor = make_user("eddie", EDITORS)
    moderators = [make_user("mona", MODERATORS), make_user("max", MODERATORS)]
    meeting = make_meeting(make_org(), details="Old.")
    proposed = Meeting.objects.get(pk=meeting.pk)
    proposed.details_en = "New."
    revision = services.revision_propose(proposed, editor)
    barrier, outcomes = threading.Barrier(2), []

    def approve(user):
        try:
            barrier.wait()
            services.revision_approve(Revision.objects.get(pk=revision.pk), user, revision.digest)
            outcomes.append("approved")
        except services.ReviewRefused as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0].startswith("Already decided by")
    assert sorted(outcomes)[1] == "approved"
    assert ModerationEvent.objects.filter(action="approved", object_id=meeting.pk).count() == 1
    assert meeting.history.filter(details="New.").count() == 1


# ----- pending changes made before revisions existed


def test_a_legacy_pending_change_reads_as_the_revision_it_proposed(editor, moderator, org):
    """The old code stored the editor's POST; the migration turns it into the same change as data."""
    meeting = make_meeting(org, details="Old.")
    kept = make_participant(meeting, label="KIO Central Committee", order=0)
    changed = make_participant(meeting, label="4 leaders", order=1)
    deleted = make_participant(meeting, label="Dropped", order=2)
    person = make_person(name="U Aung Min")
    post = form_data(login(editor).get(admin_url(meeting, "change")))
    rows = {post[f"participants-{i}-id"]: i for i in range(3)}
    post.update(
        {
            "details_en": "New English.",
            "details_my": "မြန်မာ စာသား",
            f"participants-{rows[changed.pk]}-label_en": "Four leaders of the KNCA",
            f"participants-{rows[deleted.pk]}-DELETE": "on",
            "participants-TOTAL_FORMS": "4",
            "participants-3-side": "government",
            "participants-3-person": str(person.pk),
            "participants-3-order": "3",
        }
    )
    legacy_post = {key: [str(value)] for key, value in post.items()}
    data = legacy.revision_data(meeting, legacy_post, ["details_en", "details_my", "participants"])

    revision = Revision.objects.create(
        content_type_id=services._content_type(meeting).pk,
        object_id=meeting.pk,
        object_repr=str(meeting),
        data=data,
        base_data=revisions.item_data(meeting),
        digest=revisions.digest(data),
        base_version=meeting.version,
        created_by=editor,
    )
    services.revision_approve(revision, moderator, revision.digest)
    meeting.refresh_from_db()
    assert (meeting.details_en, meeting.details_my) == ("New English.", "မြန်မာ စာသား")
    labels = list(meeting.participants.order_by("order").values_list("pk", "label_en", "person"))
    assert labels[:2] == [
        (kept.pk, "KIO Central Committee", None),
        (changed.pk, "Four leaders of the KNCA", None),
    ]
    assert labels[2][2] == person.pk and len(labels) == 3


# ----- deleting what readers have seen


def test_an_editor_cannot_delete_their_own_item_once_it_was_published(editor, moderator, org):
    meeting = Meeting(organisation=org, date=make_meeting(org).date, place="Laiza", status="draft")
    meeting._history_user = editor
    meeting.save()
    services.moderation_transition(meeting, moderator, "published")
    services.moderation_transition(meeting, moderator, "unpublished")
    client = login(editor)
    assert client.post(admin_url(meeting, "delete"), {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:negotiations_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"},
    )
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_no_moderation_code_reads_request_attributes_or_copies_a_request():
    import inspect

    from peacetracker import admin_moderation

    source = inspect.getsource(admin_moderation) + inspect.getsource(services)
    assert "request._" not in source and "copy(request)" not in source


@pytest.mark.parametrize("value", ["Ceasefire\x00talks", "Escape\x1b[31m", "C1\x85line"])
def test_admin_text_fields_refuse_control_characters_and_name_the_field(editor, org, value):
    meeting = make_meeting(org, status="draft", details="Clean.")
    client = login(editor)
    data = {**form_data(client.get(admin_url(meeting, "change"))), "details_my": value}
    response = client.post(admin_url(meeting, "change"), data)
    assert response.status_code == 200
    error = str(response.context["adminform"].form.errors["details_my"])
    assert "control character" in error or "Null characters are not allowed" in error
    assert Meeting.objects.get(pk=meeting.pk).details == "Clean."


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_a_waiting_legacy_change_into_a_revision_that_approves():
    """Migration 0004 on a pending change stored the old way: the editor's admin POST."""
    from django.db.migrations.executor import MigrationExecutor

    editor, moderator = make_user("eddie", EDITORS), make_user("mona", MODERATORS)
    meeting = make_meeting(make_org(), details="Old.")
    make_participant(meeting, label="Dropped", order=0)
    post = form_data(login(editor).get(admin_url(meeting, "change")))
    post.update({"details_en": "From the old form.", "participants-0-DELETE": "on"})
    version = meeting.version

    executor = MigrationExecutor(connection)
    executor.migrate([("peacetracker", "0003_revisions")])
    old_apps = executor.loader.project_state([("peacetracker", "0003_revisions")]).apps
    PendingChange = old_apps.get_model("peacetracker", "PendingChange")
    PendingChange.objects.create(
        content_type_id=services._content_type(meeting).pk,
        object_id=meeting.pk,
        object_repr=str(meeting),
        data={key: [str(value)] for key, value in post.items()},
        changed_fields=["details_en", "participants"],
        base_version=version - 1,  # the old code raised the live version when it kept a change
        created_by_id=editor.pk,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    revision = Revision.objects.get()
    assert (revision.state, revision.created_by, revision.kind) == ("pending", editor, "change")
    services.revision_approve(revision, moderator, revision.digest)
    meeting.refresh_from_db()
    assert meeting.details == "From the old form."
    assert not meeting.participants.exists()
