"""Merging two records of one person or organisation under moderation, its redirects, and a split."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from negotiations.models import Meeting, MeetingParticipant, Statement
from orgs.merges import incoming_relations, merge_plan, merge_propose, merge_split
from orgs.models import Organisation, Person, PersonAlias, Role
from peacetracker.models import Merge, ModerationEvent
from tests.factories import cite, make_org, make_person, make_statement
from tests.hardening.people import make_role_user

BOOKKEEPING = {"version", "updated_at"}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def rows_pointing_at(model, *records):
    """Every row that points at the records (and the records' own status), field by field: the state a
    split must give back exactly."""
    ids = [record.pk for record in records]
    rows = {}
    for row_model, attname, extra in incoming_relations(model):
        for values in row_model._default_manager.filter(**{f"{attname}__in": ids}, **extra).values():
            key = (row_model._meta.label_lower, values["id"])
            rows[key] = {k: v for k, v in values.items() if k not in BOOKKEEPING}
    for record in model._default_manager.filter(pk__in=ids):
        rows[(model._meta.label_lower, record.pk)] = {"status": record.status, "slug": record.slug}
    return rows


@pytest.fixture
def people(seed):
    """The seed's Col. Zau Tawng, and a second record "Col Zaw Taung" holding some of his rows."""
    kept = Person.objects.get(slug="zau-tawng")
    merged = make_person(name="Zaw Taung", honorific="Col", slug="zaw-taung")
    meeting_22 = Meeting.objects.get(organisation__slug="kio-kia", number=22)
    meeting_21 = Meeting.objects.get(organisation__slug="kio-kia", number=21)
    MeetingParticipant.objects.filter(meeting=meeting_22, person=kept).update(person=merged)
    # The source names him twice at meeting 21 on the KIO side: a conflict.
    MeetingParticipant.objects.create(
        meeting=meeting_21, side="organisation", person=merged, role="Leader", order=9
    )
    PersonAlias.objects.create(person=merged, name="Zaw Taung (KIO)")
    PersonAlias.objects.create(person=merged, name="Col Zaw Taung")
    Role.objects.create(
        person=merged, organisation=Organisation.objects.get(slug="kio-kia"), title="Negotiator"
    )
    make_statement(
        Organisation.objects.get(slug="kio-kia"), speaker=merged, title="On the talks of August 2014"
    )
    cite(merged, locator="footnote 99")
    return kept, merged


@pytest.fixture
def editor(db):
    return make_role_user("editor")


@pytest.fixture
def moderator(db):
    return make_role_user("moderator")


def propose_in_admin(client, kept, merged, note=""):
    url = reverse("admin:orgs_person_merge") + f"?keep={kept.pk}&merged={merged.pk}"
    page = client.get(url)
    return page, client.post(url, {"digest": page.context["plan"].digest, "note": note})


def review(client, merge, action, comment=""):
    url = reverse("admin:orgs_person_merge_review", args=[merge.pk])
    page = client.get(url)
    digest = page.context["plan"].digest if page.context["plan"] else ""
    return client.post(url, {"action": action, "digest": digest, "comment": comment}, follow=True)


def test_an_editors_merge_waits_for_a_moderator_then_moves_everything(people, editor, moderator):
    kept, merged = people
    page, response = propose_in_admin(logged_in(editor), kept, merged, "Same colonel, two spellings.")
    merge = Merge.objects.get()

    assert "Both listed:" in page.content.decode()
    assert response.status_code == 302 and merge.state == Merge.State.PENDING
    assert Person.objects.get(pk=merged.pk).is_published
    assert merged.meeting_participations.count() == 2

    queue = logged_in(moderator).get(reverse("admin:index")).content.decode()
    assert "Col Zaw Taung → Col. Zau Tawng" in queue
    assert merge.get_absolute_url() in queue

    done = review(logged_in(moderator), merge, "approve", "Checked against meetings 21 and 22.")

    assert "Merged: what you reviewed is done." in done.content.decode()
    merge.refresh_from_db()
    assert merge.state == Merge.State.APPLIED
    reader = Client()
    page = reader.get("/en/people/zau-tawng/").content.decode()
    assert "#22" in page and "#21" in page
    assert "Negotiator" in page
    assert "Col Zaw Taung" in page and "Zaw Taung (KIO)" in page
    assert Statement.objects.get(title="On the talks of August 2014").speaker == kept
    assert kept.citations.filter(locator="footnote 99").exists()
    assert Person.objects.get(pk=merged.pk).status == "unpublished"


def test_the_merge_is_in_both_records_audit_logs_with_who_proposed_and_who_approved(
    people, editor, moderator
):
    kept, merged = people
    merge = merge_propose(kept, merged, editor)
    review(logged_in(moderator), merge, "approve")

    for record in (kept, merged):
        events = ModerationEvent.objects.filter(object_id=record.pk, content_type__model="person")
        assert events.filter(action="merge_proposed", user=editor).exists()
        merged_event = events.get(action="merged")
        assert merged_event.user == moderator
        assert "proposed by editor, approved by moderator" in merged_event.comment
    assert Person.history.filter(id=merged.pk).count() >= 2


def test_the_old_address_answers_301_in_both_languages(people, moderator):
    kept, merged = people
    merge_propose(kept, merged, moderator)
    reader = Client()

    english = reader.get("/en/people/zaw-taung/")
    burmese = reader.get("/my/people/zaw-taung/")

    assert english.status_code == 301 and english["Location"] == "/en/people/zau-tawng/"
    assert burmese.status_code == 301 and burmese["Location"] == "/my/people/zau-tawng/"
    assert reader.get(english["Location"]).status_code == 200


def test_an_organisations_old_address_answers_301_in_both_languages(seed, moderator):
    kept = Organisation.objects.get(slug="nrpc")
    merged = make_org(name="National Reconciliation and Peace Centre", slug="nrpc-centre")
    merge_propose(kept, merged, moderator)
    reader = Client()

    for language in ("en", "my"):
        response = reader.get(f"/{language}/organisations/nrpc-centre/")
        assert response.status_code == 301
        assert response["Location"] == f"/{language}/organisations/nrpc/"


def test_editors_cannot_approve_reject_or_split(people, editor, moderator):
    kept, merged = people
    merge = merge_propose(kept, merged, editor)
    url = reverse("admin:orgs_person_merge_review", args=[merge.pk])
    client = logged_in(editor)

    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"action": "approve", "digest": merge_plan(kept, merged).digest}).status_code == 403
    )
    assert client.post(url, {"action": "reject", "comment": "no"}).status_code == 403
    merge.refresh_from_db()
    assert merge.state == Merge.State.PENDING

    review(logged_in(moderator), merge, "approve")
    assert client.post(url, {"action": "split"}).status_code == 403
    merge.refresh_from_db()
    assert merge.state == Merge.State.APPLIED


