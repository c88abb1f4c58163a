"""Production settings: refuse to start without a secret, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    environment["DJANGO_SETTINGS_MODULE"] = "peacetracker.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k3Q9-vT2pL8-zX4r-W6nB1-yH7mC5-dF0sJ9-aG2eU4-oK8iR3",
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_development_defaults_use_sqlite_in_wal_mode(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        " print(connection.vendor, c.fetchone()[0])",
        PEACETRACKER_SQLITE_PATH=str(tmp_path / "wal.sqlite3"),
        DATABASE_URL=None,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["sqlite", "wal"]


def test_a_web_server_started_with_no_settings_in_its_environment_never_runs_in_debug_mode():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    load = "import peacetracker.wsgi"
    result = subprocess.run(
        [sys.executable, "-c", load], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr

    environment["DJANGO_SECRET_KEY"] = "x" * 60
    check = "import peacetracker.wsgi; from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False", result.stderr


def debug_of(**env):
    """settings.DEBUG as the settings module decides it in a fresh process with these environment variables
    (and no other DJANGO_ one); the process's error output when it refuses to start."""
    result = python("from peacetracker.settings import base; print(base.DEBUG)", **env)
    return result.stdout.strip() or result.stderr


def python(code, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update({key: value for key, value in env.items() if value is not None})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_a_production_machine_that_forgot_django_debug_never_runs_in_debug_mode():
    """A worker or command started where production is configured (its secret key, its host names) but
    DJANGO_DEBUG is forgotten, empty or mistyped runs without debug: no debug pages, no query log."""
    secret = "k3Q9-vT2pL8-zX4r-W6nB1-yH7mC5-dF0sJ9-aG2eU4-oK8iR3"
    for debug in (None, "", "ture", "False", "0"):
        assert debug_of(DJANGO_DEBUG=debug, DJANGO_SECRET_KEY=secret) == "False", debug
    # Only the host names set, the secret forgotten too: production, which refuses to start without it.
    assert "DJANGO_SECRET_KEY must be set" in debug_of(DJANGO_ALLOWED_HOSTS="example.org")


def test_debug_is_on_only_when_asked_for_or_on_a_machine_with_no_production_settings():
    assert debug_of(DJANGO_DEBUG="1") == "True"
    assert debug_of() == "True"
    # `manage.py` itself follows the same rule.
    assert (
        manage(
            "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)"
        ).stdout.strip()
        == "True"
    )
