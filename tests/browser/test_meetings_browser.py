"""A reader filters meetings, pages through them, opens one and downloads the data, in Chromium."""

import csv
import io

import pytest
from django.core.management import call_command

from tests.factories import make_meeting, make_org

pytestmark = pytest.mark.browser


@pytest.fixture
def live_seed(transactional_db):
    call_command("load_seed", verbosity=0)


def test_reader_filters_meetings_by_location_and_sees_the_six_ruili_meetings(page, live_seed):
    page.goto("/en/meetings/")
    page.get_by_label("Location").fill("Ruili")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/meetings/?*location=Ruili*")
    assert page.get_by_role("status").first.inner_text() == "6 meetings found."
    assert page.locator("table.meetings tbody tr").count() == 6


def test_reader_sees_a_form_error_for_a_bad_year(page, live_seed):
    page.goto("/en/meetings/?year=twenty")
    assert page.get_by_role("alert").is_visible()
    assert "Enter a whole number" in page.get_by_role("alert").inner_text()


def test_reader_pages_through_results_and_the_filters_stay(page, transactional_db):
    org = make_org(slug="synthetic-org", acronym="SYN")
    for number in range(1, 61):
        make_meeting(org, number=number, place="Ruili", country="China")
    make_meeting(org, number=99, place="Elsewhere", country="Thailand")
    page.goto("/en/meetings/?country=China")
    assert "60 meetings found" in page.get_by_role("status").first.inner_text()
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert "country=China" in page.url
    assert page.get_by_label("Country").input_value() == "China"
    assert page.locator("table.meetings tbody tr").count() == 10
    assert "Elsewhere" not in page.content()


def test_reader_opens_a_meeting_and_reads_its_agreement_points(page, live_seed):
    page.goto("/en/meetings/?location=Myitkyina&year=2013")
    page.get_by_role("link", name="28–30 May 2013").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("28–30 May 2013")
    assert page.get_by_text(
        "The Government of Myanmar and the KIO agree to hold political dialogue."
    ).first.is_visible()
    page.get_by_role("link", name="Meeting 15").click()
    assert "8–10 October 2013" in page.get_by_role("heading", level=1).inner_text()


def test_reader_downloads_the_filtered_meetings_as_csv(page, live_seed):
    page.goto("/en/meetings/?location=Ruili")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (spreadsheet)").click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert sorted(int(row["number"]) for row in rows) == [5, 6, 7, 11, 12, 13]
