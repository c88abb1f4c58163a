"""Each public list reads its page through an index, on SQLite and on PostgreSQL (`QuerySet.explain()`).

The test tables are small, so PostgreSQL is asked to avoid sequential scans and sorts: the test shows
that the index can serve the query in its order, without sorting every row, which is what the planner
picks once the table is large.
"""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.db.models import F

from negotiations.models import Agreement, Meeting, RejectedInvitation, Statement
from negotiations.selectors import latest_statements
from tests.factories import make_agreement, make_meeting, make_org, make_statement

pytestmark = pytest.mark.django_db

PAGE = 50


def by_date(model):
    return model.objects.public().order_by(F("date").asc(nulls_last=True), "pk")[:PAGE]


# query: (how the page reads it, the index it must use, or the indexes either of which it may use)
QUERIES = {
    "meetings list": (
        lambda: Meeting.objects.public().order_by("date", "number", "pk")[:PAGE],
        "meeting_public_in_order",
    ),
    "meetings filtered": (
        lambda: (
            Meeting.objects.public()
            .filter(date__year=2012, format="formal", country_en__iexact="China")
            .order_by("date", "number", "pk")[:PAGE]
        ),
        # The year is a date range: the date's own index serves it in order too.
        ("meeting_public_in_order", "negotiations_meeting_date"),
    ),
    "home meetings": (
        lambda: Meeting.objects.public().filter(date__isnull=False).order_by("-date", "-pk")[:5],
        "meeting_public_in_order",
    ),
    # Newest first with the undated last: on PostgreSQL an index of its own (migration 0013), since its
    # NULLs sort last in an ascending index; on SQLite, NULLs sort first, so the date's index read backwards.
    "statements": (
        lambda: latest_statements()[:PAGE],
        ("statement_public_by_date", "statement_public_newest"),
    ),
    "home statements": (
        lambda: Statement.objects.public().filter(date__isnull=False).order_by("-date", "-pk")[:5],
        "statement_public_by_date",
    ),
    "agreements": (lambda: by_date(Agreement), "agreement_public_by_date"),
    "invitations": (lambda: by_date(RejectedInvitation), "invitation_public_by_date"),
}


@pytest.fixture
def rows():
    org, other = make_org(), make_org(status="draft")
    for day in range(1, 21):
        date = datetime.date(2012, 1, day)
        make_meeting(org, number=day, date=date, format="formal", country="China")
        make_meeting(other, number=day, date=date)
        make_statement(org, date=date)
        make_agreement(parties=[org], date=date)
        RejectedInvitation.objects.create(organisation=org, date=date, description="x", status="published")


def plan(queryset):
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # Small tables: rule out reading them whole, or reading them by status alone and sorting.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            return queryset.explain()
    return queryset.explain()


@pytest.mark.parametrize("name", QUERIES)
def test_each_public_list_reads_its_page_through_an_index(rows, name):
    build, indexes = QUERIES[name]
    explained = plan(build())
    indexes = [indexes] if isinstance(indexes, str) else indexes
    assert any(index in explained for index in indexes), explained
    assert not sorts_every_row(explained), explained


def sorts_every_row(explained):
    """Whether the plan sorts the rows it read rather than reading them in order: a PostgreSQL Sort (an
    Incremental Sort, of rows tied on the index's leading columns, stops with the page), or SQLite's
    temporary B-tree for the ORDER BY."""
    return bool(re.search(r"(?<!Incremental )Sort  \(", explained)) or "TEMP B-TREE FOR ORDER BY" in explained
