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
