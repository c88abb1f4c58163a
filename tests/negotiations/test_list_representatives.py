"""The meetings list's representatives, stored on each meeting in each language: every change a reader
may see must show on the next page, and never before it is public.

Each test renders the list, changes something, and renders again.
"""

import html
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.selectors import REPRESENTING, list_representatives, public_participant_names
from orgs.models import Organisation
from peacetracker.roles import EDITORS, MODERATORS
from peacetracker.services import moderation_transition
from tests.admin_forms import decide, form_data, form_errors
from tests.factories import make_meeting, make_org, make_participant, make_person, staff_client
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

MEETINGS = "negotiations:meeting-list"
REPRESENTATIVES = 5  # the 6th cell of a row


def page(client, language="en"):
    response = client.get(url(MEETINGS, language))
    assert response.status_code == 200
    return response.content.decode()


def cell(client, meeting, language="en"):
    """The representatives cell of `meeting`'s row on the list page, as a reader reads it."""
    link = url("negotiations:meeting-detail", language, pk=meeting.pk)
    rows = [row for row in re.findall(r"<tr>.*?</tr>", page(client, language)) if f'href="{link}"' in row]
    assert len(rows) == 1, f"meeting {meeting.pk} has {len(rows)} rows on the {language} list"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0])
    assert len(cells) == 7, rows[0]
    return html.unescape(cells[REPRESENTATIVES])


def test_a_participant_added_to_a_published_meeting_appears_and_disappears_once_deleted(client):
    meeting = make_meeting()
    other = make_meeting(number=2)
    make_participant(meeting, person=make_person(name="Gun Maw"))
    make_participant(other, person=make_person(name="Sumlut Gam"))
    assert cell(client, meeting) == "Organisation side: Gun Maw"

    added = make_participant(meeting, person=make_person(name="Zawng Hra"), order=1)
    assert cell(client, meeting) == "Organisation side: Gun Maw; Zawng Hra"
    assert cell(client, other) == "Organisation side: Sumlut Gam"

    added.delete()
    assert cell(client, meeting) == "Organisation side: Gun Maw"
    assert "Zawng Hra" not in page(client)


def test_a_person_renamed_by_an_editor_keeps_the_old_name_until_a_moderator_approves(client):
    meeting = make_meeting()
    person = make_person(name="N'Ban La")
    make_participant(meeting, person=person)
    assert (cell(client, meeting), cell(client, meeting, "my")) == (
        "Organisation side: N'Ban La",
        "အဖွဲ့အစည်းဘက်: N'Ban La",
    )

    change = reverse("admin:orgs_person_change", args=[person.pk])
    editor = staff_client("eddie", EDITORS)
    data = {**form_data(editor.get(change)), "name_en": "N'Ban La Awng"}
    response = editor.post(change, data)
    assert response.status_code == 302, form_errors(response)
    # Waiting for approval: both languages' pages keep the published name.
    assert (cell(client, meeting), cell(client, meeting, "my")) == (
        "Organisation side: N'Ban La",
        "အဖွဲ့အစည်းဘက်: N'Ban La",
    )

    moderation = reverse("admin:orgs_person_moderation", args=[person.pk])
    response = decide(staff_client("mona", MODERATORS), moderation, "approve_change")
    assert response.status_code == 302
    # The Burmese page falls back to the English name, which is now the new one.
    assert cell(client, meeting) == "Organisation side: N'Ban La Awng"
    assert cell(client, meeting, "my") == "အဖွဲ့အစည်းဘက်: N'Ban La Awng"


