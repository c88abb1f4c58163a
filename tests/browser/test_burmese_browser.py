"""The Burmese site in Chromium: the Myanmar font is served by the site and used, and the pages are captured.

Full-page screenshots go to test-results/burmese/ (ignored by git) for a person to look at.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "burmese"
FONT_LOADED = """() => document.fonts.ready.then(() => [
    document.fonts.check('16px "PeaceTracker Myanmar"', 'ကချင်'),
    [...document.fonts].filter((f) => f.family.includes('PeaceTracker Myanmar') && f.status === 'loaded')
        .length,
])"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def live_seed(transactional_db):
    call_command("load_seed", verbosity=0)


def font_requests(page):
    """The font files the page fetched, with their HTTP status, filled in as the page loads."""
    fetched = {}
    page.on(
        "response",
        lambda r: fetched.__setitem__(r.url.rsplit("/", 1)[-1], r.status) if "/fonts/" in r.url else None,
    )
    return fetched


@pytest.mark.parametrize(
    ("path", "name", "heading"),
    [
        ("/my/organisations/kio-kia/", "profile-kio-kia", "အကျဉ်းချုပ်"),
        ("/my/meetings/", "meetings", "တွေ့ဆုံဆွေးနွေးပွဲများ"),
    ],
)
@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_burmese_page_uses_the_sites_myanmar_font_and_is_captured(
    page, live_seed, path, name, heading, width, height
):
    fetched = font_requests(page)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(path)
    page.wait_for_load_state("networkidle")

    assert page.locator("html").get_attribute("lang") == "my"
    assert page.get_by_role("heading", name=heading).first.is_visible()
    checked, loaded_faces = page.evaluate(FONT_LOADED)
    assert checked and loaded_faces >= 1
    assert fetched.get("PadaukBook-Regular.woff2") == 200, fetched
    assert page.evaluate(OVERFLOW) <= 0, "the page scrolls sideways"

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_reader_switches_language_and_keeps_the_filters(page, live_seed):
    page.goto("/en/meetings/?location=Ruili")
    page.get_by_role("link", name="မြန်မာဘာသာ").click()
    page.wait_for_url("**/my/meetings/?location=Ruili")
    assert page.get_by_role("status").first.inner_text() == "တွေ့ဆုံဆွေးနွေးပွဲ ၆ ခု တွေ့ရှိသည်။"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/meetings/?location=Ruili")
    assert page.get_by_role("status").first.inner_text() == "6 meetings found."


def test_burmese_profile_numbers_its_points_and_meetings_in_myanmar_digits(page, live_seed):
    page.goto("/my/organisations/kio-kia/")
    points = page.locator("ol.points").first
    assert points.evaluate("(list) => getComputedStyle(list).listStyleType") == "myanmar"
    first_meeting = page.locator("table.meetings tbody tr td a").first
    assert first_meeting.inner_text() == "၁"
    assert first_meeting.get_attribute("href").isascii()
    page.goto("/en/organisations/kio-kia/")
    assert (
        page.locator("ol.points").first.evaluate("(list) => getComputedStyle(list).listStyleType")
        == "decimal"
    )
