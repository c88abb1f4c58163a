"""The admin as editors use it: every model listed, searchable and editable, with inlines that save."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
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
from peacetracker.models import Content, Source
from tests.admin_forms import form_data, form_errors

LOGS = {"moderationevent", "revision", "merge", "notduplicate"}
PROJECT_MODELS = [
    model
    for label in ("peacetracker", "orgs", "negotiations")
    for model in apps.get_app_config(label).get_models()
    if not model.__name__.startswith("Historical") and model._meta.model_name not in LOGS
]
CONTENT_MODELS = [model for model in PROJECT_MODELS if issubclass(model, Content)]
CITATION_PREFIX = "peacetracker-citation-content_type-object_id"


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def kio(db):
    return Organisation.objects.create(
        name="Kachin Independence Organisation",
        acronym="KIO",
        armed_wing="Kachin Independence Army",
        slug="kio",
    )


@pytest.fixture
def government(db):
    return Organisation.objects.create(
        name="Union Peacemaking Work Committee",
        acronym="UPWC",
        kind=Organisation.Kind.GOVERNMENT,
        slug="upwc",
    )


@pytest.fixture
def unfc(db):
    return Organisation.objects.create(
        name="United Nationalities Federal Council",
        acronym="UNFC",
        kind=Organisation.Kind.ALLIANCE,
        slug="unfc",
    )


@pytest.fixture
def gun_maw(kio):
    return Person.objects.create(name="Gun Maw", honorific="Gen.", slug="gun-maw")


@pytest.fixture
def aung_min(db):
    return Person.objects.create(name="Aung Min", honorific="U", slug="aung-min")


@pytest.fixture
def record(kio, government, unfc, gun_maw, aung_min):
    """One of everything the admin edits, linked the way the seed links them."""
    source = Source.objects.create(
        title="Deciphering Myanmar's Peace Process", date=datetime.date(2023, 1, 1)
    )
    OrganisationAlias.objects.create(organisation=kio, name="KIA")
    OrganisationLink.objects.create(organisation=kio, label="Facebook", url="https://facebook.com/kio")
    PersonAlias.objects.create(person=aung_min, name="U Aung Min")
    Role.objects.create(person=gun_maw, organisation=kio, title="Vice-chairman", is_leadership=True)
    AllianceMembership.objects.create(member=kio, alliance=unfc, joined=datetime.date(2011, 2, 16))
    Office.objects.create(organisation=kio, name="Technical Advisory Team Office", town="Myitkyina")
    team = Team.objects.create(organisation=kio, name="Conflict Resolution Team")
    TeamMember.objects.create(team=team, person=gun_maw, side=TeamMember.Side.ORGANISATION, role="Leader")
    ClashFigure.objects.create(organisation=kio, year=2012, count=2400, claimed_by_text="KIO")
    ClashEvent.objects.create(
        event_id_cnty="MMR1", event_date=datetime.date(2023, 3, 1), year=2023, actor1="KIA", location="Laiza"
    )
    meeting = Meeting.objects.create(
        organisation=kio, number=1, date=datetime.date(2011, 8, 1), date_text="01-02/08/11", place="Laiza"
    )
    meeting.citations.create(source=source, locator="footnote 73")
    MeetingParticipant.objects.create(
        meeting=meeting, side=MeetingParticipant.Side.GOVERNMENT, person=aung_min
    )
    agreement = Agreement.objects.create(
        title="7-point agreement",
        kind=Agreement.Kind.BILATERAL,
        date=datetime.date(2013, 5, 30),
        meeting=meeting,
    )
    agreement.parties.set([kio, government])
    AgreementPoint.objects.create(agreement=agreement, number=1, text="To continue political dialogue.")
    RejectedInvitation.objects.create(
        organisation=kio, date=datetime.date(2012, 1, 1), description="Declined"
    )
    Statement.objects.create(
        organisation=kio, speaker=gun_maw, title="On the ceasefire", date=datetime.date(2013, 1, 1)
    )
    Development.objects.create(organisation=kio, title="Joined UNFC", date=datetime.date(2011, 2, 16))
    return {"meeting": meeting, "agreement": agreement, "source": source}


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model._meta.label_lower)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model._meta.label_lower)
def test_changelist_lists_existing_rows(admin_client, record, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model._meta.label_lower)
def test_add_form_loads(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model._meta.label_lower)
def test_change_form_loads(admin_client, record, model):
    response = admin_client.get(admin_url(model, "change", model.objects.first().pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.label_lower)
def test_content_form_has_shared_citation_inline_and_editorial_fields(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))

    assert f'name="{CITATION_PREFIX}-TOTAL_FORMS"' in response.text
    assert 'name="status"' not in response.text, "status changes only through the workflow"
    assert "field-status" in response.text
    assert 'name="editor_note_en"' in response.text


@pytest.mark.parametrize("model", [*CONTENT_MODELS, Source], ids=lambda model: model._meta.label_lower)
def test_moderated_changelist_shows_and_filters_status(admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert "status" in response.context["cl"].list_display
    assert "?status__exact=draft" in response.text


def test_admin_index_names_the_site(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert "<title>The record of the peace process | PeaceTracker editors</title>" in response.text


def test_organisation_search_finds_by_name(admin_client, kio, government):
    response = admin_client.get(admin_url(Organisation, "changelist"), {"q": "Kachin"})

    assert list(response.context["cl"].result_list) == [kio]


def test_organisation_search_finds_by_alias(admin_client, record, kio):
    response = admin_client.get(admin_url(Organisation, "changelist"), {"q": "KIA"})

    assert list(response.context["cl"].result_list) == [kio]


def test_person_search_finds_by_other_spelling(admin_client, record, aung_min):
    response = admin_client.get(admin_url(Person, "changelist"), {"q": "U Aung Min"})

    assert list(response.context["cl"].result_list) == [aung_min]


def test_meeting_search_finds_by_participant_name(admin_client, record):
    response = admin_client.get(admin_url(Meeting, "changelist"), {"q": "Aung Min"})

    assert list(response.context["cl"].result_list) == [record["meeting"]]


def test_meeting_changelist_shows_date_as_known_and_as_published(admin_client, kio):
    Meeting.objects.create(
        organisation=kio,
        number=1,
        date=datetime.date(2011, 8, 1),
        end_date=datetime.date(2011, 8, 2),
        date_text="01-02/08/11",
    )

    response = admin_client.get(admin_url(Meeting, "changelist"))

    assert "1–2 August 2011" in response.text
    assert "01-02/08/11" in response.text


def test_meeting_change_form_shows_participant_inline(admin_client, record):
    response = admin_client.get(admin_url(Meeting, "change", record["meeting"].pk))

    assert 'name="participants-TOTAL_FORMS"' in response.text
    assert "U Aung Min" in response.text


def test_meeting_with_participant_is_saved_from_admin_form(admin_client, kio, gun_maw):
    data = form_data(admin_client.get(admin_url(Meeting, "add")))
    data.update(
        {
            "organisation": kio.pk,
            "number": "3",
            "date": "2012-03-08",
            "end_date": "2012-03-10",
            "date_text": "8,9,10/03/12",
            "place_en": "Ruili",
            "country_en": "China",
            "participants-TOTAL_FORMS": "1",
            "participants-0-side": MeetingParticipant.Side.ORGANISATION,
            "participants-0-person": gun_maw.pk,
            "participants-0-role_en": "Leader",
            "participants-0-unnamed_others": "4",
            "participants-0-order": "0",
        }
    )

    response = admin_client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 302, form_errors(response)
    meeting = Meeting.objects.get()
    assert (meeting.number, meeting.date_text, meeting.location) == (3, "8,9,10/03/12", "Ruili, China")
    participant = meeting.participants.get()
    assert (participant.person, participant.role, participant.unnamed_others) == (gun_maw, "Leader", 4)


def test_meeting_participant_naming_no_one_is_refused(admin_client, kio):
    data = form_data(admin_client.get(admin_url(Meeting, "add")))
    data.update(
        {
            "organisation": kio.pk,
            "date": "2012-03-08",
            "participants-TOTAL_FORMS": "1",
            "participants-0-side": MeetingParticipant.Side.OBSERVER,
            "participants-0-role_en": "Observer",
            "participants-0-order": "0",
        }
    )

    response = admin_client.post(admin_url(Meeting, "add"), data)

    assert response.status_code == 200
    assert "Name a person, a body or the label as published." in response.text
    assert not Meeting.objects.exists()


def test_agreement_change_form_creates_points_in_order(admin_client, kio, government):
    agreement = Agreement.objects.create(
        title="7-point preliminary agreement",
        kind=Agreement.Kind.PRELIMINARY,
        date=datetime.date(2013, 10, 10),
    )
    agreement.parties.set([kio, government])
    url = admin_url(Agreement, "change", agreement.pk)
    data = form_data(admin_client.get(url))
    data["points-TOTAL_FORMS"] = "3"
    for index, (number, text) in enumerate([(2, "Second"), (1, "First"), (3, "Third")]):
        data[f"points-{index}-number"] = str(number)
        data[f"points-{index}-text_en"] = f"{text} point."

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert list(agreement.points.values_list("number", "text")) == [
        (1, "First point."),
        (2, "Second point."),
        (3, "Third point."),
    ]
    page = admin_client.get(url).text
    assert page.index("First point.") < page.index("Second point.") < page.index("Third point.")


def test_citation_is_saved_from_a_content_form(admin_client, kio):
    source = Source.objects.create(title="Myanmar Peace Monitor")
    url = admin_url(Organisation, "change", kio.pk)
    data = form_data(admin_client.get(url))
    data.update(
        {
            f"{CITATION_PREFIX}-TOTAL_FORMS": "1",
            f"{CITATION_PREFIX}-0-source": source.pk,
            f"{CITATION_PREFIX}-0-locator": "footnote 12",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert list(kio.citations.values_list("source__title", "locator")) == [
        ("Myanmar Peace Monitor", "footnote 12")
    ]


def test_person_autocomplete_returns_person_by_name(admin_client, gun_maw, aung_min):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "negotiations",
            "model_name": "meetingparticipant",
            "field_name": "person",
            "term": "Gun",
        },
    )

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(gun_maw.pk), "text": "Gen. Gun Maw"}]


def test_alliance_autocomplete_offers_only_alliances(admin_client, kio, unfc):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "orgs", "model_name": "alliancemembership", "field_name": "alliance", "term": "U"},
    )

    assert [result["text"] for result in response.json()["results"]] == [str(unfc)]


def test_source_autocomplete_for_citations_finds_by_title(admin_client, record):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "peacetracker",
            "model_name": "citation",
            "field_name": "source",
            "term": "Deciphering",
        },
    )

    assert [result["id"] for result in response.json()["results"]] == [str(record["source"].pk)]


def test_meeting_changelist_queries_do_not_grow_with_meetings(
    admin_client, kio, government, unfc, django_assert_max_num_queries
):
    for number in range(1, 31):
        Meeting.objects.create(
            organisation=(kio, government, unfc)[number % 3],
            number=number,
            date=datetime.date(2011, 1, 1) + datetime.timedelta(days=30 * number),
            place=f"Place {number}",
        )

    with django_assert_max_num_queries(10):
        response = admin_client.get(admin_url(Meeting, "changelist"))

    assert response.context["cl"].result_count == 30
