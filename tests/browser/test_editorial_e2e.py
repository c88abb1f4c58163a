"""The editorial workflow end to end in Chromium: an editor writes, a moderator rejects, then approves."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from negotiations.models import Agreement, Meeting
from tests.hardening.people import admin_log_in, make_role_user

pytestmark = pytest.mark.browser

REJECTION = "The source dates this meeting 6 March, not 5 March."
PLACE_MY = "လိုင်ဇာ"
DETAILS_MY = "စစ်ဘေးရှောင်များ ပြန်လည်နေရာချထားရေး ဆွေးနွေးမှု။"


@pytest.fixture
def newsroom(transactional_db, browser, live_server):
    """The seed, an editor and a moderator, each in a browser of their own, and an anonymous reader."""
    call_command("load_seed", verbosity=0)
    make_role_user("editor")
    make_role_user("moderator")
    contexts = [browser.new_context(base_url=live_server.url, accept_downloads=True) for _ in range(3)]
    pages = []
    for context in contexts:
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
    editor, moderator, reader = pages
    admin_log_in(editor, "editor")
    admin_log_in(moderator, "moderator")
    yield editor, moderator, reader
    for context in contexts:
        context.close()


def choose(page, field, typed, option):
    """Pick a value in one of the admin's autocomplete (select2) boxes."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def submit_for_review(page):
    page.get_by_role("link", name="Review and publish").first.click()
    page.get_by_role("button", name="Submit for review").click()
    assert "in review" in page.locator("#content-main").inner_text()


def open_from_queue(page, item):
    page.goto(reverse("admin:index"))
    page.locator("#moderation-queue").get_by_role("link", name=item).click()


