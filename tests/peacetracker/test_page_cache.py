"""The anonymous readers' page cache: what it serves, what it never stores, and what retires it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from negotiations.models import Meeting
from peacetracker.cache import GENERATION_KEY, PageCacheMiddleware, cache_generation, cache_generation_bump
from peacetracker.cache import state_cache as page_generation_cache
from peacetracker.roles import MODERATORS
from peacetracker.services import moderation_transition
from peacetracker.settings.base import env_caches
from tests.factories import make_agreement, make_meeting, make_org, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def moderator():
    user = User.objects.create_user("mona", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_second_anonymous_request_is_a_hit_with_the_same_page(client):
    make_org(name="Cached Organisation")
    first = client.get("/en/organisations/")
    second = client.get("/en/organisations/")
    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "Cached Organisation" in second.content.decode()


def test_a_hit_makes_no_database_query(client, django_assert_num_queries):
    meeting = make_meeting(place="Ruili")
    client.get(meeting.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(meeting.get_absolute_url())
    assert response["X-Cache"] == "HIT"


def test_head_is_served_from_what_get_cached(client):
    make_org()
    client.get("/en/organisations/")
    assert client.head("/en/organisations/")["X-Cache"] == "HIT"


def test_the_query_string_is_part_of_the_key(client):
    make_meeting(place="Ruili", country="China")
    make_meeting(place="Chiang Rai", country="Thailand")
    client.get("/en/meetings/?country=China")
    response = client.get("/en/meetings/?country=Thailand")
    assert response["X-Cache"] == "MISS"
    assert "Chiang Rai" in response.content.decode()
    assert "Ruili" not in response.content.decode()


def test_editing_published_content_shows_on_the_next_request(client):
    org = make_org(name="Old Name")
    client.get(org.get_absolute_url())
    org.name = "New Name"
    org.save()
    response = client.get(org.get_absolute_url())
    assert response["X-Cache"] == "MISS"
    assert "New Name" in response.content.decode()


def test_publishing_through_the_workflow_shows_the_item_at_once(client, moderator):
    meeting = make_meeting(place="Draftville", status="draft")
    assert "Draftville" not in client.get("/en/meetings/").content.decode()
    moderation_transition(meeting, moderator, "published")
    response = client.get("/en/meetings/")
    assert response["X-Cache"] == "MISS"
    assert "Draftville" in response.content.decode()


def test_unpublishing_through_the_workflow_hides_the_item_at_once(client, moderator):
    meeting = make_meeting(place="Goneville")
    assert "Goneville" in client.get("/en/meetings/").content.decode()
    assert client.get(meeting.get_absolute_url()).status_code == 200
    moderation_transition(meeting, moderator, "unpublished")
    assert "Goneville" not in client.get("/en/meetings/").content.decode()
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_deleting_and_changing_many_to_many_links_retire_cached_pages(client):
    org = make_org()
    agreement = make_agreement()
    generation = cache_generation()
    agreement.parties.add(org)
    assert cache_generation() != generation
    generation = cache_generation()
    agreement.delete()
    assert cache_generation() != generation


def test_an_editor_working_on_drafts_leaves_readers_cached_pages_alone(client):
    organisation = make_org()
    list_url = reverse("negotiations:meeting-list")
    client.get(list_url)
    generation = cache_generation()
    draft = make_meeting(organisation, place="Draftville", status="draft")
    make_participant(draft, label="U Draft")
    draft = Meeting.objects.get(pk=draft.pk)
    draft.details = "Still being written."
    draft.save()
    draft.status = "in_review"
    draft.save()
    make_meeting(organisation, status="draft").delete()
    assert cache_generation() == generation
    response = client.get(list_url)
    assert response["X-Cache"] == "HIT"
    assert "Draftville" not in response.content.decode()


def test_a_row_readers_could_see_retires_pages_even_when_saved_as_a_draft(client):
    meeting = make_meeting(place="Seenville")
    first_version = meeting.history.earliest()
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.status = "draft"  # taken back without the workflow, e.g. from the shell
    generation = cache_generation()
    meeting.save()
    assert cache_generation() != generation

    # A version restored from history was not read from the table, so its change counts as visible.
    meeting.status = "published"
    meeting.save()
    generation = cache_generation()
    restored = first_version.instance
    restored.status = "draft"
    restored.save()
    assert cache_generation() != generation
    assert "Seenville" not in client.get(reverse("negotiations:meeting-list")).content.decode()


def test_a_draft_refreshed_after_someone_published_it_counts_as_seen():
    meeting = make_meeting(status="draft")
    stale = Meeting.objects.get(pk=meeting.pk)
    Meeting.objects.filter(pk=meeting.pk).update(status="published")  # another worker publishes it
    stale.refresh_from_db()
    stale.status = "unpublished"
    generation = cache_generation()
    stale.save()
    assert cache_generation() != generation


def test_writes_inside_a_transaction_bump_again_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        org = make_org()
        org.name = "Renamed"
        org.save()
        make_meeting(org)
    assert callbacks == [cache_generation_bump]


def test_a_bump_from_another_process_retires_this_workers_pages(client, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_CACHE_URL", f"file://{tmp_path}")
    settings.CACHES = env_caches()
    make_org()
    client.get("/en/organisations/")
    assert client.get("/en/organisations/")["X-Cache"] == "HIT"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "peacetracker.settings"}
    script = "import django; django.setup(); from peacetracker.cache import cache_generation_bump as b; b()"
    subprocess.run([sys.executable, "-c", script], cwd=django_settings.BASE_DIR, env=environment, check=True)
    assert client.get("/en/organisations/")["X-Cache"] == "MISS"


def test_logged_in_users_are_neither_served_nor_stored(client, moderator):
    make_org(name="Public Organisation")
    staff = staff_client(moderator)
    assert "X-Cache" not in staff.get("/en/organisations/")
    assert client.get("/en/organisations/")["X-Cache"] == "MISS"
    assert "X-Cache" not in staff.get("/en/organisations/")


def test_previews_are_never_cached_and_a_cached_page_never_shows_drafts(client, moderator):
    meeting = make_meeting(place="Secretville", status="draft")
    staff = staff_client(moderator)
    preview = staff.get(meeting.get_absolute_url())
    assert "Secretville" in preview.content.decode()
    assert "X-Cache" not in preview
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(meeting.get_absolute_url()).status_code == 404
    staff.get("/en/meetings/")
    for _ in range(2):
        assert "Secretville" not in client.get("/en/meetings/").content.decode()


def test_a_session_or_messages_cookie_bypasses_the_cache(client):
    make_org()
    client.get("/en/organisations/")
    for cookie in (django_settings.SESSION_COOKIE_NAME, "messages"):
        reader = Client()
        reader.cookies[cookie] = "anything"
        assert "X-Cache" not in reader.get("/en/organisations/")


def test_the_admin_and_the_health_check_are_never_cached(client):
    for url in ("/admin/login/", "/healthz"):
        client.get(url)
        assert "X-Cache" not in client.get(url)


def test_the_page_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE = False
    make_org()
    client.get("/en/organisations/")
    assert "X-Cache" not in client.get("/en/organisations/")


def _middleware(view):
    return PageCacheMiddleware(view)


def test_a_response_that_sets_a_cookie_or_is_private_is_not_stored():
    def sets_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("tracking", "1")
        return response

    def private(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "private"
        return response

    for view in (sets_cookie, private):
        middleware = _middleware(view)
        middleware(RequestFactory().get(f"/{view.__name__}/"))
        assert middleware(RequestFactory().get(f"/{view.__name__}/"))["X-Cache"] == "MISS"


def test_a_page_that_varies_on_a_header_is_kept_per_value_of_it():
    def varies(request):
        response = HttpResponse(request.headers.get("Accept-Encoding", "none"))
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    middleware = _middleware(varies)
    factory = RequestFactory()
    middleware(factory.get("/varies/", headers={"Accept-Encoding": "gzip"}))
    other = middleware(factory.get("/varies/", headers={"Accept-Encoding": "br"}))
    same = middleware(factory.get("/varies/", headers={"Accept-Encoding": "gzip"}))
    assert (other["X-Cache"], other.content) == ("MISS", b"br")
    assert (same["X-Cache"], same.content) == ("HIT", b"gzip")


def test_only_successful_pages_are_stored(client):
    client.get("/en/meetings/999999/")
    assert client.get("/en/meetings/999999/")["X-Cache"] == "MISS"
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("page_cache_on", [True, False])
def test_a_readers_request_reads_the_content_generation_once(client, settings, monkeypatch, page_cache_on):
    # The meetings list reads three lists kept per generation: the organisation choices, the
    # organisations' columns and the representatives; the page cache's key needs it too.
    settings.PAGE_CACHE = page_cache_on
    make_participant(make_meeting(make_org(acronym="ORG")), label="Gun Maw")
    client.get("/en/meetings/")
    shared = page_generation_cache()
    reads = []
    real_get = shared.get

    def counting_get(key, *args, **kwargs):
        if key == GENERATION_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(shared, "get", counting_get)
    cache_generation_bump()  # a new generation: every list is read again, each under it
    response = client.get("/en/meetings/")
    assert response.status_code == 200 and "Gun Maw" in response.content.decode()
    assert len(reads) == 1


def test_a_request_keeps_the_generation_it_began_with_and_the_next_one_sees_a_new_one():
    seen = []

    def view(request):
        seen.append(cache_generation())
        cache_generation_bump()
        seen.append(cache_generation())
        return HttpResponse("ok")

    middleware = _middleware(view)
    middleware(RequestFactory().get("/en/meetings/"))
    middleware(RequestFactory().get("/en/meetings/"))
    assert seen[0] == seen[1] and seen[2] == seen[3] and seen[1] != seen[2]
    assert cache_generation() not in seen  # outside a request, the latest bump
