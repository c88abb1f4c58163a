"""`python3 dev.py run` starts the site and the background worker together, and stops them together."""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

posix_only = pytest.mark.skipif(os.name == "nt", reason="process groups and SIGINT are POSIX")


@pytest.fixture
def dev():
    spec = importlib.util.spec_from_file_location("dev", Path(settings.BASE_DIR) / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Ctrl-C as a terminal delivers it: a test runner's worker process (pytest-xdist's) ignores SIGINT, and
# the processes it starts would inherit that.
AS_IN_A_TERMINAL = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "


def sleeper(pid_file):
    """A command that notes its process id, then waits to be stopped."""
    code = (
        AS_IN_A_TERMINAL
        + f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    )
    return [sys.executable, "-c", code]


def started(pid_file):
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    return int(pid_file.read_text())


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_starts_runserver_and_the_task_worker(dev, monkeypatch):
    ran = []
    monkeypatch.setattr(dev, "cmd_setup", lambda: None)
    monkeypatch.setattr(dev, "run_together", lambda commands: ran.append(commands) or 0)
    with pytest.raises(SystemExit):
        dev.cmd_run()
    [commands] = ran
    assert [command[1:3] for command in commands] == [["manage.py", "runserver"], ["manage.py", "db_worker"]]


@posix_only
def test_when_one_command_exits_the_other_is_stopped_and_its_status_returned(dev, tmp_path):
    pid_file = tmp_path / "worker.pid"
    status = dev.run_together([sleeper(pid_file), [sys.executable, "-c", "import sys; sys.exit(3)"]])
    assert status == 3
    assert not running(started(pid_file))


@posix_only
def test_ctrl_c_stops_both_commands(tmp_path):
    site, worker = tmp_path / "site.pid", tmp_path / "worker.pid"
    script = (
        AS_IN_A_TERMINAL + "import sys; sys.path.insert(0, sys.argv[1]); import dev; "
        f"sys.exit(dev.run_together([{sleeper(site)!r}, {sleeper(worker)!r}]))"
    )
    parent = subprocess.Popen([sys.executable, "-c", script, str(settings.BASE_DIR)])
    pids = [started(site), started(worker)]
    parent.send_signal(signal.SIGINT)
    assert parent.wait(timeout=30) == 130
    assert not any(running(pid) for pid in pids)
