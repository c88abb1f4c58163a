"""No public surface shows draft, in-review, rejected or unpublished content (DESIGN.md, "Moderation").

The module builds one world, once: published controls whose text carries "SHOWN-…", and for every
moderated model, every way a page reaches it ("exposure") and every non-public state, a row whose every
printable text carries a marker "LEAK-<exposure>-<state>", attached to published rows so that it would
show if any filtering were wrong. Every public URL is then fetched once, anonymously (and the hidden
detail pages once more as staff), the database is rolled back, and the tests read the captured pages.

A new public surface is one line: add its URL to PUBLIC_PAGES, or to MEETING_LIST_PAGES if it takes the
meeting filters (the exports), and every exposure is checked against it.
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from negotiations.models import (
    Agreement,
    AgreementPoint,
    Development,
    Meeting,
    MeetingParticipant,
    RejectedInvitation,
    Statement,
)
from orgs.models import (
    AllianceMembership,
    ClashFigure,
    Organisation,
    OrganisationAlias,
    OrganisationLink,
    Person,
    PersonAlias,
    Role,
    Team,
    TeamMember,
)
from peacetracker.models import Citation, ModerationEvent, Source
from peacetracker.roles import MODERATORS, moderated_models
from peacetracker.services import moderation_transition, user_can_moderate

pytestmark = pytest.mark.django_db

# Public surfaces without parameters. Later: "/en/agreements/", "/en/invitations/", "/en/statements/",
# "/en/statements/feed/", "/en/clashes/export.csv", "/en/search/?q=LEAK", "/sitemap.xml".
PUBLIC_PAGES = [
    "/en/",
    "/en/organisations/",
    "/en/meetings/",
    "/en/meetings/export.csv",
    "/en/meetings/export.json",
    "/en/agreements/",
    "/en/invitations/",
    "/en/statements/",
    "/en/statements/feed/",
    "/en/clashes/",
    "/en/search/?q=LEAK",
    "/en/search/?q=SHOWN",
    "/sitemap.xml",
    "/healthz",
]
# Surfaces that take the meeting filters: fetched bare and with every filter below.
MEETING_LIST = "/en/meetings/"
MEETING_LIST_PAGES = [MEETING_LIST]
# Models with a public detail page: every published row's page is fetched.
DETAIL_PAGE_MODELS = [Organisation, Person, Meeting, Agreement]

ORG_WITHOUT_PUBLISHED_MEETINGS = "shown-without-meetings"
SHOWN_FILTERS = [
    {"organisation": "shown-organisation"},
    {"participant": "SHOWN-person"},
    {"participant": "shown-person"},
    {"q": "SHOWN-meeting"},
    {"location": "SHOWN-meeting"},
]
STATES = ("draft", "in_review", "unpublished", "rejected")
PUBLISHED = Organisation.Status.PUBLISHED
SHOWN_DATE = datetime.date(2015, 1, 1)
LATER_SHOWN_DATE = datetime.date(2016, 1, 1)
# Newer than anything published, so a leaked row would top every "what is new" list.
LEAK_DATE = datetime.date(2025, 6, 1)
PREVIEW_BANNER = "Preview, not public"
# The exposures whose hidden detail pages staff open in preview: one per model with a detail page.
PREVIEW_EXPOSURES = ("organisation", "person", "meeting")


def marker(exposure, state):
    return f"LEAK-{exposure}-{state}"


def slug_of(text):
    return text.lower()


# ---------------------------------------------------------------------------------------------------
# The world


@dataclass
class Page:
    status: int
    body: str


@dataclass
class Base:
    """The published rows the leaking rows hang from."""

    moderator: User
    org: Organisation
    government: Organisation
    alliance: Organisation
    mediator: Organisation
    person: Person
    meeting: Meeting
    later_meeting: Meeting
    team: Team
    mediator_team: Team
    agreement: Agreement
    invitation: RejectedInvitation
    statement: Statement
    development: Development
    figure: ClashFigure
    source: Source
    next_meeting_number: int = 2
    rejected: list = field(default_factory=list)  # rows that went through submit and reject

    def cited(self):
        """Every published row a page prints citations for."""
        return [
            self.org,
            self.person,
            self.meeting,
            self.agreement,
            self.invitation,
            self.statement,
            self.development,
            self.figure,
        ]


@dataclass
class Hidden:
    """What one exposure built: detail URLs readers must not reach, and meeting-filter values."""

    unpublished_urls: list = field(default_factory=list)  # the row itself is not published
    behind_unpublished_parent_urls: list = field(default_factory=list)  # published, parent is not
    filters: list = field(default_factory=list)  # dicts of meeting-list parameters


@dataclass
class World:
    anonymous: dict  # url -> Page
    staff: dict  # url -> Page, as a staff user allowed to preview
    hidden: dict  # exposure -> Hidden
    filter_urls: list  # meeting filters seeking unpublished rows
    shown_filter_urls: list  # meeting filters matching the published meetings
    organisation_filter_urls: list
    published_organisations: int
    published_meetings: int
    rejected: list  # (model label, status, rejection comments)


def create_in_state(model, state, base, leak, **fields):
    """A row in its state; "rejected" is a draft sent through the real workflow: submitted, then rejected."""
    obj = model.objects.create(status="draft" if state == "rejected" else state, **fields)
    if state == "rejected":
        moderation_transition(obj, base.moderator, ModerationEvent.Action.SUBMITTED)
        moderation_transition(
            obj, base.moderator, ModerationEvent.Action.REJECTED, comment=f"{leak}: not yet"
        )
        base.rejected.append(obj)
    return obj


def leak_organisation(base, state, text):
    org = create_in_state(
        Organisation,
        state,
        base,
        text,
        kind=Organisation.Kind.ALLIANCE,
        name=text,
        armed_wing=text,
        acronym=text,
        slug=slug_of(text),
        profile_title=text,
        headquarters=text,
        active_territories=text,
        strength_text=text,
        nca_note=text,
        summary=text,
        contacts_note=text,
        editor_note=text,
        website=f"https://example.org/{slug_of(text)}",
        email=f"{slug_of(text)}@example.org",
        founded=LEAK_DATE,
    )
    OrganisationAlias.objects.create(organisation=org, name=f"{text} alias")
    OrganisationLink.objects.create(
        organisation=org, label=text, url=f"https://example.org/{slug_of(text)}/l"
    )
    return org


def leak_person(base, state, text):
    person = create_in_state(
        Person,
        state,
        base,
        text,
        name=text,
        honorific=text,
        slug=slug_of(text),
        description=text,
        editor_note=text,
    )
    PersonAlias.objects.create(person=person, name=f"{text} alias")
    return person


def leak_meeting(base, state, text, organisation=None):
    number = base.next_meeting_number
    base.next_meeting_number += 1
    meeting = create_in_state(
        Meeting,
        state,
        base,
        text,
        organisation=organisation or base.org,
        number=number,
        date=LEAK_DATE,
        date_text=text,
        place=text,
        region=text,
        country=text,
        location_text=text,
        details=text,
        delegates_text=text,
        editor_note=text,
    )
    MeetingParticipant.objects.create(meeting=meeting, side="organisation", person=base.person)
    MeetingParticipant.objects.create(meeting=meeting, side="government", label=text, role=text)
    Citation.objects.create(source=base.source, content_object=meeting, locator=text)
    return meeting


def leak_agreement(base, text, meeting, parties):
    """A published agreement whose every printable text is `text`, with a point and a citation."""
    agreement = Agreement.objects.create(
        title=text,
        kind=Agreement.Kind.BILATERAL,
        date=LEAK_DATE,
        date_text=text,
        meeting=meeting,
        summary=text,
        editor_note=text,
        point_count=1,
        status=PUBLISHED,
    )
    agreement.parties.set(parties)
    AgreementPoint.objects.create(agreement=agreement, number=1, text=text)
    Citation.objects.create(source=base.source, content_object=agreement, locator=text)
    return agreement


def person_filters(person):
    return [
        {"participant": person.name},
        {"participant": person.slug},
        {"participant": f"{person.name} alias"},
    ]


def meeting_filters(text):
    return [{"q": text}, {"location": text}]


EXPOSURES = {}


def exposure(name):
    """Register how rows of one model reach public pages; `build(base, state, text)` returns a Hidden."""

    def register(build):
        EXPOSURES[name] = build
        return build

    return register


# Organisations


@exposure("organisation")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    return Hidden([org.get_absolute_url()], filters=[{"organisation": org.slug}])


@exposure("organisation-as-participant")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    MeetingParticipant.objects.create(meeting=base.meeting, side="government", body=org)
    return Hidden([org.get_absolute_url()])


@exposure("organisation-in-clash-figure")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    ClashFigure.objects.create(
        organisation=base.org,
        opponent=org,
        claimed_by=org,
        year=2012,
        count=1,
        printed_as=f"SHOWN-clashfigure-disputed-{state}",
        status=PUBLISHED,
    )
    return Hidden([org.get_absolute_url()])


@exposure("organisation-as-alliance")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    AllianceMembership.objects.create(member=base.org, alliance=org, role=text, period_text=text, note=text)
    return Hidden([org.get_absolute_url()])


@exposure("organisation-as-alliance-member")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    AllianceMembership.objects.create(
        member=org, alliance=base.alliance, role=text, period_text=text, note=text
    )
    return Hidden([org.get_absolute_url()])


@exposure("organisation-as-mediator")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    org.mediates_for.add(base.org)
    team = Team.objects.create(organisation=org, name=text, description=text)
    TeamMember.objects.create(team=team, person=base.person, side="civilian", position=text)
    return Hidden([org.get_absolute_url()])


@exposure("organisation-as-leader")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    Organisation.objects.create(
        name=f"SHOWN-organisation-led-{state}", slug=f"shown-led-{state}", led_by=org, status=PUBLISHED
    )
    return Hidden([org.get_absolute_url()])


@exposure("organisation-owning-meeting")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    meeting = leak_meeting(base, PUBLISHED, f"{text} meeting", organisation=org)
    return Hidden(
        [org.get_absolute_url()],
        behind_unpublished_parent_urls=[meeting.get_absolute_url()],
        filters=meeting_filters(text),
    )


@exposure("organisation-owning-statement")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    Statement.objects.create(
        organisation=org, speaker=base.person, title=text, summary=text, date=LEAK_DATE, status=PUBLISHED
    )
    return Hidden([org.get_absolute_url()])


@exposure("organisation-owning-figure")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    ClashFigure.objects.create(
        organisation=org, opponent=base.government, year=2012, count=1, printed_as=text, status=PUBLISHED
    )
    return Hidden([org.get_absolute_url()])


@exposure("organisation-with-role")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    Role.objects.create(person=base.person, organisation=org, title=text, note=text, is_leadership=True)
    return Hidden([org.get_absolute_url()])


@exposure("organisation-with-team")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    team = Team.objects.create(organisation=org, name=text, description=text)
    TeamMember.objects.create(team=team, person=base.person, side="organisation", role=text)
    return Hidden([org.get_absolute_url()])


@exposure("organisation-as-party")
def _(base, state, text):
    org = leak_organisation(base, state, text)
    base.agreement.parties.add(org)
    return Hidden([org.get_absolute_url()])


@exposure("organisation-as-only-party")
def _(base, state, text):
    """A published agreement, from a published meeting, whose every party is unpublished."""
    org = leak_organisation(base, state, text)
    agreement = leak_agreement(base, f"{text} agreement", meeting=base.meeting, parties=[org])
    return Hidden([org.get_absolute_url()], behind_unpublished_parent_urls=[agreement.get_absolute_url()])


@exposure("organisation-meeting-agreement")
def _(base, state, text):
    """A published agreement with a published party too, from a published meeting of an unpublished
    organisation: the meeting answers 404, and so must the agreement; no page may link either."""
    org = leak_organisation(base, state, text)
    meeting = leak_meeting(base, PUBLISHED, f"{text} meeting", organisation=org)
    agreement = leak_agreement(base, f"{text} agreement", meeting=meeting, parties=[org, base.government])
    return Hidden(
        [org.get_absolute_url()],
        behind_unpublished_parent_urls=[meeting.get_absolute_url(), agreement.get_absolute_url()],
        filters=meeting_filters(text),
    )


# People


@exposure("person")
def _(base, state, text):
    person = leak_person(base, state, text)
    return Hidden([person.get_absolute_url()], filters=person_filters(person))


@exposure("person-as-participant")
def _(base, state, text):
    person = leak_person(base, state, text)
    # No label: the label is the published meeting's own text; only the person's name could leak.
    MeetingParticipant.objects.create(meeting=base.meeting, side="government", person=person)
    return Hidden([person.get_absolute_url()], filters=person_filters(person))


@exposure("person-with-role")
def _(base, state, text):
    person = leak_person(base, state, text)
    Role.objects.create(person=person, organisation=base.org, title=text, note=text, is_leadership=True)
    return Hidden([person.get_absolute_url()])


@exposure("person-in-team")
def _(base, state, text):
    person = leak_person(base, state, text)
    TeamMember.objects.create(team=base.team, person=person, side="organisation", position=text, role=text)
    return Hidden([person.get_absolute_url()])


@exposure("person-in-mediator-team")
def _(base, state, text):
    person = leak_person(base, state, text)
    TeamMember.objects.create(team=base.mediator_team, person=person, side="civilian", position=text)
    return Hidden([person.get_absolute_url()])


@exposure("person-as-speaker")
def _(base, state, text):
    person = leak_person(base, state, text)
    Statement.objects.create(
        organisation=base.org,
        speaker=person,
        title=f"SHOWN-statement-spoken-{state}",
        date=LATER_SHOWN_DATE,
        status=PUBLISHED,
    )
    return Hidden([person.get_absolute_url()])


# Meetings and what hangs from organisations


@exposure("meeting")
def _(base, state, text):
    meeting = leak_meeting(base, state, text)
    return Hidden([meeting.get_absolute_url()], filters=meeting_filters(text))


@exposure("meeting-of-agreement")
def _(base, state, text):
    meeting = leak_meeting(base, state, text)
    agreement = Agreement.objects.create(
        title=f"SHOWN-agreement-from-{state}",
        kind=Agreement.Kind.BILATERAL,
        date=SHOWN_DATE,
        meeting=meeting,
        status=PUBLISHED,
    )
    agreement.parties.set([base.org])
    return Hidden([meeting.get_absolute_url()], filters=meeting_filters(text))


@exposure("meeting-hiding-agreement")
def _(base, state, text):
    """A published agreement of published parties, from an unpublished meeting."""
    meeting = leak_meeting(base, state, text)
    parties = [base.org, base.government]
    agreement = leak_agreement(base, f"{text} agreement", meeting=meeting, parties=parties)
    return Hidden(
        [meeting.get_absolute_url()],
        behind_unpublished_parent_urls=[agreement.get_absolute_url()],
        filters=meeting_filters(text),
    )


@exposure("agreement")
def _(base, state, text):
    agreement = create_in_state(
        Agreement,
        state,
        base,
        text,
        title=text,
        kind=Agreement.Kind.BILATERAL,
        date=LEAK_DATE,
        date_text=text,
        meeting=base.meeting,
        summary=text,
        editor_note=text,
        point_count=1,
    )
    agreement.parties.set([base.org])
    AgreementPoint.objects.create(agreement=agreement, number=1, text=text)
    Citation.objects.create(source=base.source, content_object=agreement, locator=text)
    return Hidden()


@exposure("rejectedinvitation")
def _(base, state, text):
    create_in_state(
        RejectedInvitation,
        state,
        base,
        text,
        organisation=base.org,
        invited_by=base.government,
        invited_by_text=text,
        proposed_venue=text,
        reason=text,
        description=text,
        editor_note=text,
        date=LEAK_DATE,
        date_text=text,
    )
    return Hidden()


@exposure("statement")
def _(base, state, text):
    create_in_state(
        Statement,
        state,
        base,
        text,
        organisation=base.org,
        speaker=base.person,
        title=text,
        summary=text,
        quote=text,
        url=f"https://example.org/{slug_of(text)}",
        editor_note=text,
        date=LEAK_DATE,
        date_text=text,
    )
    return Hidden()


@exposure("development")
def _(base, state, text):
    create_in_state(
        Development,
        state,
        base,
        text,
        organisation=base.org,
        title=text,
        text=text,
        editor_note=text,
        date=LEAK_DATE,
        date_text=text,
    )
    return Hidden()


@exposure("clashfigure")
def _(base, state, text):
    create_in_state(
        ClashFigure,
        state,
        base,
        text,
        organisation=base.org,
        opponent=base.government,
        opponent_text=text,
        subject=text,
        year=2012,
        period_text=text,
        count=1,
        claimed_by_text=text,
        printed_as=text,
        editor_note=text,
    )
    return Hidden()


@exposure("source")
def _(base, state, text):
    source = create_in_state(
        Source,
        state,
        base,
        text,
        title=text,
        publisher=text,
        note=text,
        url=f"https://example.org/{slug_of(text)}",
        date=LEAK_DATE,
    )
    for row in base.cited():
        Citation.objects.create(source=source, content_object=row, locator=text)
    return Hidden()


def build_base():
    moderator = User.objects.create_user("moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    moderator = User.objects.get(pk=moderator.pk)  # no cached permissions
    assert user_can_moderate(moderator)

    def org(**fields):
        return Organisation.objects.create(status=PUBLISHED, **fields)

    home = org(name="SHOWN-organisation", acronym="SHOWN-acronym", slug="shown-organisation")
    government = org(name="SHOWN-government", slug="shown-government", kind=Organisation.Kind.GOVERNMENT)
    alliance = org(name="SHOWN-alliance", slug="shown-alliance", kind=Organisation.Kind.ALLIANCE)
    mediator = org(name="SHOWN-mediator", slug="shown-mediator", kind=Organisation.Kind.MEDIATOR)
    mediator.mediates_for.add(home)
    AllianceMembership.objects.create(member=home, alliance=alliance, note="SHOWN-membership")
    person = Person.objects.create(name="SHOWN-person", slug="shown-person", status=PUBLISHED)
    Role.objects.create(person=person, organisation=home, title="SHOWN-role", is_leadership=True)
    team = Team.objects.create(organisation=home, name="SHOWN-team")
    TeamMember.objects.create(team=team, person=person, side="organisation")
    mediator_team = Team.objects.create(organisation=mediator, name="SHOWN-mediator-team")
    TeamMember.objects.create(team=mediator_team, person=person, side="civilian")

    def meeting(number, date):
        row = Meeting.objects.create(
            organisation=home,
            number=number,
            date=date,
            place="SHOWN-meeting",
            details="SHOWN-meeting details",
            status=PUBLISHED,
        )
        MeetingParticipant.objects.create(meeting=row, side="organisation", person=person)
        return row

    first, later = meeting(1, SHOWN_DATE), meeting(99, LATER_SHOWN_DATE)  # leaks are numbered between
    # A published organisation whose only meeting is not: the filter should not offer it.
    quiet = org(name="SHOWN-organisation-without-meetings", slug=ORG_WITHOUT_PUBLISHED_MEETINGS)
    Meeting.objects.create(organisation=quiet, number=1, date=SHOWN_DATE, place="LEAK-quiet-draft")
    agreement = Agreement.objects.create(
        title="SHOWN-agreement",
        kind=Agreement.Kind.BILATERAL,
        date=SHOWN_DATE,
        meeting=first,
        status=PUBLISHED,
    )
    agreement.parties.set([home, government])
    AgreementPoint.objects.create(agreement=agreement, number=1, text="SHOWN-agreement point")
    base = Base(
        moderator=moderator,
        org=home,
        government=government,
        alliance=alliance,
        mediator=mediator,
        person=person,
        meeting=first,
        later_meeting=later,
        team=team,
        mediator_team=mediator_team,
        agreement=agreement,
        invitation=RejectedInvitation.objects.create(
            organisation=home, description="SHOWN-rejectedinvitation", date=SHOWN_DATE, status=PUBLISHED
        ),
        statement=Statement.objects.create(
            organisation=home, speaker=person, title="SHOWN-statement", date=SHOWN_DATE, status=PUBLISHED
        ),
        development=Development.objects.create(
            organisation=home, title="SHOWN-development", date=SHOWN_DATE, status=PUBLISHED
        ),
        figure=ClashFigure.objects.create(
            organisation=home,
            opponent=government,
            claimed_by=home,
            year=2012,
            count=2400,
            printed_as="SHOWN-clashfigure",
            status=PUBLISHED,
        ),
        source=Source.objects.create(title="SHOWN-source", status=PUBLISHED),
    )
    for row in base.cited():
        Citation.objects.create(source=base.source, content_object=row)
    return base


def read(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Page(response.status_code, content.decode())


def build_world():
    base = build_base()
    hidden = {}
    for name, build in EXPOSURES.items():
        found = Hidden()
        for state in STATES:
            built = build(base, state, marker(name, state))
            found.unpublished_urls += built.unpublished_urls
            found.behind_unpublished_parent_urls += built.behind_unpublished_parent_urls
            found.filters += built.filters
        hidden[name] = found

    filters = [f for h in hidden.values() for f in h.filters if "organisation" not in f]
    filters += [{"q": "LEAK"}, {"location": "LEAK"}, {"participant": "LEAK"}, {"participant": "leak-"}]
    filter_urls = [f"{page}?{urlencode(f)}" for page in MEETING_LIST_PAGES for f in filters]
    # Filters that find the published meetings: the filtered list must print them without their leaks.
    shown_filter_urls = [f"{page}?{urlencode(f)}" for page in MEETING_LIST_PAGES for f in SHOWN_FILTERS]
    organisation_filter_urls = [
        f"{page}?{urlencode(f)}"
        for page in MEETING_LIST_PAGES
        for h in hidden.values()
        for f in h.filters
        if "organisation" in f
    ]
    # A published meeting of an unpublished organisation is among these, and must be a 404 too.
    detail_urls = [
        row.get_absolute_url() for model in DETAIL_PAGE_MODELS for row in model.objects.published()
    ]
    hidden_urls = [
        url for h in hidden.values() for url in h.unpublished_urls + h.behind_unpublished_parent_urls
    ]
    urls = [
        *PUBLIC_PAGES,
        *MEETING_LIST_PAGES,
        *detail_urls,
        *shown_filter_urls,
        *filter_urls,
        *organisation_filter_urls,
        *hidden_urls,
    ]

    preview_urls = [
        url
        for name, h in hidden.items()
        for url in (h.unpublished_urls if name in PREVIEW_EXPOSURES else [])
        + h.behind_unpublished_parent_urls
    ]
    anonymous = Client()
    staff_user = User.objects.create_user("staff", is_staff=True)
    staff_user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_organisation", "view_person", "view_meeting", "view_agreement"]
        )
    )
    staff = Client()
    staff.force_login(staff_user)

    rejected = [
        (
            type(row)._meta.label,
            type(row).objects.get(pk=row.pk).status,
            list(
                ModerationEvent.objects.filter(
                    content_type=ContentType.objects.get_for_model(row),
                    object_id=row.pk,
                    action=ModerationEvent.Action.REJECTED,
                ).values_list("comment", flat=True)
            ),
        )
        for row in base.rejected
    ]
    return World(
        anonymous={url: read(anonymous.get(url)) for url in urls},
        staff={url: read(staff.get(url)) for url in preview_urls},
        hidden=hidden,
        filter_urls=filter_urls,
        shown_filter_urls=shown_filter_urls,
        organisation_filter_urls=organisation_filter_urls,
        published_organisations=Organisation.objects.published().count(),
        published_meetings=Meeting.objects.published().filter(organisation__status=PUBLISHED).count(),
        rejected=rejected,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built and crawled once for the module; the database is rolled back before any test runs."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        transaction.set_rollback(True)
    # Nothing rendered from the rolled-back rows may be served to a later test from a cache.
    for cache in caches.all(initialized_only=True):
        cache.clear()
    return built


# ---------------------------------------------------------------------------------------------------
# Reading the pages

# The filter form, the language switcher and the hreflang links echo what the reader typed: no leak.
INPUT_TAG = re.compile(r"<input\b[^>]*>|<(?:link|a)\b[^>]*\bhreflang=[^>]*>", re.IGNORECASE)


def readable(body):
    """A page without its form inputs and links to itself in other languages, which echo the query."""
    return INPUT_TAG.sub("", body).lower()


def leaks_of(world, name):
    """(url, what leaked) for every public page that shows something of one exposure."""
    needles = [slug_of(marker(name, state)) for state in STATES]
    hidden = world.hidden[name]
    links = [
        f'"{url}{end}'
        for url in hidden.unpublished_urls + hidden.behind_unpublished_parent_urls
        for end in ('"', "#")
    ]
    found = []
    for url, page in world.anonymous.items():
        text = readable(page.body)
        found += [(url, needle) for needle in needles if needle in text]
        found += [(url, f"link {link}") for link in links if link in page.body]
    return found


def count_on(page, noun):
    match = re.search(rf"(\d+) {noun}s?( found)?\.", page.body)
    assert match, f"no {noun} count on the page"
    return int(match.group(1))


# ---------------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("name", EXPOSURES)
def test_no_public_page_shows_unpublished_content(world, name):
    leaks = leaks_of(world, name)
    assert leaks == [], "\n".join(f"{url}: {what}" for url, what in leaks)


def test_any_leak_text_on_a_public_page_is_a_known_leak(world):
    """A catch-all over every page: no "LEAK-" text at all, whatever exposure it came from."""
    found = {
        (url, m.group())
        for url, page in world.anonymous.items()
        for m in re.finditer(r"leak-\S{0,60}", readable(page.body))
    }
    assert found == set()


def test_every_public_page_answers(world):
    not_pages = {
        url for h in world.hidden.values() for url in h.unpublished_urls + h.behind_unpublished_parent_urls
    } | set(world.organisation_filter_urls)
    failing = {
        url: page.status
        for url, page in world.anonymous.items()
        if url not in not_pages and page.status != 200
    }
    assert failing == {}


CONTROLS = {
    "organisation": ["/en/organisations/", "/en/organisations/shown-organisation/"],
    "person": ["/en/people/shown-person/", "/en/organisations/shown-organisation/", "/en/meetings/"],
    "meeting": ["/en/", "/en/meetings/", "/en/organisations/shown-organisation/", "/en/people/shown-person/"],
    "agreement": ["/en/organisations/shown-organisation/"],
    "rejectedinvitation": ["/en/organisations/shown-organisation/"],
    "statement": ["/en/", "/en/organisations/shown-organisation/"],
    "development": ["/en/organisations/shown-organisation/"],
    "clashfigure": ["/en/clashes/", "/en/organisations/shown-organisation/"],
    "source": ["/en/organisations/shown-organisation/"],
}


@pytest.mark.parametrize("model", CONTROLS)
def test_published_content_is_shown(world, model):
    missing = [url for url in CONTROLS[model] if f"SHOWN-{model}" not in world.anonymous[url].body]
    assert missing == []


def test_published_meeting_detail_shows_its_published_agreement_and_sources(world):
    pages = [page.body for url, page in world.anonymous.items() if re.fullmatch(r"/en/meetings/\d+/", url)]
    assert any("SHOWN-agreement" in body and "SHOWN-source" in body for body in pages)


def test_directory_counts_published_organisations_only(world):
    assert count_on(world.anonymous["/en/organisations/"], "organisation") == world.published_organisations
    # The base five and the ones led by an unpublished organisation.
    assert world.published_organisations == 5 + len(STATES)


def test_meeting_list_counts_published_meetings_only(world):
    assert count_on(world.anonymous[MEETING_LIST], "meeting") == world.published_meetings == 2


def on_meeting_list(urls):
    """The HTML list's URLs among those of every surface taking the meeting filters."""
    return [url for url in urls if url.startswith(f"{MEETING_LIST}?")]


