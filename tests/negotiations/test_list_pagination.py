"""The meetings list reads its page before counting: a page that is not full counts itself."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_meeting, make_org

pytestmark = pytest.mark.django_db


def count_queries(captured):
    return [query["sql"] for query in captured if query["sql"].lstrip().upper().startswith("SELECT COUNT(")]


def list_page(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("negotiations:meeting-list"), params)
    return response, count_queries(captured.captured_queries)


def make_meetings(count, **fields):
    org = make_org(slug="abc")
    for number in range(1, count + 1):
        make_meeting(org, number=number, date=datetime.date(2012, 1, 1), **fields)


def test_a_list_that_fits_on_one_page_is_counted_without_a_count_query(client, seed):
    response, counts = list_page(client, location="Ruili")
    assert counts == []
    assert "6 meetings found." in response.content.decode()
    assert len(response.context["object_list"]) == 6


def test_an_empty_list_says_so_without_a_count_query(client, seed):
    response, counts = list_page(client, location="Nowhere-at-all")
    assert counts == []
    assert "0 meetings found." in response.content.decode()


def test_a_full_page_is_counted_and_the_last_page_counts_itself(client):
    make_meetings(settings.MEETINGS_PER_PAGE + 3, place="Ruili")
    first, first_counts = list_page(client, location="Ruili")
    last, last_counts = list_page(client, location="Ruili", page="2")
    total = settings.MEETINGS_PER_PAGE + 3
    assert len(first_counts) == 1
    assert last_counts == []
    for response in (first, last):
        assert f"{total} meetings found." in response.content.decode()
        assert "Page" in response.content.decode()
    shown = [row.number for row in first.context["object_list"]] + [
        row.number for row in last.context["object_list"]
    ]
    assert sorted(shown) == list(range(1, total + 1))


def test_a_page_past_the_end_is_not_found(client):
    make_meetings(3, place="Ruili")
    assert client.get(reverse("negotiations:meeting-list"), {"page": "2"}).status_code == 404
    assert client.get(reverse("negotiations:meeting-list"), {"page": "0"}).status_code == 404
    assert client.get(reverse("negotiations:meeting-list"), {"page": "two"}).status_code == 404


def test_the_last_page_by_name_is_counted(client):
    make_meetings(settings.MEETINGS_PER_PAGE + 2, place="Ruili")
    response = client.get(reverse("negotiations:meeting-list"), {"page": "last"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 2
