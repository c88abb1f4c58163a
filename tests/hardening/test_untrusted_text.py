"""Hostile text typed into any reader-facing field is shown as text on every page, export and feed.

The fields come from the models' own `_meta` and modeltranslation's registry: every editable text field of
every editorial model (and the imported clash events), in each language of a translated one, so a field or a
language added later is attacked without touching this file.
"""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

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
LANGUAGES = [code for code, _name in settings.LANGUAGES]
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


def translated_names(model):
    """The names of a model's fields that have a version in every language."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def text_fields(model):
    """(name, language, column) for every column an editor (or an import) fills with free text.

    A translated field is one column per language (`details_en`, `details_my`); its own column is left out,
    as modeltranslation reads and writes it through the reader's language. Language is None for the others.
    """
    translated = translated_names(model)
    language_columns = {build_localized_fieldname(name, code) for name in translated for code in LANGUAGES}
    columns = []
    for field in model._meta.concrete_fields:
        if (
            not isinstance(field, models.CharField | models.TextField)
            or not field.editable
            or field.choices
            or isinstance(field, models.SlugField)
            or field.name in language_columns
        ):
            continue
        if field.name in translated:
            columns += [
                (field.name, code, model._meta.get_field(build_localized_fieldname(field.name, code)))
                for code in LANGUAGES
            ]
        else:
            columns.append((field.name, None, field))
    return columns


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
            for name, language, column in text_fields(type(row)):
                if name in keep:
                    continue
                marker = f"zq{number:02d}{len(markers):03d}"
                setattr(row, column.name, payload(marker, column))
                markers[marker] = (type(row)._meta.label_lower, name, language)
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


def public_pages(hostile, language):
    """Every public page in one language, some with attacks in their query string."""
    with translation.override(language):
        return _public_pages(hostile)


def _public_pages(hostile):
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


def data_urls(language):
    with translation.override(language):
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
    attacked = {label for label, _name, _language in hostile["markers"].values()}
    assert attacked == {model._meta.label_lower for model in PUBLIC_MODELS}


def test_every_translated_field_is_attacked_in_every_language(hostile):
    attacked = {(label, name, language) for label, name, language in hostile["markers"].values()}
    for model in PUBLIC_MODELS:
        for name in translated_names(model):
            if (model._meta.label_lower, name, None) in attacked:
                continue
            for language in LANGUAGES:
                assert (model._meta.label_lower, name, language) in attacked


def test_no_page_turns_hostile_text_into_markup_or_script_links(client, hostile):
    injected = {}
    for language in LANGUAGES:
        for url in public_pages(hostile, language):
            response = client.get(url)
            assert response.status_code == 200, url
            found, _text = read_html(response.text)
            if found:
                injected[url] = found
    assert injected == {}


def test_every_reader_facing_field_is_shown_as_the_text_typed(client, hostile):
    lines = {}
    for language in LANGUAGES:
        lines[language] = []
        for url in public_pages(hostile, language):
            _found, text = read_html(client.get(url).text)
            lines[language] += text.splitlines()
        for url in data_urls(language):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            lines[language] += body.decode("utf-8-sig").splitlines()
    expected, shown = set(), set()
    for marker, (label, name, language) in hostile["markers"].items():
        model = next(m for m in PUBLIC_MODELS if m._meta.label_lower == label)
        column = name if language is None else build_localized_fieldname(name, language)
        typed = payload(marker, model._meta.get_field(column))
        # A language's version belongs on that language's pages; untranslated text on every language's.
        for page_language in LANGUAGES if language is None else [language]:
            expected.add((label, name, page_language))
            # Lists cut long text short, so the start of what was typed must appear, as text, on some page.
            if any(marker in line for line in lines[page_language]):
                assert any(typed[:12] in line for line in lines[page_language]), (label, name, page_language)
                shown.add((label, name, page_language))
    hidden = {(label, name, language) for label, name in NOT_SHOWN_TO_READERS for language in LANGUAGES}
    assert sorted(expected - shown) == sorted(hidden), sorted(expected - shown)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_exports_keep_hostile_text_as_data_and_defuse_formulas(client, hostile, language):
    shown = set()
    for name in (
        "negotiations:meeting-export-csv",
        "orgs:clashes-export-csv",
        "orgs:clash-events-export-csv",
    ):
        with translation.override(language):
            url = reverse(name)
        response = client.get(url)
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
    # Each export holds the reader's language version of the translated text, and the untranslated text.
    assert {hostile["markers"][m] for m in shown} >= {
        ("negotiations.meeting", "place", language),
        ("negotiations.meeting", "details", language),
        ("negotiations.meetingparticipant", "label", language),
        ("orgs.clashfigure", "printed_as", language),
        ("orgs.clashevent", "notes", None),
        ("orgs.clashevent", "actor1", None),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_json_export_returns_hostile_text_exactly_as_typed(client, hostile, language):
    with translation.override(language):
        response = client.get(reverse("negotiations:meeting-export-json"))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    (row,) = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)[
        "results"
    ]
    meeting = Meeting.objects.get(pk=hostile["meeting"].pk)
    for field in ("place", "region", "country", "details"):
        assert row[field] == getattr(meeting, build_localized_fieldname(field, language))
    assert row["date_as_published"] == meeting.date_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_atom_feed_escapes_hostile_text_in_titles_and_summaries(client, hostile, language):
    with translation.override(language):
        response = client.get(reverse("negotiations:statement-feed"))
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    (entry,) = feed.findall(f"{ATOM}entry")
    statement = Statement.objects.get(organisation=hostile["org"])
    assert entry.find(f"{ATOM}title").text == getattr(statement, build_localized_fieldname("title", language))
    summary = entry.find(f"{ATOM}summary")
    found, text = read_html(summary.text)
    assert found == []
    assert getattr(statement, build_localized_fieldname("summary", language)) in text
    assert getattr(statement, build_localized_fieldname("quote", language)) in text
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
