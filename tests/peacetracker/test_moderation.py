"""The editorial workflow, through the admin's own views, for editors and moderators."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from negotiations.models import Meeting, MeetingParticipant
from peacetracker.models import ModerationEvent, Revision
from peacetracker.roles import EDITORS, MODERATORS
from tests.admin_forms import decide, form_data, form_errors
from tests.factories import make_meeting, make_org, make_participant, make_person

pytestmark = pytest.mark.django_db


def make_user(name, group):
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return make_user("eddie", EDITORS)


@pytest.fixture
def other_editor():
    return make_user("edna", EDITORS)


@pytest.fixture
def moderator():
    return make_user("mona", MODERATORS)


@pytest.fixture
def org():
    return make_org(name="Kachin Independence Organisation", acronym="KIO/KIA", slug="kio-kia")


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def moderation_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_moderation", args=[obj.pk])


def edit(client, obj, **changes):
    """Open an item's change form and save it with some fields changed, as a browser would."""
    data = form_data(client.get(change_url(obj)))
    data.update(changes)
    return client.post(change_url(obj), data)


def moderate(client, obj, action, comment=""):
    return decide(client, moderation_url(obj), action, comment)


def status_of(obj):
    return type(obj).objects.get(pk=obj.pk).status


# ----- roles


def test_groups_exist_after_migrate_with_the_right_permissions():
    editors, moderators = Group.objects.get(name=EDITORS), Group.objects.get(name=MODERATORS)
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    moderator_perms = set(moderators.permissions.values_list("codename", flat=True))
    assert {"add_meeting", "change_meeting", "change_meetingparticipant", "add_citation"} <= editor_perms
    assert "moderate" not in editor_perms
    assert {"moderate", "view_moderationevent"} <= moderator_perms
    assert editor_perms < moderator_perms


# ----- creating and submitting


def test_editor_creates_a_meeting_as_a_draft(editor, org):
    client = login(editor)
    data = form_data(client.get(reverse("admin:negotiations_meeting_add")))
    data.update(
        {
            "organisation": org.pk,
            "number": 30,
            "date": "2015-03-01",
            "date_precision": "day",
            "place_en": "Laiza",
        }
    )
    data["status"] = "published"  # typed by hand: the form has no status field and must ignore it
    response = client.post(reverse("admin:negotiations_meeting_add"), data)
    assert response.status_code == 302, form_errors(response)
    meeting = Meeting.objects.get(number=30)
    assert meeting.status == "draft"
    assert ModerationEvent.objects.filter(action="created", object_id=meeting.pk, user=editor).exists()


def test_editor_submits_a_draft_for_review(editor, org):
    meeting = make_meeting(org, status="draft")
    response = moderate(login(editor), meeting, "submitted")
    assert response.status_code == 302
    assert status_of(meeting) == "in_review"
    assert ModerationEvent.objects.get(action="submitted").user == editor


@pytest.mark.parametrize("action", ["approved", "published", "rejected", "unpublished", "approve_change"])
def test_editor_cannot_take_a_moderators_action_by_posting_it(editor, org, action):
    meeting = make_meeting(org, status="in_review")
    response = moderate(login(editor), meeting, action, comment="by hand")
    assert response.status_code == 403
    assert status_of(meeting) == "in_review"


