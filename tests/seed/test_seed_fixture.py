"""The seed fixture (fixtures/seed_kio.json) holds what the published KIO/KIA profile says, as it says it.

Strings below are copied from the seed, ../shared/seed/000_6460ef6c7ad7355a.txt.
"""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from negotiations.models import (
    Agreement,
    Development,
    Meeting,
    MeetingParticipant,
    RejectedInvitation,
    Statement,
)
from orgs.models import (
    AllianceMembership,
    ClashFigure,
    Office,
    Organisation,
    OrganisationAlias,
    Person,
    Role,
    Team,
)
from peacetracker.models import Citation, Source

# Every test reads the seed: loaded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module")]

SEED_TEXT = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_6460ef6c7ad7355a.txt"

DIRECTORY_SLUGS = {
    "kio-kia",
    "knu",
    "anc-aa",
    "absdf",
    "cnf-cna",
    "alp-ala",
    "dkba",
    "knpp-ka",
    "kuki-national-organization-burma",
    "ldu",
    "mndaa",
    "ndaa-ess",
    "nmsp",
    "nscn-k",
    "pnlo",
    "pslf-tnla",
    "rcss-ssa-south",
    "sspp-ssa-north",
    "ula-aa",
    "uwsp-uwsa",
}


def kio():
    return Organisation.objects.get(slug="kio-kia")


def meeting(number):
    return Meeting.objects.get(organisation__slug="kio-kia", number=number)


def d(text):
    return datetime.date.fromisoformat(text)


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("model", "count"),
    [
        (Meeting, 23),
        (RejectedInvitation, 4),
        (Agreement, 6),
        (Source, 2),
    ],
)
def test_seed_has_the_number_of_rows_the_profile_lists(seed, model, count):
    assert model.objects.count() == count


def test_directory_has_kio_and_each_listed_organisation_once(seed):
    # The list at the foot of the page prints KNU, ANC/AA, ABSDF and CNF/CNA twice.
    directory = Organisation.objects.filter(slug__in=DIRECTORY_SLUGS)
    assert directory.count() == 20
    assert set(directory.values_list("kind", flat=True)) == {"armed"}
    assert Organisation.objects.filter(name="Karen National Union").count() == 1


def test_the_only_other_armed_organisation_is_the_sna_the_kio_clashed_with(seed):
    others = Organisation.objects.filter(kind="armed").exclude(slug__in=DIRECTORY_SLUGS)
    assert [o.name for o in others] == ["Shanni Nationalities Army"]


@pytest.mark.parametrize(
    ("slug", "name", "acronym"),
    [
        ("knu", "Karen National Union", "KNU"),
        ("anc-aa", "Arakan National Council", "ANC/AA"),
        ("absdf", "All Burma Students’ Democratic Front", "ABSDF"),
        ("kuki-national-organization-burma", "Kuki National Organization (Burma)", ""),
        ("ndaa-ess", "National Democratic Alliance Army-Eastern Shan State", "NDAA-ESS"),
        ("rcss-ssa-south", "The Restoration Council of Shan State", "RCSS/SSA – South"),
        ("sspp-ssa-north", "Shan State Progress Party/Shan State Army", "SSPP/SSA – North"),
        # Expanded (issue 17): the directory prints only the acronym; see fixtures/README.md.
        ("uwsp-uwsa", "United Wa State Party/United Wa State Army", "UWSP/UWSA"),
    ],
)
def test_directory_entries_keep_name_and_acronym_as_printed(seed, slug, name, acronym):
    org = Organisation.objects.get(slug=slug)
    assert (org.name, org.acronym, org.kind, org.nca_status) == (name, acronym, "armed", "unknown")


@pytest.mark.parametrize(
    ("alias", "slug"),
    [("UWSA", "uwsp-uwsa"), ("SSPP", "sspp-ssa-north"), ("RCSS", "rcss-ssa-south"), ("NDAA", "ndaa-ess")],
)
def test_short_forms_in_the_text_are_aliases_of_the_directory_entries(seed, alias, slug):
    assert OrganisationAlias.objects.get(name=alias).organisation.slug == slug


