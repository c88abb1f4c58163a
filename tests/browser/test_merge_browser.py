"""Merging in Chromium: an editor proposes a merge from the likely duplicates, a moderator approves it from
the review queue, and a reader's old bookmark lands on the merged person's page."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from orgs.models import Person
from peacetracker.models import Merge
from tests.hardening.people import admin_log_in, make_role_user

pytestmark = pytest.mark.browser


@pytest.fixture
def newsroom(transactional_db, browser, live_server):
    """The seed, an editor and a moderator, each in a browser of their own, and an anonymous reader."""
    call_command("load_seed", verbosity=0)
    make_role_user("editor")
    make_role_user("moderator")
    contexts = [browser.new_context(base_url=live_server.url) for _ in range(3)]
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


def test_an_old_bookmark_lands_on_the_merged_persons_page(newsroom):
    editor, moderator, reader = newsroom
    reader.goto("/en/people/dau-hka/")
    assert reader.get_by_role("heading", level=1).inner_text() == "Sara Dau Hka"

    # The editor finds the pair among the likely duplicates and proposes the merge.
    editor.goto(reverse("admin:orgs_person_changelist"))
    editor.get_by_role("link", name="Likely duplicates").click()
    row = editor.locator("#likely-duplicates tbody tr", has_text="Dau Hka")
    assert "hk/kh" in row.inner_text()
    row.get_by_role("link", name="Merge…").click()
    assert "Team members" in editor.locator("#merge-moves").inner_text()
    editor.get_by_label("Note for the moderator").fill("The same civilian member, spelt two ways.")
    editor.get_by_role("button", name="Propose the merge").click()
    assert "waits for a moderator's approval" in editor.locator(".messagelist").inner_text()
    assert Merge.objects.get().state == Merge.State.PENDING

    # Until a moderator approves, the reader's bookmark still shows the old page.
    reader.goto("/en/people/dau-hka/")
    assert reader.get_by_role("heading", level=1).inner_text() == "Sara Dau Hka"

    # The moderator opens it from the review queue and approves it.
    moderator.goto(reverse("admin:index"))
    moderator.locator("#moderation-queue").get_by_role("link", name="Sara Dau Hka → U Dau Kha").click()
    assert "The same civilian member, spelt two ways." in moderator.locator("#content-main").inner_text()
    moderator.get_by_role("button", name="Approve the merge").click()
    assert "Merged: what you reviewed is done." in moderator.locator(".messagelist").inner_text()

    # The reader's bookmark now lands on the kept person's page, in both languages.
    reader.goto("/en/people/dau-hka/")
    reader.wait_for_url("**/en/people/dau-kha/")
    assert reader.get_by_role("heading", level=1).inner_text() == "U Dau Kha"
    assert "Sara Dau Hka" in reader.locator("article").inner_text()
    reader.goto("/my/people/dau-hka/")
    reader.wait_for_url("**/my/people/dau-kha/")
    assert Person.objects.get(slug="dau-hka").status == "unpublished"