def test_a_rejected_merge_changes_nothing_and_the_editor_sees_why(people, editor, moderator):
    kept, merged = people
    before = rows_pointing_at(Person, kept, merged)
    merge = merge_propose(kept, merged, editor)

    refused = review(logged_in(moderator), merge, "reject", "")
    assert "Say why" in refused.content.decode()
    review(logged_in(moderator), merge, "reject", "Two different colonels.")

    merge.refresh_from_db()
    assert merge.state == Merge.State.REJECTED
    assert rows_pointing_at(Person, kept, merged) == before
    page = logged_in(editor).get(merge.get_absolute_url()).content.decode()
    assert "Two different colonels." in page


def test_a_change_after_review_refuses_the_approval(people, editor, moderator):
    kept, merged = people
    merge = merge_propose(kept, merged, editor)
    url = reverse("admin:orgs_person_merge_review", args=[merge.pk])
    client = logged_in(moderator)
    digest = client.get(url).context["plan"].digest
    MeetingParticipant.objects.create(
        meeting=Meeting.objects.get(organisation__slug="kio-kia", number=20),
        side="organisation",
        person=merged,
    )

    response = client.post(url, {"action": "approve", "digest": digest}, follow=True)

    assert "The records changed while you reviewed the merge" in response.content.decode()
    assert Merge.objects.get().state == Merge.State.PENDING
    assert merged.meeting_participations.count() == 3


