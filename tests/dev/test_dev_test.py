"""`python3 dev.py test` runs the suite a worker per CPU, unless told otherwise."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def dev():
    spec = importlib.util.spec_from_file_location("dev", Path(settings.BASE_DIR) / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("args", [(), ("tests/orgs",), ("-x", "-k", "merge"), ("--durations=20",)])
def test_the_suite_runs_in_parallel_by_default(dev, args):
    assert dev.parallel(args) == ["-n", "auto", "--dist", "loadscope"]


@pytest.mark.parametrize(
    "args",
    [
        ("-n", "1"),
        ("-n0",),
        ("--numprocesses=3",),
        ("-p", "no:xdist"),
        ("-pno:xdist",),
        ("--pdb",),
        ("tests/orgs", "--trace"),
        ("--dist", "loadfile", "-n", "2"),
    ],
)
def test_a_caller_who_chooses_the_workers_or_debugs_gets_what_they_asked_for(dev, args):
    assert dev.parallel(args) == []
