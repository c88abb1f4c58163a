"""A large import writes in short transactions: others write meanwhile, readers see all of it or none."""

import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imports import acled
from imports.models import ImportBatch, StagedEvent
from imports.services import (
    HEARTBEAT_KEY,
    import_batch_create,
    import_batch_requeue,
    import_batch_run,
    import_batches_interrupted_mark,
)
from orgs.models import ClashEvent, OrganisationAlias
from peacetracker.cache import state_cache
from tests.factories import make_org

from .admin_steps import public_events_csv
from .files import acled_file, acled_row

ROWS = 9


def in_another_connection(work):
    """Run `work` in a thread, so on a database connection of its own, as another request would."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # the test reports it
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise AssertionError(f"the other connection failed: {outcome['error']!r}")
    return outcome["value"]


def log_in_through_the_admin():
    response = Client().post(
        reverse("admin:login"), {"username": "lena", "password": "a-long-password", "next": "/admin/"}
    )
    return response.status_code, response.get("Location")


@pytest.mark.django_db(transaction=True)
def test_others_write_between_the_chunks_and_readers_see_none_of_the_batch_until_it_completes(monkeypatch):
    make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-chunks")
    military = make_org(name="Tatmadaw", slug="tatmadaw-chunks", kind="government")
    OrganisationAlias.objects.create(organisation=military, name="Military Forces of Myanmar")
    User.objects.create_user("lena", password="a-long-password", is_staff=True)
    monkeypatch.setattr(acled, "CHUNK", 3)
    batch = import_batch_create(acled_file([acled_row(n) for n in range(1, ROWS + 1)]), "big.csv", "acled")
    between_chunks = []

    def meanwhile(rows):
        staged = in_another_connection(lambda: StagedEvent.objects.filter(batch=batch).count())
        login = in_another_connection(log_in_through_the_admin)
        between_chunks.append((rows, staged, login, public_events_csv().count("MMR0")))

    report = import_batch_run(batch, progress=meanwhile)

    assert report.ok and report.created == ROWS
    # After each chunk of three: its rows committed (another connection sees them staged), a login saved
    # its session meanwhile, and the public export holds none of the batch.
    logged_in = (302, "/admin/")
    assert between_chunks[:3] == [(3, 3, logged_in, 0), (6, 6, logged_in, 0), (9, 9, logged_in, 0)]
    assert public_events_csv().count("MMR0") == ROWS
    assert not StagedEvent.objects.exists()


class WorkerKilled(BaseException):
    """The worker process dying (killed, the machine restarted): nothing after it runs."""


@pytest.mark.django_db
def test_an_interrupted_import_resumes_after_the_chunks_it_staged(orgs, monkeypatch):
    monkeypatch.setattr(acled, "CHUNK", 2)
    batch = import_batch_create(acled_file([acled_row(n) for n in range(1, 8)]), "big.csv", "acled")

    def dies_after_two_chunks(rows):
        if rows >= 4:
            raise WorkerKilled

    with pytest.raises(WorkerKilled):
        import_batch_run(batch, progress=dies_after_two_chunks)
    assert StagedEvent.objects.filter(batch=batch).count() == 4
    assert "MMR0" not in public_events_csv() and not ClashEvent.objects.exists()

    state_cache().delete(HEARTBEAT_KEY.format(batch.pk))
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    assert import_batches_interrupted_mark() == [batch.pk]
    import_batch_requeue(batch)
    staged_again = []
    real_stage = acled.EventStager.stage

    def stage(stager, changed):
        staged_again.extend(values[0] for line, existing, values in changed if line > stager.resume_after)
        real_stage(stager, changed)

    monkeypatch.setattr(acled.EventStager, "stage", stage)
    report = import_batch_run(batch)

    assert report.ok and (report.rows, report.created) == (7, 7)
    assert staged_again == ["MMR00005", "MMR00006", "MMR00007"]
    assert public_events_csv().count("MMR0") == 7
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.DONE
