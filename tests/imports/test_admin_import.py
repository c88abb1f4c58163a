"""The admin import: upload, preview, confirm; who may do it; the batch page, its progress and rollback."""

import pytest
from django.urls import reverse
from django_tasks import default_task_backend

from imports.models import ImportBatch
from imports.tasks import import_batch_task
from orgs.models import ClashEvent, ClashFigure
from peacetracker.models import ModerationEvent
from peacetracker.roles import EDITORS

from .admin_steps import CONFIRM_URL, IMPORT_URL, confirm, upload, user_in
from .files import acled_file, acled_row, tallies_file

pytestmark = pytest.mark.django_db


def test_officer_previews_then_confirms_an_import(orgs, officer):
    _user, client = officer
    preview = upload(client, acled_file())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Confirm import" in page
    assert '<td class="import-count-new">3</td>' in page
    assert not ClashEvent.objects.exists()

    response = confirm(client, preview)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert ClashEvent.objects.count() == 3
    assert batch.created_by.username == "dora" and batch.state == ImportBatch.State.DONE
    assert ModerationEvent.objects.filter(action="imported", object_id=batch.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "3 rows read: 3 new" in page or '<td class="import-count-new">3</td>' in page


def test_preview_lists_invalid_rows_and_offers_no_confirm(orgs, officer):
    _user, client = officer
    rows = [acled_row(1), acled_row(2, latitude="123"), acled_row(3, event_date="30 February 2021")]
    page = upload(client, acled_file(rows)).content.decode()
    assert "Confirm import" not in page
    assert "<td>3</td><td>latitude</td><td>123 is outside -90 to 90</td>" in page
    assert "<td>4</td><td>event_date</td><td>&quot;30 February 2021&quot; is not a real date</td>" in page
    assert '<td class="import-count-invalid">2</td>' in page
    assert "Traceback" not in page


def test_preview_lists_unmatched_actors_with_row_counts(orgs, officer):
    _user, client = officer
    rows = [acled_row(n, actor2="Arakan Army") for n in (1, 2)]
    page = upload(client, acled_file(rows)).content.decode()
    assert "<td>Arakan Army</td><td>2</td>" in page
    assert "Confirm import" in page


def test_strict_checkbox_turns_unmatched_actors_into_errors(orgs, officer):
    _user, client = officer
    page = upload(client, acled_file([acled_row(1, actor2="Arakan Army")]), strict=True).content.decode()
    assert "Confirm import" not in page
    assert "no organisation is known as &quot;Arakan Army&quot;" in page


def test_a_wrongly_encoded_file_is_explained_in_the_preview(orgs, officer):
    _user, client = officer
    data = acled_file([acled_row(1, notes="Café")], encoding="cp1252")
    page = upload(client, data).content.decode()
    assert "The file is not UTF-8 text" in page and "Confirm import" not in page


def test_editor_sees_no_import_and_cannot_reach_it(orgs):
    _user, client = user_in(EDITORS, "eddie")
    changelist = client.get(reverse("admin:orgs_clashfigure_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:orgs_clashfigure_import") not in changelist.content.decode()
    assert client.get(reverse("admin:orgs_clashfigure_import")).status_code == 403
    assert upload(client, acled_file()).status_code == 403
    assert client.post(reverse(CONFIRM_URL), {}).status_code == 403
    assert not ClashEvent.objects.exists()


def test_officer_sees_the_import_button(officer):
    _user, client = officer
    page = client.get(reverse("admin:orgs_clashevent_changelist")).content.decode()
    assert reverse(IMPORT_URL) in page


def test_moderator_rolls_back_a_batch_exactly(orgs, officer, moderator):
    _user, client = officer
    confirm(client, upload(client, acled_file()))
    rows = [acled_row(1, fatalities="9"), acled_row(2), acled_row(3), acled_row(4)]
    confirm(client, upload(client, acled_file(rows)))
    second = ImportBatch.objects.order_by("pk").last()
    assert (second.created_count, second.updated_count) == (1, 1)

    _mod, mod_client = moderator
    page = mod_client.get(second.get_absolute_url()).content.decode()
    assert "Roll back this import" in page
    response = mod_client.post(reverse("admin:imports_importbatch_rollback", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == ImportBatch.State.ROLLED_BACK
    assert sorted(ClashEvent.objects.values_list("event_id_cnty", "fatalities")) == [
        ("MMR00001", 2),
        ("MMR00002", 2),
        ("MMR00003", 2),
    ]
    assert ModerationEvent.objects.filter(action="reverted", object_id=second.pk).exists()
    # The first import, now the latest again, rolls back to an empty table.
    first = ImportBatch.objects.order_by("pk").first()
    mod_client.post(reverse("admin:imports_importbatch_rollback", args=[first.pk]))
    assert not ClashEvent.objects.exists()


def test_rollback_is_refused_when_a_later_import_changed_the_same_rows(orgs, officer, moderator):
    _user, client = officer
    confirm(client, upload(client, acled_file()))
    confirm(client, upload(client, acled_file([acled_row(1, fatalities="9")])))
    first = ImportBatch.objects.order_by("pk").first()
    _mod, mod_client = moderator
    response = mod_client.post(reverse("admin:imports_importbatch_rollback", args=[first.pk]), follow=True)
    assert "have changed since" in response.content.decode()
    first.refresh_from_db()
    assert first.state == ImportBatch.State.DONE
    assert ClashEvent.objects.count() == 3


def test_officer_cannot_roll_back(orgs, officer):
    _user, client = officer
    confirm(client, upload(client, acled_file()))
    batch = ImportBatch.objects.get()
    assert "Roll back this import" not in client.get(batch.get_absolute_url()).content.decode()
    assert client.post(reverse("admin:imports_importbatch_rollback", args=[batch.pk])).status_code == 403
    assert ClashEvent.objects.count() == 3


def test_large_file_is_imported_in_the_background_with_progress(
    orgs, officer, settings, django_capture_on_commit_callbacks
):
    settings.PEACETRACKER_IMPORT_BACKGROUND_BYTES = 100
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _user, client = officer
    preview = upload(client, acled_file())
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)
    (queued,) = default_task_backend.results
    batch = ImportBatch.objects.get()
    assert queued.args == [batch.pk]
    assert batch.state == ImportBatch.State.QUEUED and not ClashEvent.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "waiting for the worker" in page.lower()

    import_batch_task.call(batch.pk)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE and (batch.rows_total, batch.rows_done) == (3, 3)
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert ClashEvent.objects.count() == 3


def test_tallies_arrive_in_review_and_reimport_is_idempotent(orgs, officer):
    kia, military = orgs
    _user, client = officer
    data = tallies_file(
        [
            {"organisation": "KIA", "opponent": "Tatmadaw", "year": "2021", "count": "138"},
            {
                "organisation": "KIA",
                "opponent": "Tatmadaw",
                "year": "2021",
                "count": "2,400",
                "claimed_by": "KIA",
            },
            {
                "organisation": "KIA",
                "year": "2023",
                "count": "40",
                "as_of": "2023-03",
                "source": "Monitor report",
            },
        ]
    )
    url, confirm_url = "admin:orgs_clashfigure_import", "admin:orgs_clashfigure_process_import"
    preview = upload(client, data, url=url)
    assert '<td class="import-count-new">3</td>' in preview.content.decode()
    confirm(client, preview, url=confirm_url)
    figures = ClashFigure.objects.order_by("count")
    assert [(f.count, f.status) for f in figures] == [
        (40, "in_review"),
        (138, "in_review"),
        (2400, "in_review"),
    ]
    assert figures.get(count=2400).claimed_by == kia and figures.get(count=138).opponent == military
    assert figures.get(count=40).as_of_precision == "month"
    assert figures.get(count=40).citations.get().source.title == "Monitor report"
    again = upload(client, data, url=url).content.decode()
    assert '<td class="import-count-unchanged">3</td>' in again


def test_tally_for_an_unknown_organisation_is_invalid(orgs, officer):
    _user, client = officer
    data = tallies_file([{"organisation": "Nobody", "year": "2021", "count": "-1"}])
    page = upload(client, data, url="admin:orgs_clashfigure_import").content.decode()
    assert "no organisation is known as &quot;Nobody&quot;" in page
    assert "-1 is negative" in page
    assert "Confirm import" not in page


def test_batches_are_listed_and_a_changed_event_shows_the_change_in_its_history(orgs, officer, moderator):
    _user, client = officer
    confirm(client, upload(client, acled_file()))
    confirm(client, upload(client, acled_file([acled_row(1, fatalities="9")])))
    listing = client.get(reverse("admin:imports_importbatch_changelist")).content.decode()
    assert listing.count("events.csv") == 2
    _mod, mod_client = moderator
    event = ClashEvent.objects.get(event_id_cnty="MMR00001")
    history = mod_client.get(reverse("admin:orgs_clashevent_history", args=[event.pk])).content.decode()
    second = ImportBatch.objects.order_by("pk").last()
    assert second.change_reason in history
