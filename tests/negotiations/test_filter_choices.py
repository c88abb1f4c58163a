"""The meetings filter's organisation choices: read once per content change, always current."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Meeting
from peacetracker.models import Moderated
from tests.factories import make_meeting, make_org


def _choices_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("negotiations:meeting-list"))
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if 'FROM "orgs_organisation"' in q["sql"].split(" WHERE ")[0]]


def test_organisation_choices_are_read_once_until_content_changes(db, client):
    make_meeting(make_org(name="Arakan Army", acronym="AA"))
    first, first_queries = _choices_queries(client)
    second, second_queries = _choices_queries(client)
    assert first_queries and not second_queries
    assert "Arakan Army (AA)" in first.content.decode()
    assert "Arakan Army (AA)" in second.content.decode()


def test_an_organisation_appears_in_the_choices_when_its_first_meeting_is_published(db, client):
    make_meeting(make_org(name="Arakan Army", acronym="AA"))
    newcomer = make_org(name="Ta'ang National Liberation Army", acronym="TNLA")
    meeting = make_meeting(newcomer, status=Moderated.Status.DRAFT)
    assert "TNLA" not in client.get(reverse("negotiations:meeting-list")).content.decode()

    meeting.status = Meeting.Status.PUBLISHED
    meeting.save()

    page = client.get(reverse("negotiations:meeting-list"), {"organisation": newcomer.slug})
    assert page.context["filter"].is_valid()
    assert f'<option value="{newcomer.slug}" selected>' in page.content.decode()
