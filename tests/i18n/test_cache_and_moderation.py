"""Both languages through the page cache, the pending-change workflow and the version history."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from negotiations.models import Meeting
from peacetracker.models import Revision
from peacetracker.roles import EDITORS, MODERATORS
from tests.admin_forms import decide, form_data, form_errors
from tests.factories import make_meeting, make_org, staff_client
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse("admin:negotiations_meeting_change", args=[obj.pk])


def edit(client, obj, **changes):
    data = form_data(client.get(change_url(obj)))
    data.update(changes)
    return client.post(change_url(obj), data)


def test_each_language_is_cached_as_its_own_page(client, settings):
    settings.PAGE_CACHE = True
    cache.clear()
    make_meeting(make_org(), number=1)
    first_en = client.get(url("negotiations:meeting-list", "en"))
    first_my = client.get(url("negotiations:meeting-list", "my"))
    again_en = client.get(url("negotiations:meeting-list", "en"))
    again_my = client.get(url("negotiations:meeting-list", "my"))
    assert (first_en["X-Cache"], first_my["X-Cache"]) == ("MISS", "MISS")
    assert (again_en["X-Cache"], again_my["X-Cache"]) == ("HIT", "HIT")
    assert '<html lang="en">' in again_en.content.decode() and "Meetings" in again_en.content.decode()
    assert '<html lang="my">' in again_my.content.decode()
    assert "တွေ့ဆုံဆွေးနွေးပွဲများ" in again_my.content.decode()
    cache.clear()


def test_an_editors_burmese_edit_to_published_content_waits_for_approval(client):
    meeting = make_meeting(make_org(), details="The approved text.")
    response = edit(staff_client("eddie", EDITORS), meeting, details_my="အတည်ပြုရန် စောင့်ဆိုင်းနေသော စာသား။")
    assert response.status_code == 302, form_errors(response)
    assert Revision.objects.filter(object_id=meeting.pk, state="pending").exists()
    burmese = client.get(url("negotiations:meeting-detail", "my", pk=meeting.pk)).content.decode()
    assert "အတည်ပြုရန် စောင့်ဆိုင်းနေသော စာသား။" not in burmese
    assert "The approved text." in burmese

    moderator = staff_client("mona", MODERATORS)
    review = moderator.get(
        reverse("admin:negotiations_meeting_moderation", args=[meeting.pk])
    ).content.decode()
    assert "အတည်ပြုရန် စောင့်ဆိုင်းနေသော စာသား။" in review
    decide(moderator, reverse("admin:negotiations_meeting_moderation", args=[meeting.pk]), "approve_change")
    burmese = client.get(url("negotiations:meeting-detail", "my", pk=meeting.pk)).content.decode()
    assert "အတည်ပြုရန် စောင့်ဆိုင်းနေသော စာသား။" in burmese
    english = client.get(url("negotiations:meeting-detail", "en", pk=meeting.pk)).content.decode()
    assert "The approved text." in english


def test_a_version_records_the_burmese_text_and_reverting_restores_it():
    meeting = make_meeting(make_org(), status="draft", details="English.")
    moderator = staff_client("mona", MODERATORS)
    edit(moderator, meeting, details_my="ပထမ မူ။")
    edit(moderator, meeting, details_my="ဖျက်ဆီးထားသော မူ။")
    versions = list(meeting.history.order_by("history_date"))
    assert [v.details_my for v in versions[1:]] == ["ပထမ မူ။", "ဖျက်ဆီးထားသော မူ။"]

    compare = moderator.get(
        reverse("admin:negotiations_meeting_compare", args=[meeting.pk]),
        {"a": versions[1].history_id, "b": versions[2].history_id},
    ).content.decode()
    assert "ပထမ မူ။" in compare and "ဖျက်ဆီးထားသော မူ။" in compare

    revert = reverse("admin:negotiations_meeting_simple_history", args=[meeting.pk, versions[1].history_id])
    response = moderator.post(revert, form_data(moderator.get(revert)))
    assert response.status_code == 302, form_errors(response)
    restored = Meeting.objects.get(pk=meeting.pk)
    assert (restored.details_en, restored.details_my) == ("English.", "ပထမ မူ။")
    assert meeting.history.count() == 4


def test_the_admin_form_shows_both_languages_side_by_side():
    meeting = make_meeting(make_org())
    page = staff_client("mona", MODERATORS).get(change_url(meeting)).content.decode()
    for field in ("details_en", "details_my", "place_en", "place_my", "editor_note_en", "editor_note_my"):
        assert f'name="{field}"' in page
    assert "jquery-ui" not in page.lower() and "//ajax.googleapis" not in page
