"""A data officer imports ACLED events in Chromium: a bad row refused, the file fixed, confirmed, shown."""

import pytest
from django.urls import reverse

from orgs.models import ClashEvent, OrganisationAlias
from tests.factories import make_org
from tests.hardening.people import admin_log_in, make_role_user
from tests.imports.files import acled_file, acled_row

pytestmark = pytest.mark.browser

NOTES = {n: f"Browser import event {n}: fighting near Laiza." for n in (1, 2, 3)}


def events_file(tmp_path, bad_latitude=None):
    """Three ACLED events; the second with the given latitude when one is given."""
    rows = [acled_row(90000 + n, notes=NOTES[n], location="Laiza") for n in (1, 2, 3)]
    if bad_latitude is not None:
        rows[1]["latitude"] = bad_latitude
    path = tmp_path / ("acled-bad.csv" if bad_latitude else "acled-fixed.csv")
    path.write_bytes(acled_file(rows, bom=True, newline="\r\n"))
    return path


def check_file(page, path):
    page.goto(reverse("admin:orgs_clashevent_import"))
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.locator(".import-report").wait_for()


@pytest.fixture
def officer_page(page, transactional_db):
    """A data officer logged in through the admin's login form, with the organisations ACLED names."""
    make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-browser")
    military = make_org(name="Tatmadaw", slug="tatmadaw-browser", kind="government")
    OrganisationAlias.objects.create(organisation=military, name="Military Forces of Myanmar")
    make_role_user("data_officer")
    admin_log_in(page, "data_officer")
    return page


def test_data_officer_fixes_a_bad_row_then_imports_and_readers_see_the_events(officer_page, tmp_path):
    page = officer_page

    check_file(page, events_file(tmp_path, bad_latitude="123.5"))
    report = page.locator(".import-report")
    assert "This file cannot be imported" in report.get_by_role("heading").first.inner_text()
    assert report.locator(".import-count-invalid").inner_text() == "1"
    problem = report.locator("table.import-problems tbody tr")
    assert problem.count() == 1
    line, column, reason = (cell.inner_text() for cell in problem.locator("td").all())
    assert (line, column) == ("3", "latitude")
    assert reason == "123.5 is outside -90 to 90"
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert not ClashEvent.objects.exists()

    check_file(page, events_file(tmp_path))
    assert page.locator(".import-count-new").inner_text() == "3"
    assert page.locator("table.import-problems").count() == 0
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url("**/importbatch/*/change/")
    assert "3 rows read: 3 new" in page.locator(".messagelist").inner_text()

    page.goto(reverse("orgs:clashes"))
    events = page.locator("table.events tbody tr")
    assert events.count() == 3
    listed = page.locator("table.events").inner_text()
    assert all(note in listed for note in NOTES.values())
    assert "Kachin Independence Army" in events.first.inner_text()

    event = ClashEvent.objects.get(event_id_cnty="MMR90002")
    page.goto(event.get_absolute_url())
    assert "Laiza" in page.get_by_role("heading", level=1).inner_text()
    assert NOTES[2] in page.locator(".prose").inner_text()
    assert page.get_by_role("link", name="Military Forces of Myanmar (2021-)").is_visible()
