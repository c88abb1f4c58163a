"""The synthetic dataset: its sizes, its separate database, and public pages whose query count ignores it."""

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from bench.synthetic import SIZES, scaled_sizes, synthetic_generate
from negotiations.models import Agreement, Meeting, MeetingParticipant, Statement
from orgs.models import ClashEvent, Organisation, Person

pytestmark = pytest.mark.django_db

SMALL, BIG = 0.005, 0.02
ROOT = Path(settings.BASE_DIR)


def public_pages():
    """One URL for each public page, chosen the same way at any scale: the busiest organisation and person."""
    org = (
        Organisation.objects.published()
        .filter(kind=Organisation.Kind.ARMED)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    person = (
        Person.objects.published().annotate(n=Count("meeting_participations")).order_by("-n", "pk").first()
    )
    meeting = Meeting.objects.published().get(organisation=org, number=1)
    filters = {"country": meeting.country, "year": meeting.date.year, "format": meeting.format}
    return {
        "home": "/en/",
        "directory": "/en/organisations/",
        "profile": org.get_absolute_url(),
        "person": person.get_absolute_url(),
        "meetings": "/en/meetings/",
        "meetings, three filters": "/en/meetings/?" + urlencode(filters),
        "meeting": meeting.get_absolute_url(),
        "clashes": "/en/clashes/",
    }


def query_counts(client):
    counts = {}
    for name, url in public_pages().items():
        client.get(url)  # warm the content-type cache, as a running server has it
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_no_public_page_makes_more_queries_on_four_times_the_data(client):
    with transaction.atomic():
        synthetic_generate(scale=SMALL)
        small = query_counts(client)
        transaction.set_rollback(True)
    synthetic_generate(scale=BIG)
    assert Meeting.objects.count() == 4 * scaled_sizes(SMALL)["meetings"]
    big = query_counts(client)
    growing = {name: (small[name], big[name]) for name in small if big[name] != small[name]}
    assert growing == {}


def test_the_generator_makes_the_issue_sizes_times_the_scale():
    assert (
        scaled_sizes(1.0)
        == SIZES
        == {
            "organisations": 200,
            "people": 5_000,
            "meetings": 20_000,
            "clash_events": 100_000,
            "statements": 20_000,
        }
    )
    sizes = scaled_sizes(BIG)
    counts = synthetic_generate(scale=BIG)
    assert Organisation.objects.count() == sizes["organisations"] == 6  # the floor keeps every kind of body
    assert Person.objects.count() == sizes["people"] == 100
    assert Meeting.objects.count() == sizes["meetings"] == 400
    assert ClashEvent.objects.count() == sizes["clash_events"] == 2_000
    assert Statement.objects.count() == sizes["statements"] == 400
    assert counts["meetings"] == 400
    per_meeting = Meeting.objects.annotate(n=Count("participants")).values_list("n", flat=True)
    assert min(per_meeting) >= 2 and max(per_meeting) <= 6
    assert Agreement.objects.filter(points__isnull=False).exists()
    assert MeetingParticipant.objects.filter(person=None).exists()


def test_synthetic_content_is_named_as_such_and_partly_unpublished():
    synthetic_generate(scale=SMALL)
    assert all(name.startswith("Synthetic") for name in Organisation.objects.values_list("name", flat=True))
    assert all(name.startswith("Synthetic") for name in Person.objects.values_list("name", flat=True))
    assert not Organisation.objects.filter(slug="kio-kia").exists()
    for model in (Meeting, Statement, Agreement):
        assert model.objects.exclude(status=model.Status.PUBLISHED).exists(), model
        assert model.objects.published().exists(), model
    places = set(Meeting.objects.values_list("place", flat=True))
    assert {"Ruili", "Myitkyina", "Laiza"} <= places
    assert any("\u1000" <= place[0] <= "\u109f" for place in places), "a Burmese-script place name"


def test_the_same_seed_gives_the_same_data():
    def snapshot():
        return list(Meeting.objects.order_by("organisation__slug", "number").values_list("date", "place"))

    with transaction.atomic():
        synthetic_generate(scale=SMALL)
        first = snapshot()
        transaction.set_rollback(True)
    synthetic_generate(scale=SMALL)
    assert snapshot() == first


def _fixtures_digest():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_command_fills_a_new_file_and_never_touches_fixtures(tmp_path):
    before = _fixtures_digest()
    target = tmp_path / "synthetic.sqlite3"
    command = [sys.executable, "manage.py", "generate_synthetic", "--database-path", str(target)]
    result = subprocess.run(
        [*command, "--scale", "0.002"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "meetings: 40" in result.stdout
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM negotiations_meeting").fetchone() == (40,)
        assert db.execute("SELECT count(*) FROM orgs_organisation WHERE slug = 'kio-kia'").fetchone() == (0,)
    assert _fixtures_digest() == before

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.returncode != 0
    assert "already holds synthetic data" in again.stderr


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("db.sqlite3", "the site's own database"),
        ("fixtures/synthetic.sqlite3", "never written under fixtures"),
    ],
)
def test_the_command_refuses_the_sites_database_and_fixtures(path, message):
    target = ROOT / path
    stat = target.stat() if target.exists() else None
    with pytest.raises(CommandError, match=message):
        call_command("generate_synthetic", "--database-path", str(target))
    assert (target.stat() if target.exists() else None) == stat


def test_the_command_refuses_a_database_holding_real_content(tmp_path):
    target = tmp_path / "copy-of-the-site.sqlite3"
    with sqlite3.connect(target) as db:
        db.execute("CREATE TABLE orgs_organisation (id integer primary key, slug text)")
        db.execute("INSERT INTO orgs_organisation (slug) VALUES ('kio-kia')")
    with pytest.raises(CommandError, match="holds the seed profile or other real content"):
        call_command("generate_synthetic", "--database-path", str(target))