# --------------------------------------------------------------------------- the KIO profile


def test_kio_is_founded_on_5_february_1961_to_the_day(seed):
    org = kio()
    assert org.founded == d("1961-02-05")
    assert org.founded_precision == "day"


def test_kio_profile_fields_are_as_published(seed):
    org = kio()
    assert org.name == "Kachin Independence Organisation"
    assert org.armed_wing == "Kachin Independence Army"
    assert org.acronym == "KIO/KIA"
    assert org.profile_title == "Kachin Independence Army (KIO/KIA) (2022 – 2023)"
    assert org.headquarters == "Laiza, Kachin State"
    assert org.active_territories == "Kachin State and Northern Shan State"
    assert (org.strength_text, org.strength, org.brigades) == ("More than 12,000 (8 brigades)", 12000, 8)
    assert org.nca_status == "non_signatory"
    assert "the KIO rejected President Thein Sein’s overture to sign the Nationwide Ceasefire Agreement" in (
        org.nca_note
    )
    assert org.website == "http://kachinnet.net"


def test_kio_summary_is_the_narrative_without_footnote_numbers(seed):
    summary = kio().summary
    assert summary.startswith(
        "The Kachin Independence Organization/Kachin Independence Army (KIO/ KIA), which"
    )
    assert "on an equal footing.”\n\n" in summary
    assert (
        "jointly established Kachin State Comprehensive University (KSCU) with the NUG. As the KIO" in summary
    )
    assert summary.endswith("to avoid helping the regime to find a way out.")
    for marker in ("73", "74", "75", "76"):
        assert marker not in summary


def test_hidden_emails_are_not_stored_as_addresses(seed):
    for slug in ("kio-kia", "peace-talk-creation-group"):
        org = Organisation.objects.get(slug=slug)
        assert org.email == ""
        assert "[email protected]" in org.contacts_note


def test_kio_aliases_match_the_names_used_in_data(seed):
    assert set(kio().aliases.values_list("name", flat=True)) == {
        "KIA",
        "KIA: Kachin Independence Army",  # ACLED's actor name
        "KIO",
        "KIO/KIA",
        "Kachin Independence Army",
        "Kachin Independence Organization",
        "Kachin Independence Organisation",
        "ကချင်လွတ်မြောက်ရေးအဖွဲ့",
        "ကချင်လွတ်မြောက်ရေးတပ်မတော်",
    }


def test_kio_leaders_are_listed_with_their_titles_in_order(seed):
    leaders = Role.objects.filter(organisation__slug="kio-kia", is_leadership=True).order_by("order")
    assert [(r.person.honorific, r.person.name, r.title) for r in leaders] == [
        ("Gen.", "N’Ban La", "Chairman"),
        ("", "Gam Shawng", "Vice-chairman"),
        ("", "Kumhtat Hting Nan", "General Secretary"),
    ]
    assert all(r.started is None and r.ended is None for r in leaders)


def test_gun_maw_is_vice_chairman_of_the_kic_as_a_lieutenant_general(seed):
    gun_maw = Person.objects.get(slug="gun-maw")
    assert gun_maw.honorific == "Lt. Gen."
    assert gun_maw.roles.get().title == "Vice Chairman, Kachin Independence Council (KIC)"
    assert set(gun_maw.aliases.values_list("name", flat=True)) >= {"Maj. Gen. Gun Maw", "Maj.Gen. Gun Maw"}


def test_spokesman_and_foreign_relations_titles_are_kept(seed):
    assert Role.objects.get(person__slug="la-nan").title == "Spokesman"
    assert (
        Role.objects.get(person__slug="gawlu-la-awng").title
        == "deputy director of the foreign Relations department"
    )


@pytest.mark.parametrize(
    ("slug", "alias"),
    [
        ("aung-min", "U Aung Min"),
        ("sumlut-gam", "U SuamLut Gam"),
        ("zau-tawng", "Col Zaw Taung"),
        ("harn-yawnghwe", "HarnYawnghwe"),
        ("harn-yawnghwe", "HarnYawngwe"),
        ("lahpai-zau-raw", "Col. LahpaiZau Raw"),
        ("lahpai-zau-raw", "Col. Laphai Zau Raw"),
        ("myint-soe", "Lt. Gen. MyintSoe"),
    ],
)
def test_one_person_spelled_differently_has_aliases(seed, slug, alias):
    assert Person.objects.get(aliases__name=alias).slug == slug