def test_both_rows_of_a_shared_meeting_are_kept_and_combined(people, moderator):
    kept, merged = people
    meeting_21 = Meeting.objects.get(organisation__slug="kio-kia", number=21)
    plan = merge_plan(kept, merged)

    assert [c["where"] for c in plan.conflicts] == [f"{meeting_21} — organisation side"]
    merge_propose(kept, merged, moderator)

    kept_row = MeetingParticipant.objects.get(meeting=meeting_21, person=kept)
    merged_row = MeetingParticipant.objects.get(meeting=meeting_21, person=merged)
    assert kept_row.role == "Leader"
    assert merged_row.role == "Leader" and merged_row.order == 9
    page = Client().get(meeting_21.get_absolute_url()).content.decode()
    assert page.count("Zau Tawng") == 1


def test_a_split_restores_both_records_and_every_row_exactly(people, moderator):
    kept, merged = people
    before = rows_pointing_at(Person, kept, merged)
    aliases_before = PersonAlias.objects.count()
    merge = merge_propose(kept, merged, moderator)
    assert rows_pointing_at(Person, kept, merged) != before

    response = review(logged_in(moderator), merge, "split", "They are two people after all.")

    assert "Split: both records are as they were." in response.content.decode()
    assert rows_pointing_at(Person, kept, merged) == before
    assert PersonAlias.objects.count() == aliases_before
    assert Client().get("/en/people/zaw-taung/").status_code == 200
    assert ModerationEvent.objects.filter(action="merge_split", user=moderator).count() == 2


def test_an_organisation_merge_and_split_restore_meetings_parties_and_members(seed, moderator):
    kept = Organisation.objects.get(slug="mpc")
    merged = make_org(
        name="Myanmar Peace Center", acronym="MPC", slug="myanmar-peace-center", kind="government"
    )
    meeting = Meeting.objects.get(organisation__slug="kio-kia", number=16)
    MeetingParticipant.objects.filter(meeting=meeting, body=kept).update(body=merged)
    agreement = Meeting.objects.get(organisation__slug="kio-kia", number=15).agreements.first()
    agreement.parties.add(merged)
    Organisation.objects.get(slug="upwc").mediates_for.add(merged)
    before = rows_pointing_at(Organisation, kept, merged)

    merge_propose(kept, merged, moderator)
    assert set(agreement.parties.all()) >= {kept}
    assert MeetingParticipant.objects.filter(meeting=meeting, body=kept).exists()
    merge_split(Merge.objects.get(), moderator)

    assert rows_pointing_at(Organisation, kept, merged) == before


def test_the_merge_command_applies_a_moderators_merge_and_queues_an_editors(people, editor, moderator):
    kept, merged = people
    out = io.StringIO()
    call_command("merge", "people", "zau-tawng", "zaw-taung", "--as", "editor", stdout=out)
    assert "waits for a moderator's review" in out.getvalue()
    assert Merge.objects.get().state == Merge.State.PENDING
    Merge.objects.all().delete()

    call_command("merge", "people", "zau-tawng", "zaw-taung", "--as", "moderator", stdout=out)

    assert "merged zaw-taung into zau-tawng" in out.getvalue()
    assert Merge.objects.get().state == Merge.State.APPLIED


def test_the_merge_command_refuses_what_the_admin_refuses(people):
    make_role_user("data_officer")
    with pytest.raises(CommandError, match="cannot edit"):
        call_command("merge", "people", "zau-tawng", "zaw-taung", "--as", "data_officer")
    with pytest.raises(CommandError, match="No person"):
        call_command("merge", "people", "zau-tawng", "nobody", "--as", "data_officer")
    assert not Merge.objects.exists()


# ----- what readers must never see through a merge