def test_editor_does_not_see_moderator_bulk_actions(editor, org):
    make_meeting(org, status="in_review")
    response = login(editor).get(reverse("admin:negotiations_meeting_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "submit_selected" in actions
    assert not {"approve_selected", "publish_selected", "unpublish_selected"} & set(actions)


def test_editor_posting_a_bulk_approve_by_hand_changes_nothing(editor, org):
    meeting = make_meeting(org, status="in_review")
    login(editor).post(
        reverse("admin:negotiations_meeting_changelist"),
        {"action": "approve_selected", "_selected_action": [meeting.pk]},
    )
    assert status_of(meeting) == "in_review"


# ----- reviewing


def test_moderator_approves_and_the_meeting_goes_public(moderator, org, client):
    meeting = make_meeting(org, status="in_review", place="Myitkyina")
    assert client.get(meeting.get_absolute_url()).status_code == 404
    moderate(login(moderator), meeting, "approved")
    assert status_of(meeting) == "published"
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_rejecting_needs_a_comment(moderator, org):
    meeting = make_meeting(org, status="in_review")
    response = moderate(login(moderator), meeting, "rejected", comment="  ")
    assert response.status_code == 200
    assert "Say why" in response.text
    assert status_of(meeting) == "in_review"


def test_rejected_draft_shows_the_moderators_comment_to_the_editor(editor, moderator, org):
    meeting = make_meeting(org, status="draft")
    moderate(login(editor), meeting, "submitted")
    moderate(login(moderator), meeting, "rejected", comment="Check the date against the source.")
    assert status_of(meeting) == "draft"
    editor_client = login(editor)
    assert "Check the date against the source." in editor_client.get(change_url(meeting)).text
    index = editor_client.get(reverse("admin:index")).text
    assert "Your submissions" in index and "Check the date against the source." in index


def test_editor_fixes_and_resubmits_after_rejection(editor, moderator, org):
    meeting = make_meeting(org, status="draft", details="Wrong")
    moderate(login(editor), meeting, "submitted")
    moderate(login(moderator), meeting, "rejected", comment="Fix the details")
    response = edit(login(editor), meeting, details_en="Right")
    assert response.status_code == 302, form_errors(response)
    moderate(login(editor), meeting, "submitted")
    moderate(login(moderator), meeting, "approved")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.details) == ("published", "Right")


def test_moderator_unpublishes_and_the_page_disappears(moderator, org, client):
    meeting = make_meeting(org)
    moderate(login(moderator), meeting, "unpublished", comment="Source withdrawn")
    assert status_of(meeting) == "unpublished"
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_moderator_publishes_a_draft_directly(moderator, org):
    meeting = make_meeting(org, status="draft")
    moderate(login(moderator), meeting, "published")
    assert status_of(meeting) == "published"


def test_an_action_that_does_not_fit_the_state_is_refused(moderator, org):
    meeting = make_meeting(org, status="draft")
    response = moderate(login(moderator), meeting, "unpublished")
    assert response.status_code == 403
    assert status_of(meeting) == "draft"


def test_moderator_bulk_publishes_and_reports_what_did_not_fit(moderator, org):
    drafts = [make_meeting(org, status="draft", number=n) for n in (1, 2)]
    live = make_meeting(org, number=3)
    response = login(moderator).post(
        reverse("admin:negotiations_meeting_changelist"),
        {"action": "publish_selected", "_selected_action": [m.pk for m in (*drafts, live)]},
        follow=True,
    )
    assert all(status_of(m) == "published" for m in drafts)
    assert "2 item(s)" in response.text and "Not changed" in response.text


# ----- deleting


def test_editor_cannot_delete_published_content(editor, org):
    meeting = make_meeting(org)
    client = login(editor)
    delete_url = reverse("admin:negotiations_meeting_delete", args=[meeting.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:negotiations_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"},
    )
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_editor_can_delete_their_own_draft(editor, org):
    meeting = Meeting(organisation=org, date=datetime.date(2015, 1, 1), place="Testville", status="draft")
    meeting._history_user = editor
    meeting.save()
    login(editor).post(reverse("admin:negotiations_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert ModerationEvent.objects.filter(action="deleted", object_id=meeting.pk).exists()


# ----- changes to published content wait for approval


def test_editors_change_to_a_published_meeting_waits_and_the_public_keeps_the_old_text(
    editor, moderator, org, client
):
    meeting = make_meeting(org, details="The approved text.")
    response = edit(login(editor), meeting, details_en="The edited text.")
    assert response.status_code == 302, form_errors(response)
    assert "The approved text." in client.get(meeting.get_absolute_url()).text
    assert "The edited text." not in client.get(meeting.get_absolute_url()).text
    for export in ("/en/meetings/export.csv", "/en/meetings/export.json"):
        data = b"".join(
            client.get(export).streaming_content if export.endswith("csv") else [client.get(export).content]
        )
        assert b"The approved text." in data and b"The edited text." not in data, export
    assert Meeting.objects.get(pk=meeting.pk).details == "The approved text."

    review = login(moderator).get(moderation_url(meeting)).text
    assert "The edited text." in review and "The approved text." in review

    moderate(login(moderator), meeting, "approve_change")
    page = client.get(meeting.get_absolute_url()).text
    assert "The edited text." in page and "The approved text." not in page
    assert b"The edited text." in b"".join(client.get("/en/meetings/export.csv").streaming_content)
    assert Revision.objects.get(kind="change").state == "approved"


def test_a_pending_change_includes_the_participants_typed_in_the_inline(editor, moderator, org, client):
    meeting = make_meeting(org)
    person = make_person(name="Gun Maw", slug="gun-maw")
    data = form_data(login(editor).get(change_url(meeting)))
    prefix = "participants"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-side": "organisation",
            f"{prefix}-0-person": person.pk,
            f"{prefix}-0-order": "0",
        }
    )
    response = login(editor).post(change_url(meeting), data)
    assert response.status_code == 302, form_errors(response)
    assert not MeetingParticipant.objects.exists()
    moderate(login(moderator), meeting, "approve_change")
    assert MeetingParticipant.objects.get().person == person
    assert "Gun Maw" in client.get(meeting.get_absolute_url()).text


def test_a_rejected_change_never_goes_public(editor, moderator, org, client):
    meeting = make_meeting(org, details="Approved.")
    edit(login(editor), meeting, details_en="Unsourced claim.")
    response = moderate(login(moderator), meeting, "reject_change", comment="No source for this.")
    assert response.status_code == 302
    assert Revision.objects.get(kind="change").state == "rejected"
    assert "Unsourced claim." not in client.get(meeting.get_absolute_url()).text


def test_editor_reopening_a_published_item_sees_the_pending_version_and_its_diff(editor, org):
    meeting = make_meeting(org, details="Approved.")
    client = login(editor)
    edit(client, meeting, details_en="Pending wording.")
    page = client.get(change_url(meeting)).text
    assert "waits for a moderator" in page
    assert "Pending wording." in page


def test_moderator_queue_lists_waiting_items_oldest_first(editor, moderator, org):
    old = make_meeting(org, status="in_review", place="Oldplace", number=1)
    Meeting.objects.filter(pk=old.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    published = make_meeting(org, number=2, details="x")
    edit(login(editor), published, details_en="y")
    index = login(moderator).get(reverse("admin:index"))
    text = index.text
    assert "Waiting for review: 2 items" in text
    assert text.index(str(old)) < text.index("change to published content by eddie")
    assert [item["kind"] for item in index.context["queue"]] == ["new", "change"]


# ----- two people editing the same item


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_what_was_typed(editor, other_editor, org):
    meeting = make_meeting(org, status="draft", details="Original.")
    first, second = login(editor), login(other_editor)
    first_form = form_data(first.get(change_url(meeting)))
    second_form = form_data(second.get(change_url(meeting)))

    first_form["details_en"] = "First editor's text."
    assert first.post(change_url(meeting), first_form).status_code == 302

    second_form["details_en"] = "Second editor's carefully typed text."
    response = second.post(change_url(meeting), second_form)
    assert response.status_code == 200
    assert "eddie changed this item" in response.text
    assert "Second editor&#x27;s carefully typed text." in response.text
    assert Meeting.objects.get(pk=meeting.pk).details == "First editor's text."


def test_a_stale_edit_of_published_content_is_refused_too(editor, other_editor, org):
    meeting = make_meeting(org, details="Approved.")
    first, second = login(editor), login(other_editor)
    first_form = form_data(first.get(change_url(meeting)))
    second_form = form_data(second.get(change_url(meeting)))
    first_form["details_en"] = "One."
    first.post(change_url(meeting), first_form)
    second_form["details_en"] = "Two."
    response = second.post(change_url(meeting), second_form)
    assert response.status_code == 200 and "Not saved" in response.text
    assert Revision.objects.get().data["fields"]["details_en"] == "One."


# ----- history, compare, revert, recover


def test_every_save_is_a_version_and_two_can_be_compared(editor, org):
    meeting = make_meeting(org, status="draft", details="First.")
    client = login(editor)
    edit(client, meeting, details_en="Second.")
    records = meeting.history.all()
    assert records.count() == 2
    assert records.first().history_user == editor
    url = reverse("admin:negotiations_meeting_compare", args=[meeting.pk])
    page = client.get(url, {"a": records.last().history_id, "b": records.first().history_id}).text
    assert "First." in page and "Second." in page


def test_moderator_reverts_to_an_earlier_version_as_a_new_version(moderator, org):
    meeting = make_meeting(org, status="draft", details="Good.")
    client = login(moderator)
    edit(client, meeting, details_en="Vandalised.")
    first = meeting.history.last()
    url = reverse("admin:negotiations_meeting_simple_history", args=[meeting.pk, first.history_id])
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302, form_errors(response)
    assert Meeting.objects.get(pk=meeting.pk).details == "Good."
    assert meeting.history.count() == 3
    assert ModerationEvent.objects.filter(action="reverted", object_id=meeting.pk).exists()


def test_editor_cannot_revert(editor, org):
    meeting = make_meeting(org, status="draft", details="Good.")
    client = login(editor)
    edit(client, meeting, details_en="Changed.")
    first = meeting.history.last()
    url = reverse("admin:negotiations_meeting_simple_history", args=[meeting.pk, first.history_id])
    assert client.post(url, form_data(client.get(url))).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).details == "Changed."


def test_moderator_recovers_a_deleted_item(moderator, org):
    meeting = make_meeting(org, status="draft", details="Worth keeping.")
    client = login(moderator)
    edit(client, meeting, details_en="Worth keeping.", place_en="Laiza")
    client.post(reverse("admin:negotiations_meeting_delete", args=[meeting.pk]), {"post": "yes"})
    deleted = client.get(reverse("admin:negotiations_meeting_deleted"))
    assert "Recover" in deleted.text
    restore_url = deleted.context["rows"][0]["restore_url"]
    response = client.post(restore_url, form_data(client.get(restore_url)))
    assert response.status_code == 302, form_errors(response)
    assert Meeting.objects.get(pk=meeting.pk).details == "Worth keeping."
    assert ModerationEvent.objects.filter(action="recovered", object_id=meeting.pk).exists()


# ----- the audit log


def test_audit_log_is_for_moderators_and_filters_by_person(editor, moderator, org):
    meeting = make_meeting(org, status="draft")
    moderate(login(editor), meeting, "submitted")
    moderate(login(moderator), meeting, "approved")
    url = reverse("admin:peacetracker_moderationevent_changelist")
    assert login(editor).get(url).status_code == 403
    response = login(moderator).get(url, {"user__id__exact": editor.pk})
    assert [e.action for e in response.context["cl"].result_list] == ["submitted"]


# ----- rows edited with a published item


def test_editor_cannot_change_a_participant_of_a_published_meeting_on_its_own_page(editor, moderator, org):
    meeting = make_meeting(org)
    participant = make_participant(meeting, label="As printed")
    url = reverse("admin:negotiations_meetingparticipant_change", args=[participant.pk])
    response = login(editor).post(url, {"meeting": meeting.pk, "side": "government", "label": "Changed"})
    assert response.status_code == 403
    assert MeetingParticipant.objects.get(pk=participant.pk).label == "As printed"


def test_editor_cannot_add_a_participant_to_a_published_meeting_on_its_own_page(editor, org):
    meeting = make_meeting(org)
    url = reverse("admin:negotiations_meetingparticipant_add")
    response = login(editor).post(
        url, {"meeting": meeting.pk, "side": "government", "label": "Sneaked in", "order": 0}
    )
    assert response.status_code == 200
    assert "waits for a moderator" in response.text
    assert not MeetingParticipant.objects.exists()


# ----- staff preview


def test_staff_preview_a_draft_on_its_public_page_and_others_get_404(editor, org, client):
    meeting = make_meeting(org, status="draft", details="Not yet public.")
    assert client.get(meeting.get_absolute_url()).status_code == 404
    page = login(editor).get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "Preview, not public" in page.text and "Not yet public." in page.text
    assert "no-cache" in page["Cache-Control"]


def test_staff_preview_the_pending_version_while_readers_see_the_approved_one(editor, org, client):
    meeting = make_meeting(org, details="Approved.")
    edit(login(editor), meeting, details_en="Pending.")
    preview = login(editor).get(meeting.get_absolute_url(), {"version": "pending"}).text
    assert "Pending." in preview and "Preview, not public" in preview
    public = client.get(meeting.get_absolute_url(), {"version": "pending"}).text
    assert "Approved." in public and "Pending." not in public


def test_a_note_on_the_change_is_kept_with_the_version(editor, org):
    meeting = make_meeting(org, status="draft", details="Old.")
    edit(login(editor), meeting, details_en="New.", change_note="Corrected from the source")
    assert meeting.history.first().history_change_reason == "Corrected from the source"


def test_moderators_find_deleted_items_from_the_list(moderator, editor, org):
    make_meeting(org)
    assert "Deleted items" in login(moderator).get(reverse("admin:negotiations_meeting_changelist")).text
    assert "Deleted items" not in login(editor).get(reverse("admin:negotiations_meeting_changelist")).text
    assert login(editor).get(reverse("admin:negotiations_meeting_deleted")).status_code == 403


def test_the_admin_home_does_not_query_once_per_submission(editor, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(editor)

    def index_queries():
        client.get(reverse("admin:index"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("admin:index"))
        return len(queries)

    moderate(client, make_meeting(org, status="draft", number=1), "submitted")
    one = index_queries()
    for number in range(2, 8):
        moderate(client, make_meeting(org, status="draft", number=number), "submitted")
    assert index_queries() == one