def test_people_whose_identity_is_uncertain_are_kept_apart_with_a_note(seed):
    liam = Person.objects.get(name="Min Zai Dau Liam")
    lum = Person.objects.get(name="Min Zai Dau Lum")
    assert liam.pk != lum.pk
    assert "Min Zai Dau Lum" in liam.editor_note
    assert "Min Zai Dau Liam" in lum.editor_note


# --------------------------------------------------------------------------- meetings


@pytest.mark.parametrize(
    ("number", "date_text", "start", "end", "place", "country"),
    [
        (1, "17/06/11", "2011-06-17", None, "Laiza", "Myanmar"),
        (3, "01-02/08/11", "2011-08-01", "2011-08-02", "Laja Yang", "Myanmar"),
        (4, "19/11/11", "2011-11-19", None, "Mae Sai", "Thailand"),
        (7, "8,9,10/03/12", "2012-03-08", "2012-03-10", "Ruili", "China"),
        (8, "21/05/12", "2012-05-21", None, "Chiang Rai", "Thailand"),
        (9, "1/06/12", "2012-06-01", None, "Maija Yang", "Myanmar"),
        (12, "4/02/13", "2013-02-04", None, "Ruili", "China"),
        (14, "28-30/05/13", "2013-05-28", "2013-05-30", "Myitkyina", "Myanmar"),
        (15, "08-10/10/13", "2013-10-08", "2013-10-10", "Myitkyina", "Myanmar"),
        (21, "12/08/2014", "2014-08-12", None, "Myitkyina", "Myanmar"),
        (23, "10/09/2014", "2014-09-10", None, "Bangkok", "Thailand"),
    ],
)
def test_meeting_dates_and_places_follow_the_printed_row(seed, number, date_text, start, end, place, country):
    m = meeting(number)
    assert m.date_text == date_text
    assert (m.date, m.end_date, m.date_precision) == (d(start), d(end) if end else None, "day")
    assert (m.place, m.country) == (place, country)


def test_meeting_3_is_1_to_2_august_2011_in_laja_yang(seed):
    m = meeting(3)
    assert m.display_date == "1–2 August 2011"
    assert m.location_text == "Laja Yang village, Kachin state"
    assert m.outcome == "continue"


def test_meeting_7_is_8_to_10_march_2012_in_ruili_with_a_joint_statement(seed):
    m = meeting(7)
    assert m.display_date == "8–10 March 2012"
    assert m.location_text == "Ruili, China"
    assert m.outcome == "joint_statement"


def test_maija_yang_is_placed_in_kachin_state_and_keeps_its_printed_location(seed):
    for number in (9, 10):
        m = meeting(number)
        assert (m.place, m.region, m.country, m.location_text) == (
            "Maija Yang",
            "Kachin State",
            "Myanmar",
            "Maija Yang",
        )


def test_exactly_six_meetings_are_in_ruili(seed):
    numbers = Meeting.objects.filter(place="Ruili", country="China").values_list("number", flat=True)
    assert sorted(numbers) == [5, 6, 7, 11, 12, 13]


@pytest.mark.parametrize(
    ("number", "fmt"),
    [(4, "informal"), (5, "delegation"), (18, "formal"), (22, "crisis"), (2, "unstated")],
)
def test_meeting_format_is_what_the_text_says(seed, number, fmt):
    assert meeting(number).format == fmt


def test_meeting_details_keep_the_printed_text(seed):
    assert meeting(2).details == "They discussed about ceasefire."
    assert meeting(22).details == "crisis resolve"
    assert meeting(12).details == ""
    assert meeting(6).details.endswith("attacking their frontline position while talks were going on")


def test_meeting_23_keeps_its_printed_date_and_notes_2_march(seed):
    m = meeting(23)
    assert m.date == d("2014-09-10")
    assert "2 March" in m.editor_note
    assert "in Bangkok on 2nd March." in m.details


