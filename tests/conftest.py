import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import settings as hypothesis_settings

# Property tests take hypothesis's default number of examples; before a release, or after changing what
# they cover, run them longer: `python3 dev.py test tests/hardening --hypothesis-profile=thorough`.
hypothesis_settings.register_profile("thorough", max_examples=1000)


@pytest.fixture
def seed(db):
    """The published KIO/KIA profile from fixtures/, loaded into the test database (at once, when the module
    has it loaded already: `load_seed` skips a loaded seed)."""
    call_command("load_seed", verbosity=0)


@pytest.fixture(scope="module")
def seed_for_module(django_db_setup, django_db_blocker):
    """The seed loaded once for a module whose tests all read it, instead of once per test (a few seconds
    each): `pytestmark = pytest.mark.usefixtures("seed_for_module")`. Every test of such a module sees the
    seed; what a test writes is still rolled back after it, and the seed itself after the module. Not for
    modules with transactional or live-server tests, which commit."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """Copies of an empty SQLite database with every migration applied, for tests that run the site as a
    separate process: `manage.py migrate` runs once per test process rather than once per test (it takes
    tens of seconds). Call it with the path of the file to create."""
    template = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    from django.conf import settings

    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    environment.update(PEACETRACKER_SQLITE_PATH=str(template), DJANGO_CACHE_URL="locmem://")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
    )

    def copy(path):
        # SQLite's backup copies what the write-ahead log holds too, which copying the file would miss.
        with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        return path

    return copy


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as a fresh deployment would: nothing computed by another test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language, whatever language earlier requests left active.

    Django's locale middleware activates the page's language in the thread and leaves it active, and
    modeltranslation then writes `place="…"` into that language's column.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
