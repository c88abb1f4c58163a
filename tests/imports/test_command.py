"""`manage.py import_clashes`: its summary, its exit status, dry runs and the background worker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from imports.models import ImportBatch
from orgs.models import ClashEvent, ClashFigure

from .files import acled_file, acled_row, tallies_file

pytestmark = pytest.mark.django_db


def site_environment(database):
    """The site run as a separate process on its own SQLite file, whatever database the suite uses."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    return {
        **env,
        "PEACETRACKER_SQLITE_PATH": str(database),
        "DJANGO_CACHE_URL": "locmem://",
        "PEACETRACKER_IMPORT_UPLOAD_DIR": str(database.parent / "uploads"),
    }


def write(tmp_path, data, name="events.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_and_prints_the_summary(orgs, tmp_path, capsys):
    rows = [acled_row(1), acled_row(2, actor2="Arakan Army")]
    call_command("import_clashes", write(tmp_path, acled_file(rows)))
    out = capsys.readouterr().out
    assert "2 rows read: 2 new, 0 updated, 0 unchanged, 0 invalid." in out
    assert "  Arakan Army: 1 rows" in out
    assert "Imported as batch" in out
    assert ClashEvent.objects.count() == 2 and ImportBatch.objects.get().file_name == "events.csv"


def test_dry_run_writes_nothing(orgs, tmp_path, capsys):
    call_command("import_clashes", write(tmp_path, acled_file()), "--dry-run")
    out = capsys.readouterr().out
    assert "3 new" in out and "Dry run: nothing was written." in out
    assert not ClashEvent.objects.exists() and not ImportBatch.objects.exists()


def test_invalid_file_lists_problems_and_fails(orgs, tmp_path, capsys):
    rows = [acled_row(1), acled_row(2, fatalities="-1")]
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_clashes", write(tmp_path, acled_file(rows)))
    out = capsys.readouterr().out
    assert "line 3, column fatalities: -1 is negative" in out
    assert not ClashEvent.objects.exists()


def test_strict_option_fails_on_unmatched_actors(orgs, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_clashes", write(tmp_path, acled_file([acled_row(1, actor1="Nobody")])), "--strict"
        )
    assert 'column actor1: no organisation is known as "Nobody"' in capsys.readouterr().out


def test_tallies_format(orgs, tmp_path, capsys):
    data = tallies_file([{"organisation": "Kachin Independence Army", "year": "2021", "count": "138"}])
    call_command("import_clashes", write(tmp_path, data), "--format", "tallies")
    assert ClashFigure.objects.get().count == 138


def test_exit_status_is_non_zero_for_an_invalid_file(tmp_path, migrated_sqlite):
    root = Path(settings.BASE_DIR)
    path = write(tmp_path, acled_file([acled_row(1, latitude="x")]))
    database = tmp_path / "command.sqlite3"
    env = site_environment(database)
    manage = [sys.executable, str(root / "manage.py")]
    migrated_sqlite(database)
    result = subprocess.run(
        [*manage, "import_clashes", path], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert 'line 2, column latitude: "x" is not a number' in result.stdout
    good = write(tmp_path, acled_file(), "good.csv")
    result = subprocess.run(
        [*manage, "import_clashes", good], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and "3 new" in result.stdout
    # Not a terminal: no progress bar in the output.
    assert "rows/s" not in result.stderr + result.stdout


def test_database_worker_runs_a_queued_import(tmp_path, migrated_sqlite):
    """The real task backend: the confirmed batch waits in the database until `db_worker` runs it."""
    root = Path(settings.BASE_DIR)
    database = tmp_path / "worker.sqlite3"
    env = site_environment(database)
    manage = [sys.executable, str(root / "manage.py")]
    migrated_sqlite(database)
    path = write(tmp_path, acled_file())
    enqueue = (
        "from imports.services import import_batch_create; from imports.tasks import import_batch_task; "
        f"b = import_batch_create(open({path!r}, 'rb').read(), 'events.csv', 'acled'); "
        "import_batch_task.enqueue(b.pk); print(b.pk)"
    )
    subprocess.run([*manage, "shell", "-c", enqueue], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=root,
        env=env,
        check=True,
        timeout=120,
    )
    check = (
        "from imports.models import ImportBatch as B; b = B.objects.get(); print(b.state, b.created_count)"
    )
    result = subprocess.run(
        [*manage, "shell", "-c", check], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.stdout.split()[-2:] == ["done", "3"]