def test_meetings_16_and_17_keep_their_numbers_though_they_came_before_15(seed):
    assert meeting(16).date < meeting(15).date
    assert meeting(17).date < meeting(15).date
    assert "before" in meeting(16).editor_note
    assert "before" in meeting(17).editor_note


def test_meeting_15_delegate_counts_are_kept_though_they_do_not_add_up(seed):
    m = meeting(15)
    assert (m.delegates_government, m.delegates_organisation, m.delegates_others, m.delegates_total) == (
        30,
        53,
        24,
        115,
    )
    assert m.delegates_text == "30 from govt/ 53 from KIO/ 24 from ethnic armed groups/ and CSOs/ total 115"
    assert "107" in m.editor_note


def test_meeting_14_delegate_counts_are_read_from_the_columns_with_a_note(seed):
    m = meeting(14)
    assert (m.delegates_organisation, m.delegates_government) == (48, 44)
    # The page prints no delegates line for meeting 14 (issue 17).
    assert m.delegates_text == ""
    assert "inference" in m.editor_note


def test_meeting_6_has_sumlut_gam_and_11_unnamed_others(seed):
    p = meeting(6).participants.get(side="organisation")
    assert p.person.slug == "sumlut-gam"
    assert p.label == "Sumlut Gam + (11)"
    assert p.unnamed_others == 11


def test_meeting_13_observers_are_kept_in_printed_order(seed):
    observers = meeting(13).participants.filter(side="observer").order_by("order")
    assert [(o.label, o.headcount) for o in observers] == [
        ("4 from UNFC", 4),
        ("2 from SSPP", 2),
        ("2 from RCSS", 2),
        ("2 from NDAA", 2),
        ("4 from PCG", 4),
        ("Minister-Counselor Mr. Wang Zongying of the Ministry of Foreign Affairs of the PRC", None),
        ("2 from the PRC", 2),
    ]
    assert observers[0].body.slug == "unfc"
    assert observers[1].body.slug == "sspp-ssa-north"
    assert observers[5].person.slug == "wang-zongying"


def test_meeting_4_individual_participants_are_other_participants(seed):
    others = meeting(4).participants.filter(side="other").order_by("order")
    assert [o.person.slug for o in others] == [
        "nay-win-maung",
        "kyaw-yin-hlaing",
        "tin-maung-than",
        "harn-yawnghwe",
    ]
    assert others[3].role == "executive director of the Brussels-based Euro-Burma Office"


def test_meeting_22_keeps_col_zaw_taung_on_the_government_side_as_printed(seed):
    p = meeting(22).participants.get(person__slug="zau-tawng")
    assert p.side == "government"
    assert p.label == "Col Zaw Taung, a leader of the KIO negotiation team"
    assert "Zaw Taung" in meeting(22).editor_note


def test_meeting_17_keeps_both_bodies_under_the_printed_label(seed):
    rows = meeting(17).participants.filter(side="government").order_by("order")
    assert [(p.label, p.body.slug) for p in rows] == [("UPWC – MPC", "upwc"), ("UPWC – MPC", "mpc")]


def test_meeting_22_government_officials_are_linked_to_the_ministry_named(seed):
    p = meeting(22).participants.get(label__startswith="Government officials")
    assert p.body.slug == "ministry-of-border-affairs-and-security-in-kachin-state"


def test_meeting_23_govt_rep_na_is_a_government_row_standing_for_no_one(seed):
    p = meeting(23).participants.get(side="government")
    assert (p.label, p.headcount, p.person, p.body) == ("NA", 0, None, None)


def test_u_thein_zaw_is_a_person_but_not_a_participant_of_meeting_1(seed):
    thein_zaw = Person.objects.get(slug="thein-zaw")
    assert thein_zaw.description == "MP and former military general."
    assert "sent by U TheinZaw" in thein_zaw.editor_note
    assert not thein_zaw.meeting_participations.exists()
    assert "not recorded as a participant" in meeting(1).editor_note


