"""Hostile text typed into any reader-facing field is shown as text on every page, export and feed.

The fields come from the models' own `_meta`: every editable text field of every editorial model (and the
imported clash events), so a field added later is attacked without touching this file.
"""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.db import models, transaction
from django.urls import reverse

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
    ClashEvent,
    ClashFigure,
    Office,
    Organisation,
    OrganisationAlias,
    OrganisationLink,
    Person,
    PersonAlias,
    Role,
    Team,
    TeamMember,
)
from peacetracker.exports import FORMULA_STARTS
from peacetracker.models import Citation, Source
from peacetracker.roles import editorial_models
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

PUBLIC_MODELS = [*editorial_models(), ClashEvent]
ATOM = "{http://www.w3.org/2005/Atom}"

# Fields readers never see as text, by design: the date as published is shown on meeting pages only;
# these links are only an href, which `web_url` keeps to http(s).
NOT_SHOWN_TO_READERS = {
    ("negotiations.development", "date_text"),
    ("negotiations.rejectedinvitation", "date_text"),
    ("negotiations.statement", "date_text"),
    ("negotiations.statement", "url"),
    ("peacetracker.source", "url"),
}


def text_fields(model):
    """The fields of a model an editor (or an import) fills with free text."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and not isinstance(field, models.SlugField)
    ]


def payload(marker, field):
    """The nastiest attack that fits the field: markup, an event handler, a formula, a script URL."""
    if isinstance(field, models.URLField):
        return f'javascript:alert("{marker}")'
    for text in (
        f'=1+1"><img src=x onerror=alert("{marker}")><script>alert("{marker}")</script>',
        f"=<script>{marker}</script>",
        f"=<i>{marker}</i>",
    ):
        if field.max_length is None or len(text) <= field.max_length:
            return text
    raise AssertionError(f"no payload fits {field}")


class InjectionFinder(HTMLParser):
    """Reads an HTML page as a browser would and notes every element or URL a payload turned into."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.injected = []
        self.text = []
        self.open_tag = None

    def handle_starttag(self, tag, attrs):
        self.open_tag = tag
        for name, value in attrs:
            value = value or ""
            self.text.append(value)
            if name.startswith("on"):
                self.injected.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                self.injected.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.injected.append("<img src=x>")

    def handle_data(self, data):
        if self.open_tag in {"script", "i"} and "zq" in data:
            self.injected.append(f"<{self.open_tag}>{data}")
        self.text.append(data)


