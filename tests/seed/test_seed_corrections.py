"""Issue 17: the seed profile read again, line by line, against the public pages.

Each test reads what a reader sees (a page's text, a row of the meetings list, an export) for one point the
reading found wrong. Strings are the seed's, ../shared/seed/000_6460ef6c7ad7355a.txt.
"""

import csv
import html
import io
import re

import pytest
from django.core.management import call_command

from negotiations.models import Agreement, Meeting
from orgs.models import Organisation
from tests.imports.files import acled_file, acled_row

# Every test reads the seed: loaded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module")]

PROFILE = "/en/organisations/kio-kia/"
DOUBLED = re.compile(r"(?<![\w.])(\S+) \(\1\)")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def text(markup):
    """What a reader reads: the markup without tags, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def section(markup, section_id):
    return re.search(rf'<section id="{section_id}".*?</section>', markup, re.DOTALL).group()


def meeting_page(client, number):
    return page(client, Meeting.objects.get(organisation__slug="kio-kia", number=number).get_absolute_url())


def side_sections(markup):
    """{side heading: [entry, …]} of a meeting's page."""
    sides = re.findall(r'<h2 id="side-\d+">(.*?)</h2>\s*<ul>(.*?)</ul>', markup, re.DOTALL)
    return {
        heading: [text(item) for item in re.findall(r"<li>(.*?)</li>", items, re.DOTALL)]
        for heading, items in sides
    }


def representatives(client, number):
    """The Representatives cell of meeting `number`'s row on the meetings list."""
    link = Meeting.objects.get(organisation__slug="kio-kia", number=number).get_absolute_url()
    rows = [
        row for row in re.findall(r"<tr>.*?</tr>", page(client, "/en/meetings/")) if f'href="{link}"' in row
    ]
    (row,) = rows
    return text(re.findall(r"<td[^>]*>(.*?)</td>", row)[5])


def exported(client, **params):
    response = client.get("/en/meetings/export.json", params)
    assert response.status_code == 200
    return {row["number"]: row for row in response.json()["results"]}


def profile_meeting_row(client, number):
    """The cells of meeting `number`'s row in the profile's Meetings table."""
    table = section(page(client, PROFILE), "meetings")
    link = Meeting.objects.get(organisation__slug="kio-kia", number=number).get_absolute_url()
    row = next(
        row for row in re.findall(r"<tr>.*?</tr>", table, re.DOTALL) if f'href="{link}">{number}<' in row
    )
    return [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]


# --------------------------------------------------------------------------- 1. U Thein Zaw


def test_u_thein_zaw_who_sent_the_knca_reps_is_not_listed_as_attending_meeting_1(client, seed):
    person = text(page(client, "/en/people/thein-zaw/"))
    assert "No published meetings list this person." in person
    assert "MP and former military general" in person
    assert "“sent by U TheinZaw (MP and former military general)”" in person
    assert "TheinZaw" not in representatives(client, 1)
    assert "TheinZaw" not in " ".join(profile_meeting_row(client, 1)[3:5])
    assert "0 meetings found." in page(client, "/en/meetings/", participant="Thein Zaw")


# --------------------------------------------------------------------------- 2. "UPWC – MPC"


def test_meeting_17_shows_upwc_mpc_once_as_printed(client, seed):
    assert side_sections(meeting_page(client, 17))["Government side"] == ["UPWC – MPC"]
    assert (
        representatives(client, 17)
        == "Organisation side: KIO Advisory technical team · Government side: UPWC – MPC"
    )
    assert profile_meeting_row(client, 17)[4] == "UPWC – MPC"
    assert exported(client)[17]["government_side"] == "UPWC – MPC"
    assert set(exported(client, participant="MPC")) == {16, 17}
    assert set(exported(client, participant="UPWC")) == {17, 18, 19}


# --------------------------------------------------------------------------- 3. places without a country


def test_filtering_by_country_thailand_gives_mae_sai_chiang_rai_and_bangkok(client, seed):
    assert sorted(exported(client, country="Thailand")) == [4, 8, 23]
    assert "3 meetings found." in page(client, "/en/meetings/", country="Thailand")


def test_maija_yang_is_found_in_kachin_state_myanmar(client, seed):
    myanmar = exported(client, country="Myanmar")
    assert sorted(myanmar) == [1, 2, 3, 9, 10, 14, 15, 16, 17, 18, 19, 20, 21, 22]
    assert (myanmar[9]["region"], myanmar[10]["region"]) == ("Kachin State", "Kachin State")
    assert sorted(exported(client, location="Kachin")) == sorted(myanmar)


# --------------------------------------------------------------------------- 4. inferences