def test_meeting_filters_find_no_unpublished_meeting(world):
    counts = {url: count_on(world.anonymous[url], "meeting") for url in on_meeting_list(world.filter_urls)}
    assert counts and set(counts.values()) == {0}, counts


def test_meeting_filters_find_the_published_meetings(world):
    counts = {
        url: count_on(world.anonymous[url], "meeting") for url in on_meeting_list(world.shown_filter_urls)
    }
    assert counts and set(counts.values()) == {world.published_meetings}, counts


def organisation_choices(page):
    select = re.search(r'<select name="organisation".*?</select>', page.body, re.DOTALL)
    assert select, "no organisation filter on the page"
    return set(re.findall(r'<option value="([^"]+)"', select.group()))


def test_meeting_filter_offers_organisations_with_published_meetings(world):
    assert "shown-organisation" in organisation_choices(world.anonymous["/en/meetings/"])


def test_meeting_filter_does_not_offer_organisations_without_published_meetings(world):
    assert ORG_WITHOUT_PUBLISHED_MEETINGS not in organisation_choices(world.anonymous["/en/meetings/"])


def test_meeting_filter_on_an_unpublished_organisation_is_refused(world):
    """Never a silently unfiltered list: the page says the filter needs correcting, or a 400 for data."""
    pages = {url: world.anonymous[url] for url in world.organisation_filter_urls}
    accepted = [
        url
        for url, page in pages.items()
        if page.status != 400 and "the filters above need correcting" not in page.body
    ]
    assert pages and accepted == []