def test_a_redirect_to_an_unpublished_kept_record_is_a_404(people, moderator):
    kept, merged = people
    merge_propose(kept, merged, moderator)
    Person.objects.filter(pk=kept.pk).update(status="unpublished")
    reader = Client()

    for language in ("en", "my"):
        response = reader.get(f"/{language}/people/zaw-taung/")
        assert response.status_code == 404
        assert "zau-tawng" not in response.content.decode()


def test_an_unpublished_merged_records_address_never_names_the_kept_record(seed, moderator):
    kept = Person.objects.get(slug="dau-kha")
    merged = Person.objects.get(slug="dau-hka")
    Person.objects.filter(pk=merged.pk).update(status="draft")
    merge_propose(kept, Person.objects.get(pk=merged.pk), moderator)
    reader = Client()

    for language in ("en", "my"):
        response = reader.get(f"/{language}/people/dau-hka/")
        assert response.status_code == 404
        assert "dau-kha" not in response.content.decode()
    listed = reader.get("/en/meetings/", {"participant": "dau-hka"}).content.decode()
    assert "0 meetings found." in listed


def test_a_pending_merge_changes_nothing_readers_see(people, editor):
    kept, merged = people
    merge_propose(kept, merged, editor)
    reader = Client()

    assert reader.get("/en/people/zaw-taung/").status_code == 200
    assert "#22" not in reader.get("/en/people/zau-tawng/").content.decode()


def test_a_merged_record_is_gone_from_search_and_its_names_find_the_kept_one(people, moderator):
    kept, merged = people
    merge_propose(kept, merged, moderator)
    page = Client().get("/en/search/", {"q": "Zaw Taung"}).content.decode()

    assert "/en/people/zau-tawng/" in page
    assert "/en/people/zaw-taung/" not in page


def test_the_meetings_participant_filter_finds_the_kept_person_by_every_old_name(people, moderator):
    kept, merged = people
    merge_propose(kept, merged, moderator)
    reader = Client()

    for value in ("zaw-taung", "Zaw Taung", "Col Zaw Taung", "Zaw Taung (KIO)", "zau-tawng"):
        response = reader.get("/en/meetings/export.csv", {"participant": value})
        rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
        numbers = {row["number"] for row in rows}
        assert {"21", "22"} <= numbers, value


def test_a_record_merged_away_cannot_be_merged_again_or_kept(people, moderator):
    kept, merged = people
    merge_propose(kept, merged, moderator)
    other = make_person(name="Someone Else", slug="someone-else")
    client = logged_in(moderator)

    for keep, away in ((merged, other), (other, merged)):
        page, response = propose_in_admin(client, keep, away)
        assert "split that merge first" in response.content.decode()
    assert Merge.objects.count() == 1


def test_a_chain_of_merges_leads_an_old_address_to_the_last_kept_record(people, moderator):
    kept, merged = people
    merge_propose(kept, merged, moderator)
    last = make_person(name="Zau Tawng", honorific="Brig. Gen.", slug="zau-tawng-kio")
    merge_propose(last, Person.objects.get(pk=kept.pk), moderator)

    for old in ("zaw-taung", "zau-tawng"):
        response = Client().get(f"/en/people/{old}/")
        assert response.status_code == 301 and response["Location"] == "/en/people/zau-tawng-kio/"


def test_the_admin_links_the_duplicates_the_merges_and_a_records_merge(people, editor, moderator):
    kept, merged = people
    merge = merge_propose(kept, merged, moderator)
    client = logged_in(editor)

    changelist = client.get(reverse("admin:orgs_person_changelist")).content.decode()
    assert reverse("admin:orgs_person_duplicates") in changelist
    assert reverse("admin:orgs_person_merges") in changelist
    change = client.get(reverse("admin:orgs_person_change", args=[merged.pk])).content.decode()
    assert merge.get_absolute_url() in change
    assert f"{reverse('admin:orgs_person_duplicates')}?record={merged.pk}" in change
    listed = client.get(reverse("admin:orgs_person_merges")).content.decode()
    assert "Col Zaw Taung → Col. Zau Tawng" in listed