def test_person_pages_can_list_every_meeting_attended(seed):
    attended = {
        slug: set(
            MeetingParticipant.objects.filter(person__slug=slug).values_list("meeting__number", flat=True)
        )
        for slug in ("sumlut-gam", "gun-maw", "aung-min", "than-aung", "zau-tawng", "nban-la")
    }
    assert attended["sumlut-gam"] == {5, 6, 7, 9, 10, 11, 12, 13, 14, 15}
    assert attended["gun-maw"] == {2, 3, 8, 12, 13, 14, 15}
    assert attended["aung-min"] == {4, 8, 9, 10, 11, 12, 13, 14, 15}
    assert attended["than-aung"] == {2, 3, 20, 21, 22}
    assert attended["zau-tawng"] == {15, 21, 22}
    assert attended["nban-la"] == {4}


def test_every_participant_row_names_someone_as_printed(seed):
    assert not MeetingParticipant.objects.filter(label="").exists()


# --------------------------------------------------------------------------- agreements


def test_agreements_have_the_points_the_profile_lists(seed):
    counts = {a.date_text: (a.point_count, a.points.count()) for a in Agreement.objects.all()}
    assert counts["28-30/05/13"] == (7, 7)
    assert counts["10 Oct 2013"] == (7, 7)
    assert counts["8,9,10/03/12"] == (5, 4)
    assert counts["11-12/03/13"] == (5, 0)


def test_march_2012_joint_statement_says_only_four_of_five_points_are_listed(seed):
    statement = Agreement.objects.get(meeting__number=7)
    assert statement.kind == "joint_statement"
    assert list(statement.points.values_list("text", flat=True)) == [
        "continue political dialogue",
        "building trust",
        "a drawdown in troop levels",
        "coordination of military activities in the conflict zone",
    ]
    assert "some of" in statement.editor_note


def test_may_2013_agreement_points_are_printed_text(seed):
    points = Agreement.objects.get(meeting__number=14).points.order_by("number")
    assert points[0].text == "The Government of Myanmar and the KIO agree to hold political dialogue."
    assert points[4].text == (
        "The Parties agree to continue discussions on military issued related to repositioning of troops."
    )
    assert points[6].text.endswith(
        "the Parties also agreed to invite these additional observers in consultation with each other."
    )


def test_october_2013_preliminary_agreement_is_one_row_with_seven_points(seed):
    agreement = Agreement.objects.get(kind="preliminary")
    assert agreement.date == d("2013-10-10")
    assert agreement.meeting.number == 15
    assert [p.text for p in agreement.points.order_by("number")][2] == (
        "two technical teams working together to implement pilot projects for resettlement of IDPs"
    )
    assert "Union level Bilateral agreement (for Conflict reduction)" in agreement.summary
    assert set(agreement.parties.values_list("slug", flat=True)) == {"kio-kia", "upwc"}


def test_1994_ceasefire_with_slorc(seed):
    ceasefire = Agreement.objects.get(kind="ceasefire")
    assert ceasefire.date == d("1994-02-24")
    assert set(ceasefire.parties.values_list("acronym", flat=True)) == {"KIO/KIA", "SLORC"}


def test_may_2014_joint_statement_comes_from_meeting_18(seed):
    statement = Agreement.objects.get(meeting__number=18)
    assert (statement.kind, statement.date) == ("joint_statement", d("2014-05-13"))


# --------------------------------------------------------------------------- rejected invitations


def test_rejected_invitations_keep_the_printed_order_and_dates(seed):
    rows = RejectedInvitation.objects.order_by("pk")
    assert [r.date_text for r in rows] == ["01/06/2011", "09/07/2012", "25/08/2012", "15/04/2012"]
    assert "printed after" in rows[3].editor_note.lower()


def test_rejected_naypyidaw_invitation_has_inviter_venue_and_reason(seed):
    row = RejectedInvitation.objects.get(date_text="25/08/2012")
    assert row.invited_by.slug == "myanmar-government"
    assert row.proposed_venue == "Naypyidaw"
    assert "while its own headquarters remains under siege" in row.reason
    assert row.description.startswith("KIO rejected an invitation from the government to hold peace talks")


