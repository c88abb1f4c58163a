import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db):
    """The published KIO/KIA profile from fixtures/, loaded into the test database."""
    call_command("load_seed", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as a fresh deployment would: nothing computed by another test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts and ends in English: a request under /my/ leaves Burmese active in its thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
