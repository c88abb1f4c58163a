"""Large uploads are checked by the task worker, the admin showing how far the check is, then the preview."""

import pytest
from django_tasks import default_task_backend

from imports import acled, engine
from imports.models import ImportBatch, ImportUpload
from imports.tasks import import_upload_check_task
from orgs.models import ClashEvent

from .admin_steps import confirm, upload
from .files import acled_file, acled_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def large_above_100_bytes(settings):
    settings.PEACETRACKER_IMPORT_CHECK_BACKGROUND_BYTES = 100
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_large_upload_is_checked_in_the_background_and_its_page_shows_progress_then_the_preview(
    orgs, officer, large_above_100_bytes, django_capture_on_commit_callbacks, monkeypatch
):
    _user, client = officer
    rows = [acled_row(n) for n in range(1, 6)] + [acled_row(6, latitude="north")]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, acled_file(rows))

    stored = ImportUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == stored.get_absolute_url()
    # Nothing of the file was read in the request: the worker has it.
    assert (stored.state, stored.report) == (ImportUpload.State.CHECKING, {})
    (queued,) = default_task_backend.results
    assert queued.args == [stored.pk]
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Waiting for the background worker to start the check" in page
    assert "Confirm import" not in page and "Check the file" not in page

    # The page as the worker goes, a chunk of rows at a time.
    monkeypatch.setattr(acled, "CHUNK", 2)
    real_check, seen = engine.clash_file_check, []

    def check_while_reading_the_page(stream, fmt, strict=False, progress=None, relink_allowed=True):
        def progress_then_page(rows):
            progress(rows)
            page = client.get(stored.get_absolute_url()).content.decode()
            seen.extend(line.strip() for line in page.splitlines() if "rows checked." in line)

        return real_check(stream, fmt, strict, progress_then_page, relink_allowed)

    monkeypatch.setattr(engine, "clash_file_check", check_while_reading_the_page)
    import_upload_check_task.call(stored.pk)
    assert seen[:3] == ["2 of 6 rows checked.", "4 of 6 rows checked.", "6 of 6 rows checked."]

    page = client.get(stored.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "This file cannot be imported" in page and "<td>7</td><td>latitude</td>" in page
    assert "Confirm import" not in page


def test_a_large_upload_checked_in_the_background_is_confirmed_like_a_small_one(
    orgs, officer, large_above_100_bytes, django_capture_on_commit_callbacks
):
    _user, client = officer
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, acled_file())
    import_upload_check_task.call(ImportUpload.objects.get().pk)
    preview = client.get(response["Location"])
    assert '<td class="import-count-new">3</td>' in preview.content.decode()
    confirm(client, preview)
    assert ImportBatch.objects.get().state == ImportBatch.State.DONE and ClashEvent.objects.count() == 3


def test_a_small_upload_is_still_checked_at_once(orgs, officer, settings):
    settings.PEACETRACKER_IMPORT_CHECK_BACKGROUND_BYTES = 10_000_000
    _user, client = officer
    preview = upload(client, acled_file())
    assert preview.status_code == 200 and '<td class="import-count-new">3</td>' in preview.content.decode()
    assert ImportUpload.objects.get().state == ImportUpload.State.CHECKED