def test_bhamo_refusal_gives_the_offensive_as_reason(seed):
    row = RejectedInvitation.objects.get(date_text="09/07/2012")
    assert row.proposed_venue == "Bhamo"
    assert row.reason == "an army offensive launched during the weekend near Laiza"


# --------------------------------------------------------------------------- clash figures


def test_disputed_2012_tallies_are_two_rows_with_different_claimants(seed):
    rows = ClashFigure.objects.filter(year=2012, kind="clashes").order_by("-count")
    assert [(r.count, r.claimed_by.slug, r.claimed_by_text) for r in rows] == [
        (2400, "kio-kia", "KIO"),
        (1095, "myanmar-government", "government"),
    ]


def test_2023_figure_is_partial_as_of_march(seed):
    row = ClashFigure.objects.get(year=2023)
    assert (row.count, row.as_of, row.as_of_precision) == (38, d("2023-03-01"), "month")
    assert row.printed_as == "38 clashes in 2023 (as of March)"
    assert row.is_partial


def test_both_2022_figures_are_kept_the_17_as_of_march(seed):
    rows = ClashFigure.objects.filter(year=2022, opponent__slug="myanmar-military").order_by("count")
    assert [(r.count, r.as_of) for r in rows] == [(17, d("2022-03-01")), (90, None)]
    assert rows[0].printed_as == "2022 (March) – 17 clashes"


def test_yearly_clash_figures_printed_twice_are_stored_once(seed):
    for year, count in ((2019, 13), (2020, 7), (2021, 138)):
        assert list(ClashFigure.objects.filter(year=year).values_list("count", flat=True)) == [count]


def test_one_clash_with_the_sna_in_2022(seed):
    row = ClashFigure.objects.get(opponent__acronym="SNA")
    assert (row.year, row.count) == (2022, 1)


def test_casualty_and_displacement_figures_keep_qualifiers_and_ranges(seed):
    kia = ClashFigure.objects.get(subject="KIA soldiers")
    assert (kia.count, kia.qualifier, kia.period_text) == (700, "at_least", "since October, 2012")
    toll = ClashFigure.objects.get(count_high=10000)
    assert (toll.count, toll.claimed_by_text) == (5000, "anonymous source close to KIO")
    idps = ClashFigure.objects.get(kind="displaced")
    assert (idps.count, idps.qualifier) == (100000, "more_than")
    assert ClashFigure.objects.get(kind="injuries").count == 190
    assert ClashFigure.objects.get(kind="deaths", subject="govt soldiers").count == 35
    assert ClashFigure.objects.get(subject="communication towers").count is None


# --------------------------------------------------------------------------- statements and developments


def test_multi_date_statement_is_one_row_dated_by_the_earliest(seed):
    row = Statement.objects.get(date_text="26/09/2011, 01/05/2012, 15/05/2012")
    assert row.date == d("2011-09-26")
    assert row.kind == "appeal"
    assert "U.N. Secretary-General Ban Ki-moon" in row.summary


def test_undated_statement_has_unknown_precision(seed):
    row = Statement.objects.get(summary__startswith="the government and ethnic Kachin rebels are blaming")
    assert (row.date, row.date_precision) == (None, "unknown")


def test_dated_statement_lines_are_kept(seed):
    row = Statement.objects.get(date_text="Mar 11, 2015")
    assert row.title == "KIO released a statement on students protest in Letpadan"
    assert row.date == d("2015-03-11")
    assert Statement.objects.get(date_text="Mar 28, 2014").kind == "interview"


def test_2022_decline_is_a_statement_with_its_quotation_citing_footnote_73(seed):
    row = Statement.objects.get(quote__startswith="We will only participate when the time comes")
    assert row.quote.endswith("discuss the affairs of the nation on an equal footing.")
    assert row.citations.get().locator == "footnote 73"


def test_martyrs_day_speech_is_by_nban_la(seed):
    row = Statement.objects.get(date=d("2023-08-10"))
    assert (row.kind, row.speaker.slug) == ("speech", "nban-la")


def test_may_28_developments_have_no_year(seed):
    rows = Development.objects.filter(date_text="May 28")
    assert rows.count() == 2
    for row in rows:
        assert (row.date, row.date_precision) == (None, "unknown")
        assert "28 May 2014" in row.editor_note