def read_html(text):
    finder = InjectionFinder()
    finder.feed(text)
    finder.close()
    return finder.injected, "\n".join(finder.text)


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """One published row of every public model, every text field holding an attack with its own marker."""
    with django_db_blocker.unblock(), transaction.atomic():
        day = datetime.date(2015, 3, 1)
        published = {"status": "published"}
        org = Organisation.objects.create(name="o", slug="xss-org", nca_status="signatory", **published)
        alliance = Organisation.objects.create(name="a", slug="xss-alliance", kind="alliance", **published)
        person = Person.objects.create(name="p", slug="xss-person", **published)
        meeting = Meeting.objects.create(organisation=org, number=1, date=day, **published)
        agreement = Agreement.objects.create(
            title="t", kind="bilateral", date=day, meeting=meeting, **published
        )
        agreement.parties.set([org])
        source = Source.objects.create(title="s", **published)
        team = Team.objects.create(organisation=org, name="t")
        statement = Statement.objects.create(
            organisation=org, speaker=person, title="t", date=day, **published
        )
        # (row, fields left as they are): a participant with a person is named by the person, not a label.
        rows = [
            (org, set()),
            (alliance, set()),
            (person, set()),
            (meeting, set()),
            (agreement, set()),
            (source, set()),
            (team, set()),
            (statement, set()),
            (OrganisationAlias.objects.create(organisation=org, name="alias"), set()),
            (OrganisationLink.objects.create(organisation=org, label="l", url="https://x.org"), set()),
            (PersonAlias.objects.create(person=person, name="alias"), set()),
            (Role.objects.create(person=person, organisation=org, title="r", is_leadership=True), set()),
            (AllianceMembership.objects.create(member=org, alliance=alliance), set()),
            (Office.objects.create(organisation=org, name="o"), set()),
            (TeamMember.objects.create(team=team, person=person, side="organisation"), {"printed_as"}),
            (TeamMember.objects.create(team=team, person=person, side="civilian"), set()),
            (ClashFigure.objects.create(organisation=org, year=2015, count=3, **published), set()),
            (
                MeetingParticipant.objects.create(meeting=meeting, side="organisation", person=person),
                {"label"},
            ),
            (MeetingParticipant.objects.create(meeting=meeting, side="government", label="l"), set()),
            (AgreementPoint.objects.create(agreement=agreement, number=1, text="t"), set()),
            (
                RejectedInvitation.objects.create(organisation=org, description="d", date=day, **published),
                set(),
            ),
            (Development.objects.create(organisation=org, title="t", date=day, **published), set()),
            (Citation.objects.create(content_object=meeting, source=source), set()),
            (Citation.objects.create(content_object=org, source=source), set()),
            (
                ClashEvent.objects.create(
                    event_id_cnty="XSS1", event_date=day, year=2015, actor1="a", actor1_organisation=org
                ),
                set(),
            ),
        ]
        markers = {}
        for number, (row, keep) in enumerate(rows):
            for field in text_fields(type(row)):
                if field.name in keep:
                    continue
                marker = f"zq{number:02d}{len(markers):03d}"
                setattr(row, field.name, payload(marker, field))
                markers[marker] = (type(row)._meta.label_lower, field.name)
            row.save()
        yield {
            "markers": markers,
            "org": org,
            "alliance": alliance,
            "person": person,
            "meeting": meeting,
            "agreement": agreement,
        }
        transaction.set_rollback(True)


def public_pages(hostile):
    attack = payload("zqreflected", models.TextField())
    return [
        reverse("home"),
        reverse("orgs:organisation-list"),
        reverse("orgs:organisation-list") + "?kind=alliance",
        reverse("orgs:organisation-detail", args=["xss-org"]),
        reverse("orgs:organisation-detail", args=["xss-alliance"]),
        reverse("orgs:person-detail", args=["xss-person"]),
        reverse("negotiations:meeting-list"),
        reverse("negotiations:meeting-detail", args=[hostile["meeting"].pk]),
        reverse("negotiations:agreement-list"),
        reverse("negotiations:agreement-detail", args=[hostile["agreement"].pk]),
        reverse("negotiations:invitation-list"),
        reverse("negotiations:statement-list"),
        reverse("orgs:clashes"),
        reverse("search") + "?q=zq",
        # Attacks in the query string come back in the forms and error messages.
        reverse("search") + "?" + _query(q=attack),
        reverse("negotiations:meeting-list") + "?" + _query(q=attack[:200], location=attack[:100]),
        reverse("negotiations:meeting-list") + "?" + _query(organisation=attack, year=attack, sort=attack),
        reverse("negotiations:statement-list") + "?" + _query(organisation=attack),
        reverse("orgs:organisation-list") + "?" + _query(territory=attack[:100], alliance=attack),
        reverse("orgs:clashes") + "?" + _query(organisation=attack, claimed_by=attack[:100], year=attack),
    ]


def data_urls():
    return [
        reverse("negotiations:meeting-export-csv"),
        reverse("negotiations:meeting-export-json"),
        reverse("orgs:clashes-export-csv"),
        reverse("orgs:clash-events-export-csv"),
        reverse("negotiations:statement-feed"),
    ]


def _query(**params):
    return urlencode(params)


def test_every_public_model_has_a_hostile_row(hostile):
    attacked = {label for label, _name in hostile["markers"].values()}
    assert attacked == {model._meta.label_lower for model in PUBLIC_MODELS}


