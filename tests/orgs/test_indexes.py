"""The public orgs queries read through an index on SQLite and PostgreSQL (checked with EXPLAIN).

PostgreSQL reads tables this small in one sequential scan whatever indexes there are, so sequential
scans are switched off for the test's transaction: the plan then shows whether an index can serve it.
"""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict

from orgs.filters import ClashEventFilter
from orgs.models import ClashEvent, ClashFigure, Organisation, Role
from orgs.selectors import visible_events
from tests.factories import make_meeting, make_org, make_participant, make_person

pytestmark = pytest.mark.django_db


def plan(queryset):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.fixture
def events():
    kio = make_org(slug="kio")
    for n in range(20):
        ClashEvent.objects.create(
            event_id_cnty=f"MMR{n:05d}",
            event_date=datetime.date(2018 + n % 3, 1, 1) + datetime.timedelta(days=n),
            year=2018 + n % 3,
            event_type="Battles" if n % 2 else "Riots",
            actor1="A",
            actor2_organisation=kio,
        )
    return kio


def test_event_page_finds_its_event_by_index(events):
    shown = plan(ClashEvent.objects.public().filter(event_id_cnty="MMR00003"))
    assert "event_id_cnty" in shown or "sqlite_autoindex_orgs_clashevent" in shown


def test_events_of_a_year_are_counted_from_the_year_index(events):
    events_of = ClashEvent.objects.public().filter(year=2019).order_by().values("pk")
    assert "clash_event_year_actors" in plan(events_of)


def test_events_of_a_type_and_year_are_counted_from_the_type_index(events):
    events_of = ClashEvent.objects.public().filter(event_type="Battles", year=2019).order_by().values("pk")
    assert "clash_event_type_" in plan(events_of)


def test_events_of_an_organisation_are_read_from_the_actor_indexes(events):
    events_of = ClashEvent.objects.public().filter(actor2_organisation=events).order_by("-event_date")
    assert "clash_event_actor2_date" in plan(events_of)


def test_events_of_an_organisation_in_a_year_are_counted_by_index_against_its_id(events):
    # The clashes page filtered to an organisation and a year, as its filter reads them: each side of the
    # event compared with the organisation's id (not a subquery), so both sides' indexes serve it.
    chosen = ClashEventFilter(QueryDict("organisation=kio&year=2019"), queryset=visible_events())
    shown = plan(chosen.qs.order_by().values("year").annotate(n=Count("pk")))
    assert "clash_event_year_actors" in shown, shown
    if connection.vendor == "postgresql":
        # Each side is compared with the organisation's id, which the indexes can look up (on the synthetic
        # data: a BitmapOr of both sides' indexes, 2.5 ms), not with a subquery's result checked row by
        # row after reading the whole year (12 ms).
        assert re.search(r"actor1_organisation_id = \d+", shown), shown
        assert re.search(r"actor2_organisation_id = \d+", shown), shown


def test_person_page_reads_their_meetings_and_roles_by_index():
    person = make_person()
    make_participant(make_meeting(), person=person)
    Role.objects.create(person=person, organisation=make_org(), title="Leader")
    assert "person_id" in plan(person.meeting_participations.all())
    assert "person_id" in plan(person.roles.public())


def test_profile_reads_its_figures_by_organisation_index():
    org = make_org()
    ClashFigure.objects.create(organisation=org, year=2012, count=1, status="published")
    assert "organisation_id" in plan(org.clash_figures.public())


def test_directory_and_filters_read_published_organisations_by_status_index():
    make_org()
    assert "status" in plan(Organisation.objects.public().values("pk"))
