"""The working state (content generation, import progress and heartbeats) survives a flood of cached pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imports import acled
from imports.models import ImportBatch
from imports.services import import_batch_create, import_batch_run
from peacetracker.cache import cache_generation

from .files import acled_file, acled_row

pytestmark = pytest.mark.django_db

FLOOD = 400


@pytest.fixture
def small_page_cache(settings, tmp_path):
    """The production kind of page cache (files), small enough that a few hundred pages overflow it."""
    settings.PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 20},
        },
        "state": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "flood-test-state"},
    }


def test_a_flood_of_unique_pages_mid_import_evicts_neither_the_generation_nor_the_imports_progress(
    client, orgs, officer, small_page_cache, monkeypatch
):
    user, officer_client = officer
    monkeypatch.setattr(acled, "CHUNK", 2)
    batch = import_batch_create(acled_file([acled_row(n) for n in range(1, 7)]), "events.csv", "acled", user)
    generation = cache_generation()
    seen = []

    def flood_midway(rows):
        if rows != 4:
            return
        for n in range(FLOOD):
            assert client.get(reverse("orgs:organisation-list"), {"utm": n})["X-Cache"] == "MISS"
        # Pages are still cached under the flood. The file cache culls random entries once full, and can
        # cull a page's header key while it stores the page itself, so a page may need storing again.
        last = {"utm": FLOOD - 1}
        assert any(client.get(reverse("orgs:organisation-list"), last)["X-Cache"] == "HIT" for _ in range(10))
        # The worker has been at it for an hour: only its heartbeat says that it is alive.
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ImportBatch.objects.filter(pk=batch.pk).update(started_at=an_hour_ago)
        page = officer_client.get(batch.get_absolute_url()).content.decode()
        running = 'http-equiv="refresh"' in page
        seen.append(("4 of 6 rows done." in page, running, cache_generation() == generation))

    report = import_batch_run(batch, progress=flood_midway, count_rows=True)

    assert seen == [(True, True, True)]
    assert report.ok and ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.DONE