def test_no_page_turns_hostile_text_into_markup_or_script_links(client, hostile):
    injected = {}
    for url in public_pages(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        found, _text = read_html(response.text)
        if found:
            injected[url] = found
    assert injected == {}


def test_every_reader_facing_field_is_shown_as_the_text_typed(client, hostile):
    lines = []
    for url in public_pages(hostile):
        _found, text = read_html(client.get(url).text)
        lines += text.splitlines()
    for url in data_urls():
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        lines += body.decode("utf-8-sig").splitlines()
    shown = set()
    for marker, (label, name) in hostile["markers"].items():
        model = next(m for m in PUBLIC_MODELS if m._meta.label_lower == label)
        typed = payload(marker, model._meta.get_field(name))
        # Lists cut long text short, so the start of what was typed must appear, as text, on some page.
        if any(marker in line for line in lines):
            assert any(typed[:12] in line for line in lines), (label, name)
            shown.add((label, name))
    every_field = set(hostile["markers"].values())
    assert sorted(every_field - shown) == sorted(NOT_SHOWN_TO_READERS), sorted(every_field - shown)


def test_the_exports_keep_hostile_text_as_data_and_defuse_formulas(client, hostile):
    shown = set()
    for name in (
        "negotiations:meeting-export-csv",
        "orgs:clashes-export-csv",
        "orgs:clash-events-export-csv",
    ):
        response = client.get(reverse(name))
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        for row in csv.reader(io.StringIO(body)):
            for cell in row:
                if "zq" in cell:
                    shown |= {m for m in hostile["markers"] if m in cell}
                    assert not cell.startswith(FORMULA_STARTS), (name, cell)
                    assert cell.startswith("'=") or cell.startswith("javascript:") or cell.startswith("'"), (
                        cell
                    )
    assert {hostile["markers"][m] for m in shown} >= {
        ("negotiations.meeting", "place"),
        ("negotiations.meeting", "details"),
        ("negotiations.meetingparticipant", "label"),
        ("orgs.clashfigure", "printed_as"),
        ("orgs.clashevent", "notes"),
        ("orgs.clashevent", "actor1"),
    }


def test_the_json_export_returns_hostile_text_exactly_as_typed(client, hostile):
    response = client.get(reverse("negotiations:meeting-export-json"))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    (row,) = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)[
        "results"
    ]
    meeting = Meeting.objects.get(pk=hostile["meeting"].pk)
    for field in ("place", "region", "country", "details", "date_as_published"):
        stored = getattr(meeting, "date_text" if field == "date_as_published" else field)
        assert row[field] == stored


def test_the_atom_feed_escapes_hostile_text_in_titles_and_summaries(client, hostile):
    response = client.get(reverse("negotiations:statement-feed"))
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    (entry,) = feed.findall(f"{ATOM}entry")
    statement = Statement.objects.get(organisation=hostile["org"])
    assert entry.find(f"{ATOM}title").text == statement.title
    summary = entry.find(f"{ATOM}summary")
    found, text = read_html(summary.text)
    assert found == []
    assert statement.summary in text
    assert statement.quote in text
    for link in entry.findall(f"{ATOM}link"):
        assert not link.get("href", "").lower().startswith("javascript:")


def test_the_sitemap_lists_the_hostile_rows_only_by_their_addresses(client, hostile):
    response = client.get(reverse("sitemap"))
    sitemap = ET.fromstring(response.content)
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(
        location.endswith(reverse("orgs:organisation-detail", args=["xss-org"])) for location in locations
    )
    assert b"zq" not in response.content
    assert all(location.startswith("http") for location in locations)


def test_web_links_still_render_as_links(client, hostile):
    OrganisationLink.objects.filter(organisation=hostile["org"]).update(url="https://kachin.example.org/news")
    response = client.get(reverse("orgs:organisation-detail", args=["xss-org"]))
    assert 'href="https://kachin.example.org/news"' in response.text
    assert 'href="#"' in response.text  # the website, still a javascript: URL


def test_the_admin_refuses_a_script_link_in_a_url_field(admin_client, hostile):
    statement = Statement.objects.get(organisation=hostile["org"])
    url = reverse("admin:negotiations_statement_change", args=[statement.pk])
    data = form_data(admin_client.get(url))
    data["url"] = "javascript:alert(1)"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
