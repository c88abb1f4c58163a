"""Which organisation an imported event is linked to: a published one; moving the link needs a moderator."""

import pytest
from django.test import Client
from django.urls import reverse

from imports.models import ImportBatch, ImportUpload
from imports.services import import_batch_create, import_batch_run
from orgs.models import ClashEvent
from tests.factories import make_org

from .admin_steps import CONFIRM_URL, confirm, public_events_csv, upload
from .files import acled_file

pytestmark = pytest.mark.django_db

RELINKED = "re-linked from Kachin Independence Organisation (KIO) to Kachin Independence Army (KIA): 3 events"
MODERATOR_NEEDED = "Only a moderator can confirm a file that re-links events already imported"


@pytest.fixture
def kio():
    """The published KIO, which ACLED's "KIA: Kachin Independence Army" reaches only through its aliases."""
    kio = make_org(name="Kachin Independence Organisation", acronym="KIO", slug="kio-test")
    kio.aliases.create(name="KIA")
    kio.aliases.create(name="Kachin Independence Army")
    military = make_org(name="Tatmadaw", slug="tatmadaw-test", kind="government")
    military.aliases.create(name="Military Forces of Myanmar")
    return kio


def linked_to(organisation):
    return ClashEvent.objects.filter(actor1_organisation=organisation).count()


def public_event_ids():
    export = public_events_csv()
    return sorted(e.event_id_cnty for e in ClashEvent.objects.all() if e.event_id_cnty in export)


def test_a_draft_named_like_a_linked_organisation_takes_none_of_its_events(kio, officer):
    _user, client = officer
    confirm(client, upload(client, acled_file()))
    assert linked_to(kio) == 3

    # What any editor can create: a draft with the very name and acronym ACLED writes.
    draft = make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-draft", status="draft")
    preview = upload(client, acled_file())
    page = preview.content.decode()
    assert '<td class="import-count-unchanged">3</td>' in page
    assert '<td class="import-count-updated">0</td>' in page and "re-linked" not in page
    confirm(client, preview)

    assert linked_to(kio) == 3 and linked_to(draft) == 0
    reader = Client()
    for event in ClashEvent.objects.all():
        assert reader.get(event.get_absolute_url()).status_code == 200
    assert public_event_ids() == ["MMR00001", "MMR00002", "MMR00003"]


def test_a_data_officer_sees_a_relink_and_cannot_confirm_it_a_moderator_can(kio, officer, moderator):
    _user, client = officer
    confirm(client, upload(client, acled_file()))
    # A moderator publishes a profile of its own for the KIA: its acronym now names the events' actor.
    kia = make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-own")

    preview = upload(client, acled_file())
    page = preview.content.decode()
    assert '<td class="import-count-updated">3</td>' in page
    assert RELINKED in page and MODERATOR_NEEDED in page
    assert "A moderator must confirm this file" in page and "Confirm import" not in page

    forced = client.post(reverse(CONFIRM_URL), {"upload": ImportUpload.objects.get().pk}, follow=True)
    assert forced.status_code == 200 and MODERATOR_NEEDED in forced.content.decode()
    assert ImportBatch.objects.count() == 1 and linked_to(kio) == 3

    _mod, mod_client = moderator
    preview = upload(mod_client, acled_file())
    page = preview.content.decode()
    assert RELINKED in page and MODERATOR_NEEDED not in page and "Confirm import" in page
    response = confirm(mod_client, preview)
    assert response.status_code == 302
    assert linked_to(kio) == 0 and linked_to(kia) == 3


def test_an_import_run_by_a_data_officer_writes_no_relink(kio, officer):
    user, _client = officer
    import_batch_run(import_batch_create(acled_file(), "first.csv", "acled", user))
    make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-own")

    # The same file confirmed some other way than through the preview (a queued batch, the command).
    batch = import_batch_create(acled_file(), "again.csv", "acled", user)
    report = import_batch_run(batch)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED and not report.ok
    assert any(MODERATOR_NEEDED in line for line in report.summary_lines())
    assert linked_to(kio) == 3