def test_an_unpublished_person_or_body_leaves_the_cell_at_once(client):
    moderator = User.objects.create_user("mona", password="pw", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    meeting = make_meeting()
    person = make_person(name="Gun Maw")
    body = make_org(name="Union Peacemaking Work Committee", acronym="UPWC")
    make_participant(meeting, person=person)
    make_participant(meeting, side="government", body=body)
    make_participant(meeting, side="government", person=make_person(name="Aung Min"), order=1)
    assert cell(client, meeting) == (
        "Organisation side: Gun Maw · Government side: Union Peacemaking Work Committee (UPWC); Aung Min"
    )

    moderation_transition(person, moderator, "unpublished")
    assert cell(client, meeting) == "Government side: Union Peacemaking Work Committee (UPWC); Aung Min"

    body = Organisation.objects.get(pk=body.pk)
    body.status = "unpublished"
    body.save()
    assert cell(client, meeting) == "Government side: Aung Min"
    assert "UPWC" not in page(client)


def test_only_the_two_sides_are_shown_with_labels_and_unnamed_others_as_published(client):
    meeting = make_meeting()
    make_participant(meeting, person=make_person(name="Gun Maw"))
    assert cell(client, meeting) == "Organisation side: Gun Maw"

    make_participant(meeting, side="mediator", person=make_person(name="Mediator Person"))
    make_participant(meeting, side="observer", body=make_org(name="Observer Body"))
    make_participant(meeting, side="other", label="Someone Else")
    leader = make_participant(meeting, person=make_person(name="Zawng Hra"), unnamed_others=4, order=1)
    make_participant(
        meeting, label="KIO delegation", person=make_person(name="Hidden"), unnamed_others=2, order=2
    )
    make_participant(meeting, side="government", person=make_person(name="Aung Min", honorific="U"))
    shown = cell(client, meeting)
    assert (
        shown == "Organisation side: Gun Maw; Zawng Hra + (4); KIO delegation · Government side: U Aung Min"
    )
    named = public_participant_names([meeting.pk])[meeting.pk]
    assert [name for side, name in named if side in REPRESENTING] == [
        "Gun Maw",
        "Zawng Hra + (4)",
        "KIO delegation",
        "U Aung Min",
    ]
    for absent in ("Mediator Person", "Observer Body", "Someone Else", "Hidden"):
        assert absent not in shown

    leader.label = "Zawng Hra and party"
    leader.save()
    assert cell(client, meeting) == (
        "Organisation side: Gun Maw; Zawng Hra and party; KIO delegation · Government side: U Aung Min"
    )


def test_each_language_shows_its_own_names_however_the_pages_alternate(client):
    meeting = make_meeting()
    make_participant(meeting, person=make_person(name="Gun Maw", name_my="ဂွမ်မော်"))
    second = make_person(name="Sumlut Gam")
    make_participant(meeting, person=second, order=1)
    expected = {"en": "Organisation side: Gun Maw; Sumlut Gam", "my": "အဖွဲ့အစည်းဘက်: ဂွမ်မော်; Sumlut Gam"}
    for language in ("en", "my", "en", "my"):
        assert cell(client, meeting, language) == expected[language], language

    second.name_my = "ဆမ်လွတ်ဂမ်"
    second.save()
    expected["my"] = "အဖွဲ့အစည်းဘက်: ဂွမ်မော်; ဆမ်လွတ်ဂမ်"
    for language in ("my", "en", "my", "en"):
        assert cell(client, meeting, language) == expected[language], language


def test_a_meeting_added_later_shows_its_representatives(client):
    org = make_org()
    old = make_meeting(org, number=1)
    make_participant(old, person=make_person(name="Gun Maw"))
    assert cell(client, old) == "Organisation side: Gun Maw"

    new = make_meeting(org, number=2)
    make_participant(new, person=make_person(name="Zawng Hra"))
    make_participant(new, side="government", label="Peace delegation")
    both_sides = "Organisation side: Zawng Hra · Government side: Peace delegation"
    assert list_representatives([new.pk])[new.pk] == both_sides
    assert cell(client, new) == both_sides
    assert cell(client, old) == "Organisation side: Gun Maw"


def meetings_with_two_participants(org, numbers):
    for number in numbers:
        meeting = make_meeting(org, number=number)
        make_participant(meeting, person=make_person(name=f"Leader {number}"))
        make_participant(meeting, side="government", person=make_person(name=f"Minister {number}"))


def rendered(client):
    with CaptureQueriesContext(connection) as queries:
        html_text = page(client)
    return [q["sql"] for q in queries], html_text


def participant_queries(queries):
    return [sql for sql in queries if "negotiations_meetingparticipant" in sql]


def test_the_list_reads_no_participants_however_many_meetings(client):
    org = make_org()
    meetings_with_two_participants(org, range(1, 4))
    queries_3, html_3 = rendered(client)
    assert "3 meetings found." in html_3 and "Leader 3 · Government side: Minister 3" in html_3
    assert participant_queries(queries_3) == []

    meetings_with_two_participants(org, range(4, 13))
    queries_12, html_12 = rendered(client)
    assert "12 meetings found." in html_12
    assert all(f"Leader {n} · Government side: Minister {n}" in html_12 for n in range(1, 13))
    assert participant_queries(queries_12) == []
    assert len(queries_12) == len(queries_3), queries_12
