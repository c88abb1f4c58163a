"""Small builders for test data; synthetic rows are made here, never in fixtures/."""

import datetime
import itertools

from negotiations.models import Agreement, AgreementPoint, Meeting, MeetingParticipant, Statement
from orgs.models import Organisation, Person
from peacetracker.models import Citation, Source

_counter = itertools.count(1)
PUBLISHED = "published"


def make_org(**fields):
    n = next(_counter)
    fields.setdefault("name", f"Test Organisation {n}")
    fields.setdefault("slug", f"test-organisation-{n}")
    fields.setdefault("status", PUBLISHED)
    return Organisation.objects.create(**fields)


def make_person(**fields):
    n = next(_counter)
    fields.setdefault("name", f"Test Person {n}")
    fields.setdefault("slug", f"test-person-{n}")
    fields.setdefault("status", PUBLISHED)
    return Person.objects.create(**fields)


def make_meeting(organisation=None, **fields):
    fields.setdefault("date", datetime.date(2015, 1, 1))
    fields.setdefault("place", "Testville")
    fields.setdefault("country", "Testland")
    fields.setdefault("status", PUBLISHED)
    return Meeting.objects.create(organisation=organisation or make_org(), **fields)


def make_participant(meeting, side=MeetingParticipant.Side.ORGANISATION, **fields):
    if not any(fields.get(key) for key in ("person", "body", "label")):
        fields["person"] = make_person()
    return MeetingParticipant.objects.create(meeting=meeting, side=side, **fields)


def make_agreement(points=(), parties=(), **fields):
    fields.setdefault("title", f"Test agreement {next(_counter)}")
    fields.setdefault("kind", Agreement.Kind.BILATERAL)
    fields.setdefault("date", datetime.date(2015, 1, 1))
    fields.setdefault("status", PUBLISHED)
    agreement = Agreement.objects.create(**fields)
    agreement.parties.set(parties)
    for number, text in enumerate(points, start=1):
        AgreementPoint.objects.create(agreement=agreement, number=number, text=text)
    return agreement


def make_statement(organisation, **fields):
    fields.setdefault("title", f"Test statement {next(_counter)}")
    fields.setdefault("date", datetime.date(2015, 1, 1))
    fields.setdefault("status", PUBLISHED)
    return Statement.objects.create(organisation=organisation, **fields)


def cite(obj, source=None, locator=""):
    source = source or Source.objects.create(title=f"Test source {next(_counter)}", status=PUBLISHED)
    return Citation.objects.create(content_object=obj, source=source, locator=locator)


def staff_client(name, group):
    """A test client logged in as a new staff user called `name` in `group` (`peacetracker.roles`)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client