def test_unfc_withdrawal_is_20_to_23_june_2017(seed):
    row = Development.objects.get(date_text="20-23 June 2017")
    assert (row.date, row.end_date) == (d("2017-06-20"), d("2017-06-23"))


def test_airstrike_of_23_october_2022_cites_footnote_76(seed):
    row = Development.objects.get(date=d("2022-10-23"))
    assert "ANang Pa area" in row.text
    assert row.citations.get().locator == "footnote 76"


# --------------------------------------------------------------------------- alliances, offices, teams


def test_alliance_memberships_follow_the_alliances_box(seed):
    rows = {m.alliance.acronym or m.alliance.name: m for m in AllianceMembership.objects.filter(member=kio())}
    for acronym in ("UNFC", "NCCT", "SD", "DPN"):
        row = rows[acronym]
        assert (row.joined, row.left, row.joined_precision, row.period_text) == (
            d("2009-01-01"),
            d("2015-01-01"),
            "year",
            "2009 to 2015",
        )
        assert not row.is_current
    assert "20–23 June 2017" in rows["UNFC"].note
    assert rows["FPNCC"].is_current and rows["FPNCC"].period_text == "2017 to current"
    assert rows["Northern Alliance – Burma"].role == "leads"
    assert rows["C3C"].is_current and rows["C3C"].joined is None


def test_fpncc_is_led_by_the_uwsa_and_was_founded_19_april_2017(seed):
    fpncc = Organisation.objects.get(acronym="FPNCC")
    assert fpncc.led_by.slug == "uwsp-uwsa"
    assert fpncc.founded == d("2017-04-19")


def test_justice_and_negotiation_center(seed):
    centre = Office.objects.get(name="KIO Justice and Negotiation center")
    assert centre.kind == "centre"
    assert centre.address == "Prang Ngawn village, Loijay Township, Kachin State, Myanmar"
    # 18/09/2012 is the date of the report, not of the opening (issue 17).
    assert (centre.opened, centre.opened_precision) == (None, "unknown")
    assert "The center has not yet been be used for peace talks." in centre.description


def test_conflict_resolution_team_sides_are_unstated(seed):
    crt = Team.objects.get(acronym="CRT")
    assert crt.formed_text == "after the 2013 agreement"
    members = crt.members.order_by("order")
    assert [m.printed_as for m in members] == [
        "Brigadier General Zau Htaung",
        "Lieutenant Colonel Naw Li",
        "U Dau Kha",
        "U La Rip",
        "Min Zai Dau Liam",
    ]
    assert set(members.values_list("side", flat=True)) == {"unstated"}
    assert members[0].role == "Leader"


def test_technical_advisory_team_has_four_kio_members_and_four_civilians(seed):
    team = Team.objects.get(name="KIO’s Technical Advisory Team")
    assert team.location == "No. NR/114, Shatapru ward, Myitkyina Township, Kachin State"
    assert (team.formed, team.formed_precision) == (d("2013-07-01"), "month")
    assert team.members.filter(side="organisation").count() == 4
    assert team.members.filter(side="civilian").count() == 4
    assert team.members.get(person__slug="gawlu-la-awng").position == (
        "deputy director of the foreign Relations department"
    )


def test_team_members_keep_the_printed_order(seed):
    team = Team.objects.get(name="KIO’s Technical Advisory Team")
    assert [m.side for m in team.members.all()] == ["organisation"] * 4 + ["civilian"] * 4


def test_figures_are_ordered_by_year_undated_last_then_as_printed(seed):
    printed = list(ClashFigure.objects.values_list("year", "count"))
    assert printed[6:8] == [(2022, 1), (2022, 17)]
    assert printed[-9:-7] == [(None, 35), (None, 190)]


def test_the_military_is_known_by_acleds_names_for_its_periods(seed):
    names = set(Organisation.objects.get(slug="myanmar-military").aliases.values_list("name", flat=True))
    assert {
        f"Military Forces of Myanmar {period}" for period in ("(2011-2016)", "(2016-2021)", "(2021-)")
    } <= names