def test_unpublished_detail_pages_are_not_found(world):
    urls = [
        url for h in world.hidden.values() for url in h.unpublished_urls + h.behind_unpublished_parent_urls
    ]
    statuses = {url: world.anonymous[url].status for url in urls}
    assert len(urls) > 40 and set(statuses.values()) == {404}, statuses


def test_staff_preview_of_an_unpublished_page_says_it_is_not_public(world):
    urls = [url for name in PREVIEW_EXPOSURES for url in world.hidden[name].unpublished_urls]
    pages = {url: world.staff[url] for url in urls}
    failing = {
        url: page.status
        for url, page in pages.items()
        if page.status != 200 or PREVIEW_BANNER not in page.body
    }
    assert len(urls) == len(PREVIEW_EXPOSURES) * len(STATES) and failing == {}
    assert all("leak-" in page.body.lower() for page in pages.values())


def test_the_sitemap_lists_no_page_readers_cannot_open(world):
    locations = re.findall(r"<loc>([^<]+)</loc>", world.anonymous["/sitemap.xml"].body)
    hidden = [
        url for h in world.hidden.values() for url in h.unpublished_urls + h.behind_unpublished_parent_urls
    ]
    listed = [url for url in hidden if any(location.endswith(url) for location in locations)]
    assert locations and listed == []


def test_staff_preview_of_a_meeting_of_an_unpublished_organisation_says_it_is_not_public(world):
    urls = [url for h in world.hidden.values() for url in h.behind_unpublished_parent_urls]
    assert urls and all(
        world.staff[url].status == 200 and PREVIEW_BANNER in world.staff[url].body for url in urls
    )


def test_every_moderated_model_has_rows_in_every_state(world):
    assert {label for label, _status, _comments in world.rejected} == {
        model._meta.label for model in moderated_models()
    }


def test_rejected_content_is_a_draft_carrying_the_moderators_comment(world):
    assert world.rejected
    for label, status, comments in world.rejected:
        assert status == "draft", label
        assert len(comments) == 1 and comments[0].endswith("-rejected: not yet"), label