def test_the_justice_and_negotiation_center_shows_no_opening_date(client, seed):
    offices = text(section(page(client, PROFILE), "offices"))
    assert "KIO Justice and Negotiation center" in offices
    assert "Opened" not in offices
    assert "(18/09/2012)" in offices  # the report's date, as printed


def test_the_joint_committee_is_formed_after_the_meeting_as_the_page_says(client, seed):
    teams = text(section(page(client, PROFILE), "teams"))
    committee = teams[teams.index("Joint committee") :]
    assert committee.startswith("Joint committee Formed after the meeting ")
    assert "Formed 28 May 2014" not in teams


def test_meeting_13_and_its_5_point_statement_say_joint_is_inferred(client, seed):
    meeting = text(meeting_page(client, 13))
    assert "Outcome Joint statement" in meeting
    assert "an inference, as the profile does not say who made the statement" in meeting
    agreement = Agreement.objects.get(meeting__number=13)
    assert "an inference, as the profile does not say who made it" in text(
        page(client, agreement.get_absolute_url())
    )


def test_military_council_is_shown_as_another_name_of_the_military_with_a_note(client, seed):
    military = text(page(client, "/en/organisations/myanmar-military/"))
    assert "military council" in military[military.index("Also known as") :]
    assert "an inference, as the profile does not say the two are one body" in military


def test_meeting_14_shows_no_composed_delegates_line_and_notes_its_counts(client, seed):
    meeting = text(meeting_page(client, 14))
    assert "KIO Rep: (48 delegates)" not in meeting
    assert "Delegates" not in meeting
    assert "other leaders (48 delegates)" in meeting and "ministers (44 delegates)" in meeting
    assert "that each is the whole of its side’s delegation is an inference" in meeting


# --------------------------------------------------------------------------- 5. the ministry of meeting 22


def test_meeting_22_links_the_ministry_the_page_names(client, seed):
    markup = meeting_page(client, 22)
    ministry = Organisation.objects.get(name="Ministry of Border Affairs and Security in Kachin State")
    label = "Government officials (including the Ministry of Border Affairs and Security in Kachin State)"
    assert f'<a href="{ministry.get_absolute_url()}">{label}</a>' in markup
    assert 'href="/en/organisations/myanmar-government/"' not in markup


# --------------------------------------------------------------------------- 6. names


def test_no_page_repeats_an_acronym_as_if_it_were_a_name(client, seed):
    urls = [PROFILE, "/en/organisations/", "/en/agreements/", "/en/statements/", "/en/clashes/"]
    urls += [organisation.get_absolute_url() for organisation in Organisation.objects.published()]
    for url in urls:
        assert DOUBLED.findall(text(page(client, url))) == [], url


def test_alliances_box_names_each_acronym_only_alliance_once(client, seed):
    alliances = text(section(page(client, PROFILE), "alliances"))
    for acronym in ("NCCT", "SD", "DPN"):
        assert f"{acronym} 2009 – 2015" in alliances


def test_uwsp_uwsa_is_shown_with_its_full_name(client, seed):
    directory = text(page(client, "/en/organisations/"))
    assert "United Wa State Party/United Wa State Army (UWSP/UWSA)" in directory
    uwsa = page(client, "/en/organisations/uwsp-uwsa/")
    assert "<h1>United Wa State Party/United Wa State Army (UWSP/UWSA)</h1>" in uwsa


# --------------------------------------------------------------------------- 7. order as printed


def test_team_members_are_listed_in_the_order_printed(client, seed):
    teams = text(section(page(client, PROFILE), "teams"))
    team = teams[teams.index("KIO’s Technical Advisory Team") : teams.index("Official delegation team")]
    names = ["Gawlu La Awng", "Col. Sin Wah", "Sara Dau Hka", "Saranum Lu Nan", "Sara La Yeik"]
    assert [team.index(name) for name in names] == sorted(team.index(name) for name in names)
    assert team.index("Organisation member") < team.index("Civilian")
    committee = teams[teams.index("Joint committee") :]
    assert committee.index("Col. Than Aung – Leader") < committee.index("Col. Zau Tawng – Leader")


def test_the_profiles_figures_are_dated_first_then_in_printed_order(client, seed):
    table = section(page(client, PROFILE), "clashes")
    printed = [
        text(row.split('<td data-label="As published">')[-1]).split(" Editor's note")[0].split(" (Source")[0]
        for row in re.findall(r'<tr id="figure-\d+">(.*?)</tr>', table, re.DOTALL)
    ]
    assert printed[:9] == [
        "2,400 clashes (according to KIO)",
        "1095 clashes (according to government)",
        "13 clashes in 2019",
        "seven clashes in 2020",
        "138 clashes in 2021",
        "90 clashes in 2022",
        "One clash with the Shanni Nationalities Army (SNA) in 2022.",
        "2022 (March) – 17 clashes",
        "38 clashes in 2023 (as of March)",
    ]
    killed = printed.index("35 govt soldiers killed, 190 injured (according to govt figures)")
    assert printed[killed + 1] == printed[killed]
    assert printed[-1] == "1 power plant"