def test_a_meeting_goes_from_draft_through_rejection_to_the_public_list_and_export(newsroom):
    editor, moderator, reader = newsroom

    # The editor writes a meeting with two participants.
    editor.goto(reverse("admin:negotiations_meeting_add"))
    choose(editor, "organisation", "Kachin", "Kachin Independence Organisation")
    editor.get_by_label("Number").fill("24")
    editor.locator("#id_date").fill("2024-03-05")
    editor.locator("#id_date_precision").select_option("day")
    editor.locator("#id_place_en").fill("Laiza")
    editor.locator("#id_region_en").fill("Kachin State")
    editor.locator("#id_country_en").fill("Myanmar")
    editor.locator("#id_format").select_option("formal")
    editor.locator("#id_outcome").select_option("continue")
    editor.locator("#id_details_en").fill("Talks on the return of displaced people.")
    editor.locator("#id_place_my").fill(PLACE_MY)
    editor.locator("#id_details_my").fill(DETAILS_MY)
    editor.get_by_role("button", name="Add another Meeting participant").click()
    editor.get_by_role("button", name="Add another Meeting participant").click()
    editor.locator("#id_participants-0-side").select_option("organisation")
    editor.locator("#id_participants-0-label_en").fill("Gen. Gun Maw")
    editor.locator("#id_participants-1-side").select_option("government")
    editor.locator("#id_participants-1-label_en").fill("U Aung Min")
    editor.get_by_role("button", name="Save and continue editing").first.click()
    assert "Saved as a draft" in editor.locator(".messagelist").inner_text()
    meeting = Meeting.objects.get(number=24, organisation__slug="kio-kia")
    assert meeting.status == "draft"
    assert meeting.participants.count() == 2
    submit_for_review(editor)

    # And an agreement with two points from that meeting.
    editor.goto(reverse("admin:negotiations_agreement_add"))
    editor.locator("#id_title_en").fill("Laiza 2-point agreement")
    editor.locator("#id_kind").select_option("bilateral")
    choose(editor, "parties", "Kachin", "Kachin Independence Organisation")
    choose(editor, "meeting", "Laiza", "#24")
    editor.locator("#id_date").fill("2024-03-06")
    editor.get_by_role("button", name="Add another Agreement point").click()
    editor.get_by_role("button", name="Add another Agreement point").click()
    editor.locator("#id_points-0-number").fill("1")
    editor.locator("#id_points-0-text_en").fill("Both sides will help displaced people return.")
    editor.locator("#id_points-1-number").fill("2")
    editor.locator("#id_points-1-text_en").fill("Both sides will meet again within a month.")
    editor.get_by_role("button", name="Save and continue editing").first.click()
    agreement = Agreement.objects.get(title="Laiza 2-point agreement")
    assert list(agreement.points.values_list("number", flat=True)) == [1, 2]
    submit_for_review(editor)

    # The moderator rejects the meeting, with a comment.
    open_from_queue(moderator, "KIO/KIA meeting #24")
    moderator.get_by_label("Comment").fill(REJECTION)
    moderator.get_by_role("button", name="Reject (back to draft)").click()
    assert Meeting.objects.get(pk=meeting.pk).status == "draft"

    # The editor sees why, on the admin home page and on the meeting, fixes the date and resubmits.
    editor.goto(reverse("admin:index"))
    assert REJECTION in editor.get_by_role("row", name="KIO/KIA meeting #24").first.inner_text()
    editor.goto(reverse("admin:negotiations_meeting_change", args=[meeting.pk]))
    assert REJECTION in editor.locator(".errornote").inner_text()
    editor.locator("#id_date").fill("2024-03-06")
    editor.get_by_label("Note on this change").fill("Date corrected as the moderator asked.")
    editor.get_by_role("button", name="Save and continue editing").first.click()
    submit_for_review(editor)

    # The moderator approves both.
    open_from_queue(moderator, "KIO/KIA meeting #24")
    moderator.get_by_role("button", name="Approve and publish").click()
    open_from_queue(moderator, "Laiza 2-point agreement")
    moderator.get_by_role("button", name="Approve and publish").click()
    assert Meeting.objects.get(pk=meeting.pk).status == "published"
    assert Agreement.objects.get(pk=agreement.pk).status == "published"

    # A reader finds the meeting under the right filters, and in the CSV export of that list.
    reader.goto(reverse("negotiations:meeting-list"))
    reader.get_by_label("Organisation").select_option("kio-kia")
    reader.get_by_label("Year").fill("2024")
    reader.get_by_label("Location").fill("Laiza")
    reader.get_by_role("button", name="Apply filters").click()
    reader.wait_for_url("**/meetings/?*year=2024*")
    assert reader.get_by_role("status").first.inner_text() == "1 meeting found."
    row = reader.locator("table.meetings tbody tr")
    assert "6 March 2024" in row.inner_text()
    assert "U Aung Min" in row.inner_text()
    reader.goto(reverse("negotiations:meeting-list") + "?organisation=kio-kia&year=2024&format=informal")
    assert "6 March 2024" not in reader.locator("main").inner_text()

    reader.goto(reverse("negotiations:meeting-list") + "?organisation=kio-kia&year=2024&location=Laiza")
    with reader.expect_download() as download_info:
        reader.get_by_role("link", name="CSV (spreadsheet)").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        (exported,) = list(csv.DictReader(io.StringIO(handle.read())))
    assert exported["number"] == "24"
    assert exported["start_date"] == "2024-03-06"
    assert exported["place"] == "Laiza"
    assert exported["organisation_side"] == "Gen. Gun Maw"
    assert exported["government_side"] == "U Aung Min"
    assert exported["details"] == "Talks on the return of displaced people."

    reader.goto(meeting.get_absolute_url())
    assert "Laiza 2-point agreement" in reader.content()
    assert "Both sides will meet again within a month." in reader.content()

    # A Burmese reader reads the Burmese the editor wrote.
    with translation.override("my"):
        reader.goto(meeting.get_absolute_url())
    main = reader.locator("main").inner_text()
    assert PLACE_MY in main
    assert DETAILS_MY in main
    assert "Talks on the return of displaced people." not in main
