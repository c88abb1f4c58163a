#!/usr/bin/env python3
"""Everyday commands with nothing but Python 3.11+: `python3 dev.py run` and `python3 dev.py test`."""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(message):
    print(f"==> {message}", flush=True)


def run(*args, **kwargs):
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def ensure_venv(requirements):
    """Create .venv and install the requirements, again only when the file changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("PeaceTracker needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if not stamp.exists() or stamp.read_text() != digest:
        say(f"Installing {requirements}")
        run(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", ROOT / requirements)
        stamp.write_text(digest)


def manage(*args):
    run(PYTHON, "manage.py", *args)


def cmd_setup():
    ensure_venv("requirements.txt")
    say("Migrating the database")
    manage("migrate", "--no-input", "-v", "0")
    say("Loading the seed profile")
    manage("load_seed")


def site_commands():
    """The site and its background worker (large imports and checks), as `dev.py run` starts them."""
    return [
        [str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"],
        [str(PYTHON), "manage.py", "db_worker"],
    ]


def signal_group(process, signum):
    """Send a signal to a process and to every process it started (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def stop(process, grace=10):
    """Stop a process started by `run_together`, with whatever it started (runserver's reloader), as Ctrl-C
    would; kill them if they have not stopped after `grace` seconds."""
    if os.name == "nt":
        process.terminate()
    else:
        signal_group(process, signal.SIGINT)
    try:
        process.wait(timeout=grace)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        if os.name == "nt":
            process.kill()
        else:
            signal_group(process, signal.SIGKILL)
        process.wait()


def run_together(commands, grace=10):
    """Run commands side by side until one of them exits or Ctrl-C is pressed, then stop them all; the
    exit status of the first to exit (130 on Ctrl-C)."""
    # Each in a process group of its own, so that stopping one also stops the processes it started.
    options = {"start_new_session": True} if os.name != "nt" else {}
    processes = []
    status = 130
    try:
        for command in commands:
            processes.append(subprocess.Popen(command, cwd=ROOT, **options))
        while True:
            exited = [p for p in processes if p.poll() is not None]
            if exited:
                status = exited[0].returncode
                break
            time.sleep(0.2)
    except KeyboardInterrupt:
        status = 130
    finally:
        for process in processes:
            stop(process, grace)
    return status


def cmd_run():
    cmd_setup()
    say("Starting the site on http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/)")
    say("Starting the background worker for large imports (manage.py db_worker); Ctrl-C stops both")
    print("    Create an admin account with: python3 dev.py manage createsuperuser", flush=True)
    sys.exit(run_together(site_commands()))


def parallel(pytest_args):
    """pytest-xdist's options for the suite: a worker per CPU, unless the caller chose (`-n 1`, `-n 0`,
    `-p no:xdist`) or debugs (`--pdb`, `--trace`, which need the tests in this process)."""
    args = list(pytest_args)
    chose = any(
        arg in {"-n", "--numprocesses", "--pdb", "--trace", "-pno:xdist", "no:xdist"}
        or arg.startswith(("-n", "--numprocesses=", "--dist"))
        for arg in args
    )
    # Each test module on one worker: the data a module builds once (the seed, the leak tests' world) is
    # built once, not once per worker.
    return [] if chose else ["-n", "auto", "--dist", "loadscope"]


def cmd_test(*pytest_args):
    ensure_venv("requirements-dev.txt")
    workers = parallel(pytest_args)
    say(
        "Running the test suite"
        + (f" on {os.environ['DATABASE_URL']}" if os.environ.get("DATABASE_URL") else " on SQLite")
        + (f", a worker per CPU ({' '.join(workers)})" if workers else "")
    )
    result = subprocess.run([str(PYTHON), "-m", "pytest", *workers, *pytest_args], cwd=ROOT)
    sys.exit(result.returncode)


def cmd_manage(*args):
    ensure_venv("requirements.txt")
    manage(*args)


COMMANDS = {"run": cmd_run, "setup": cmd_setup, "test": cmd_test, "manage": cmd_manage}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: python3 dev.py run | test [pytest args] | setup | manage <command>")
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
    except KeyboardInterrupt:
        sys.exit(130)