# --------------------------------------------------------------------------- 8. the 2022 chart


def test_the_clash_chart_names_the_2022_opponent_once_with_both_figures(client, seed):
    markup = page(client, "/en/clashes/")
    description = re.search(r'<desc id="clashes-kio-kia-desc">(.*?)</desc>', markup).group(1)
    assert (
        "2022: against Myanmar army troops: 90 / 17 as of March 2022; "
        "1 against Shanni Nationalities Army (SNA)." in html.unescape(description)
    )
    chart = re.search(r'<svg[^>]*aria-labelledby="clashes-kio-kia-title.*?</svg>', markup, re.DOTALL).group()
    labels = re.findall(r'<text class="chart-label"[^>]*>(.*?)</text>', chart)
    assert "against Tatmadaw, as of March 2022" not in labels
    assert labels[labels.index("against Myanmar army troops") + 1] == "as of March 2022"


# --------------------------------------------------------------------------- 9. a quotation once


def test_the_2022_decline_is_quoted_once_by_its_statement(client, seed):
    quotation = "We will only participate when the time comes"
    assert text(page(client, PROFILE)).count(quotation) == 2  # the summary, and the statement
    assert text(section(page(client, PROFILE), "statements")).count(quotation) == 1
    assert text(page(client, "/en/statements/")).count(quotation) == 1


# --------------------------------------------------------------------------- 10. sides


def test_meeting_23_says_its_government_side_is_not_applicable_as_printed(client, seed):
    shown = "not applicable (as printed: NA)"
    assert side_sections(meeting_page(client, 23))["Government side"] == [shown]
    assert profile_meeting_row(client, 23)[4] == shown
    assert representatives(client, 23).endswith(f"· Government side: {shown}")
    assert exported(client)[23]["government_side"] == shown


def test_the_meetings_list_says_which_side_each_representative_is_on(client, seed):
    assert (
        representatives(client, 2)
        == "Organisation side: Maj. Gen. Gun Maw + (4) · Government side: Col. Than Aung"
    )
    assert representatives(client, 23) == (
        "Organisation side: Col. James Lwan Daung (KIO Reps of IR); BRAT- U Mg Kyaw Nu (Chairperson) "
        "· Government side: not applicable (as printed: NA)"
    )


# --------------------------------------------------------------------------- 11. finding one's way


def test_the_profiles_section_list_links_every_section_and_each_section_links_back(client, seed):
    markup = page(client, PROFILE)
    contents = re.search(r'<nav class="toc".*?</nav>', markup, re.DOTALL).group()
    linked = re.findall(r'href="#([\w-]+)"', contents)
    sections = re.findall(r'<section id="([\w-]+)"', markup)
    assert {"contact", "mediators"} <= set(sections)
    assert [name for name in sections if name not in linked] == []
    assert '<nav class="toc" id="contents"' in markup
    for name in sections:
        assert 'href="#contents"' in section(markup, name), name


# --------------------------------------------------------------------------- 12. ACLED's names


def test_an_acled_file_with_acleds_actor_names_matches_the_seed_organisations(client, seed, tmp_path):
    periods = ("(1988-2011)", "(2011-2016)", "(2016-2021)", "(2021-)")
    rows = [
        acled_row(n, actor2=f"Military Forces of Myanmar {period}") for n, period in enumerate(periods, 1)
    ]
    path = tmp_path / "kachin.csv"
    path.write_bytes(acled_file(rows))
    call_command("import_clashes", str(path), "--strict")

    response = client.get("/en/clashes/events.csv")
    exported_rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [(row["actor1"], row["actor1_organisation"]) for row in exported_rows] == [
        ("KIA: Kachin Independence Army", "kio-kia")
    ] * 4
    assert {row["actor2"]: row["actor2_organisation"] for row in exported_rows} == {
        f"Military Forces of Myanmar {period}": "myanmar-military" for period in periods
    }


def test_the_feed_quotes_each_statement_once(client, seed):
    import html

    from negotiations.models import Statement

    feed = html.unescape(html.unescape(client.get("/en/statements/feed/").content.decode()))
    quoted = [s for s in Statement.objects.published() if s.quote and not s.shows_quote]
    assert quoted, "the seed has a statement whose summary already quotes it"
    for statement in quoted:
        assert feed.count(statement.quote) == 1