def test_official_delegation_team_is_rotational(seed):
    assert Team.objects.get(name="Official delegation team").description == "Rotational"


def test_joint_committee_has_a_leader_for_each_side_and_is_formed_after_the_meeting(seed):
    team = Team.objects.get(name="Joint committee")
    leaders = [(m.side, m.person.slug) for m in team.members.filter(role="Leader")]
    assert leaders == [("government", "than-aung"), ("organisation", "zau-tawng")]
    assert "5 from each side" in team.description
    assert (team.formed, team.formed_precision, team.formed_text) == (None, "unknown", "after the meeting")


# --------------------------------------------------------------------------- moderation and sources


def _moderated_models():
    from peacetracker.moderation import Moderated

    return [m for m in apps.get_models() if issubclass(m, Moderated)]


def test_all_moderated_content_is_published(seed):
    for model in _moderated_models():
        assert model.objects.exists(), model
        assert not model.objects.exclude(status="published").exists(), model


def test_all_moderated_rows_carry_the_capture_timestamp(seed):
    stamp = datetime.datetime(2024, 9, 17, tzinfo=datetime.UTC)
    for model in _moderated_models():
        assert set(model.objects.values_list("created_at", flat=True)) == {stamp}, model


@pytest.mark.parametrize(
    "model",
    [Organisation, Person, Meeting, Agreement, RejectedInvitation, Statement, Development, ClashFigure],
)
def test_every_row_cites_the_profile(seed, model):
    content_type = ContentType.objects.get_for_model(model)
    cited = set(
        Citation.objects.filter(content_type=content_type, source_id=1).values_list("object_id", flat=True)
    )
    assert set(model.objects.values_list("pk", flat=True)) <= cited


def test_sources_are_the_profile_and_the_reference_guide(seed):
    profile = Source.objects.get(pk=1)
    assert profile.title == "Kachin Independence Army (KIO/KIA) (2022 – 2023)"
    assert profile.note == "Published profile as captured on 17 September 2024."
    assert Source.objects.get(pk=2).title == (
        "Deciphering Myanmar’s Peace Process – A Reference Guide (2022 – 2023)"
    )
    assert kio().citations.filter(source_id=2).exists()


def test_kio_cites_footnotes_73_to_76(seed):
    locators = set(kio().citations.values_list("locator", flat=True))
    assert {"footnote 73", "footnote 74", "footnote 75", "footnote 76"} <= locators


def test_every_seed_row_passes_model_validation(seed):
    for model in apps.get_models():
        if model._meta.app_label not in {"orgs", "negotiations", "peacetracker"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for obj in model.objects.all():
            obj.full_clean()


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed text is not checked out beside the project")
def test_text_stored_as_published_occurs_verbatim_in_the_seed(seed):
    text = SEED_TEXT.read_text(encoding="utf-8")
    printed = []
    for model in (Meeting, Agreement, RejectedInvitation, Statement, Development):
        printed += [t for t in model.objects.values_list("date_text", flat=True) if t]
    printed += list(Meeting.objects.values_list("details", flat=True))
    printed += list(Meeting.objects.values_list("location_text", flat=True))
    printed += list(MeetingParticipant.objects.values_list("label", flat=True))
    printed += list(RejectedInvitation.objects.values_list("description", flat=True))
    printed += list(ClashFigure.objects.values_list("printed_as", flat=True))
    printed += [p.text for a in Agreement.objects.all() for p in a.points.all()]
    missing = [t for t in printed if t not in text]
    assert missing == []


def test_peace_talk_creation_group_mediates_between_the_kio_and_the_government(seed):
    pcg = Organisation.objects.get(slug="peace-talk-creation-group")
    assert pcg.kind == "mediator"
    assert set(pcg.mediates_for.values_list("slug", flat=True)) == {"kio-kia", "myanmar-government"}
    assert pcg.links.get(label="Facebook").url == "https://www.facebook.com/PeaceTalkCreation-Group"
    assert pcg.website == "http://peace-talkcreationgroup.com/"
    assert "7-member official documentation team" in pcg.summary
