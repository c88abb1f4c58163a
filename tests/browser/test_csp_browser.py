"""In real Chromium, the strict Content-Security-Policy blocks nothing the public site or the admin uses."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from negotiations.models import Agreement, Development, Meeting, Statement
from orgs.models import Organisation, Person
from peacetracker import services
from peacetracker.models import ModerationEvent
from tests.factories import make_meeting
from tests.hardening.people import admin_log_in, make_role_user

pytestmark = pytest.mark.browser

# Registered before any page script runs; Playwright injects it outside the page's policy.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched_page(page):
    """A page that records every CSP violation, from the DOM event and from the console."""
    page.context.add_init_script(COLLECT_VIOLATIONS)
    page.console_violations = []
    page.on(
        "console",
        lambda message: (
            page.console_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def visit(page, url):
    """Open a URL and return the CSP violations it raised."""
    response = page.goto(url)
    assert response.status < 400, f"{url}: HTTP {response.status}"
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations") + page.console_violations
    page.console_violations.clear()
    return violations


@pytest.fixture
def site(transactional_db):
    """The seed, plus what makes each admin page show its full self: a queue, versions, a deletion."""
    call_command("load_seed", verbosity=0)
    editor = make_role_user("editor")
    make_role_user("moderator")
    kio = Organisation.objects.get(slug="kio-kia")
    draft = make_meeting(kio, number=90, status="draft", place="Laiza")
    services.moderation_transition(draft, editor, ModerationEvent.Action.SUBMITTED)
    meeting = Meeting.objects.filter(organisation=kio, number=15).get()
    meeting.details += " Edited once."
    meeting._history_user = editor
    meeting.save()
    Development.objects.filter(organisation=kio).first().delete()
    return {"kio": kio, "meeting": meeting, "draft": draft}


def public_urls(site, language):
    """Every kind of public page, in one language."""
    with translation.override(language):
        return _public_urls(site)


def _public_urls(site):
    person = Person.objects.published().first()
    return [
        reverse("home"),
        reverse("orgs:organisation-list"),
        reverse("orgs:organisation-detail", args=["kio-kia"]),
        reverse("orgs:person-detail", args=[person.slug]),
        reverse("negotiations:meeting-list") + "?location=Ruili",
        reverse("negotiations:meeting-list") + "?year=twenty",
        reverse("negotiations:meeting-detail", args=[site["meeting"].pk]),
        reverse("negotiations:agreement-list"),
        reverse("negotiations:agreement-detail", args=[Agreement.objects.published().first().pk]),
        reverse("negotiations:invitation-list"),
        reverse("negotiations:statement-list"),
        reverse("orgs:clashes"),
        reverse("search") + "?q=Kachin",
    ]


def admin_urls(site):
    meeting, kio = site["meeting"], site["kio"]
    statement = Statement.objects.filter(organisation=kio).first()
    return [
        reverse("admin:index"),
        reverse("admin:negotiations_meeting_changelist"),
        reverse("admin:negotiations_meeting_changelist") + "?status__exact=published&q=Ruili",
        reverse("admin:negotiations_meeting_add"),
        reverse("admin:negotiations_meeting_change", args=[meeting.pk]),
        reverse("admin:negotiations_meeting_history", args=[meeting.pk]),
        reverse("admin:negotiations_meeting_compare", args=[meeting.pk]),
        reverse("admin:negotiations_meeting_moderation", args=[meeting.pk]),
        reverse("admin:negotiations_meeting_moderation", args=[site["draft"].pk]),
        reverse("admin:negotiations_development_deleted"),
        reverse("admin:negotiations_agreement_change", args=[Agreement.objects.first().pk]),
        reverse("admin:orgs_organisation_change", args=[kio.pk]),
        reverse("admin:negotiations_statement_change", args=[statement.pk]),
        reverse("admin:peacetracker_moderationevent_changelist"),
        reverse("admin:peacetracker_revision_changelist"),
        reverse("admin:negotiations_meeting_delete", args=[meeting.pk]),
    ]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_public_pages_raise_no_csp_violations(watched_page, site, language):
    found = {url: visit(watched_page, url) for url in public_urls(site, language)}
    assert {url: v for url, v in found.items() if v} == {}


def test_the_admin_login_page_raises_no_csp_violations(watched_page, site):
    assert visit(watched_page, reverse("admin:login")) == []


def test_admin_pages_raise_no_csp_violations(watched_page, site):
    admin_log_in(watched_page, "moderator")
    found = {url: visit(watched_page, url) for url in admin_urls(site)}
    assert {url: v for url, v in found.items() if v} == {}
    assert watched_page.evaluate("window.__cspViolations") == []


def test_admin_scripts_still_work_under_the_policy(watched_page, site):
    """The inline add-another row, the date shortcuts and the autocomplete all run from static files."""
    admin_log_in(watched_page, "editor")
    visit(watched_page, reverse("admin:negotiations_meeting_add"))
    page = watched_page
    rows = page.locator("#participants-group tbody tr.form-row:not(.empty-form)")
    assert rows.count() == 0
    add_row = page.get_by_role("button", name="Add another Meeting participant")
    add_row.click()
    add_row.click()
    assert rows.count() == 2
    rows.last.locator("a.inline-deletelink").click()
    assert rows.count() == 1

    shortcuts = page.locator("#id_date ~ .datetimeshortcuts")
    shortcuts.get_by_text("Today").click()
    assert page.locator("#id_date").input_value() != ""

    page.locator("#id_end_date ~ .datetimeshortcuts a").last.click()
    assert page.locator(".calendarbox").last.is_visible()

    page.keyboard.press("Escape")
    page.locator(".field-organisation .select2-selection").click()
    page.locator(".select2-search__field").fill("Kachin")
    page.locator(".select2-results__option", has_text="Kachin Independence").first.click()
    assert "Kachin Independence" in page.locator("#select2-id_organisation-container").inner_text()
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_violations == []
