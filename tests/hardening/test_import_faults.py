"""Faults in the import: the background worker killed halfway through a large file, and what follows."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from imports.models import ImportBatch
from imports.services import PROGRESS_KEY, import_batch_create
from imports.tasks import import_batch_task
from orgs.models import ClashEvent
from peacetracker.cache import state_cache
from tests.hardening.people import make_role_user
from tests.imports.files import acled_file, acled_row

# About 13 MB: a few seconds of import, long enough to kill the worker at a fifth with most of the file to go.
ROWS = 40_000
STALE_SECONDS = 3
QUEUE = """
from imports.services import import_batch_create
from imports.tasks import import_batch_task
with open({path!r}, "rb") as stream:
    batch = import_batch_create(stream.read(), "acled-large.csv", "acled")
import_batch_task.enqueue(batch.pk)
print(batch.pk)
"""
STATE = """
import json
from imports.models import ImportBatch
from imports.services import import_batches_interrupted_mark
from orgs.models import ClashEvent
import_batches_interrupted_mark()
print(json.dumps({
    "events": ClashEvent.objects.count(),
    "batches": list(ImportBatch.objects.order_by("pk").values_list("pk", "state", "rows_done")),
}))
"""


def manage(env, *args, timeout=300):
    """Run manage.py in a process of its own, as an operator would."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def state_of(env):
    result = manage(env, "shell", "--no-imports", "-c", STATE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def worker_env(db, tmp_path, migrated_sqlite):
    """The environment of the worker and the commands: an empty migrated database of the suite's kind."""
    if connection.vendor == "sqlite":
        url, name = f"sqlite:///{migrated_sqlite(tmp_path / 'worker.sqlite3')}", None
    else:
        test_db = connection.settings_dict
        name = f"{test_db['NAME']}_killed"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = (
            f"postgres://{test_db['USER']}:{test_db['PASSWORD'] or ''}@{test_db['HOST'] or '127.0.0.1'}"
            f":{test_db['PORT'] or 5432}/{name}"
        )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peacetracker.settings",
        "DATABASE_URL": url,
        "DJANGO_CACHE_URL": f"file://{tmp_path / 'cache'}",
        "PEACETRACKER_IMPORT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "PEACETRACKER_IMPORT_STALE_SECONDS": str(STALE_SECONDS),
    }
    if name is not None:
        migrated = manage(env, "migrate", "--no-input")
        assert migrated.returncode == 0, migrated.stderr
    yield env
    if name is not None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_worker_killed_mid_import_writes_nothing_and_the_file_imports_again_to_completion(
    worker_env, tmp_path
):
    path = tmp_path / "acled-large.csv"
    path.write_bytes(acled_file([acled_row(n) for n in range(ROWS)]))
    queued = manage(worker_env, "shell", "--no-imports", "-c", QUEUE.format(path=str(path)))
    assert queued.returncode == 0, queued.stderr
    batch_pk = int(queued.stdout)
    # The worker's own view of progress: the state cache (the "state" folder beside the page cache's files).
    progress = FileBasedCache(str(tmp_path / "cache" / "state"), {"KEY_PREFIX": "peacetracker-state"})

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=settings.BASE_DIR,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        rows_done = 0
        while rows_done < ROWS // 5:
            assert worker.poll() is None, "the worker stopped by itself"
            assert time.monotonic() < deadline, "the import never got going"
            time.sleep(0.05)
            rows_done = progress.get(PROGRESS_KEY.format(batch_pk)) or 0
        assert rows_done < ROWS, "the import finished before it could be killed: make the file larger"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    # Nothing of the file is written, and once its heartbeat is stale the batch says it was interrupted.
    time.sleep(STALE_SECONDS + 1)
    after_kill = state_of(worker_env)
    assert after_kill["events"] == 0
    [(pk, state, stopped_at)] = after_kill["batches"]
    assert (pk, state) == (batch_pk, "interrupted")
    assert 0 < stopped_at < ROWS

    rerun = manage(worker_env, "import_clashes", str(path))
    assert rerun.returncode == 0, rerun.stderr
    assert f"Import batch {batch_pk} (acled-large.csv) was interrupted" in rerun.stdout
    assert f"importing it again as batch {batch_pk}, resuming after the " in rerun.stdout
    assert f"{ROWS} rows read: {ROWS} new, 0 updated, 0 unchanged, 0 invalid." in rerun.stdout
    assert f"Imported as batch {batch_pk}." in rerun.stdout
    assert state_of(worker_env) == {"events": ROWS, "batches": [[batch_pk, "done", ROWS]]}


@pytest.fixture
def interrupted_batch(db, settings):
    """A batch whose worker died: running, started long ago, no heartbeat since."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    officer = make_role_user("data_officer")
    batch = import_batch_create(acled_file(), "three-events.csv", "acled", officer)
    started = timezone.now() - datetime.timedelta(seconds=settings.PEACETRACKER_IMPORT_STALE_SECONDS + 60)
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.RUNNING, started_at=started, rows_total=3
    )
    state_cache().set(PROGRESS_KEY.format(batch.pk), 2)
    client = Client()
    client.force_login(officer)
    return batch, client


def test_a_batch_whose_worker_died_shows_as_interrupted_in_the_admin(interrupted_batch):
    batch, client = interrupted_batch
    listing = client.get(reverse("admin:imports_importbatch_changelist"))
    assert "interrupted: the worker stopped, nothing written" in listing.text
    page = client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert "stopped (killed or restarted) after 2 of 3 rows" in page.text
    assert 'http-equiv="refresh"' not in page.text
    assert 'value="Import again"' in page.text


def test_a_running_batch_with_a_recent_heartbeat_is_not_interrupted(interrupted_batch):
    batch, client = interrupted_batch
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now())
    page = client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert 'http-equiv="refresh"' in page.text
    assert "Import again" not in page.text
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.RUNNING


def test_an_interrupted_batch_is_requeued_from_the_admin_and_completes(
    interrupted_batch, django_capture_on_commit_callbacks
):
    batch, client = interrupted_batch
    client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:imports_importbatch_requeue", args=[batch.pk]))
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.QUEUED
    assert [result.args for result in default_task_backend.results] == [[batch.pk]]

    import_batch_task.call(batch.pk)
    batch.refresh_from_db()
    assert (batch.state, batch.rows_done, ClashEvent.objects.count()) == (ImportBatch.State.DONE, 3, 3)
    again = client.post(reverse("admin:imports_importbatch_requeue", args=[batch.pk]), follow=True)
    assert "only an interrupted import runs again" in again.text


def test_only_importers_can_requeue_an_interrupted_batch(interrupted_batch):
    batch, _client = interrupted_batch
    editor = Client()
    editor.force_login(make_role_user("editor"))
    assert editor.post(reverse("admin:imports_importbatch_requeue", args=[batch.pk])).status_code == 403
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.RUNNING
