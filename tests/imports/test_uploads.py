"""Uploaded files: stored under names the server chooses, confirmed only by their uploader, cleaned up."""

import datetime
import os
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportBatch, ImportUpload
from orgs.models import ClashEvent

from .admin_steps import CONFIRM_URL, confirm, upload
from .files import acled_file, acled_row

pytestmark = pytest.mark.django_db

UNKNOWN = "This upload is unknown, is not yours or is no longer kept: upload the file again."


@pytest.fixture
def server_file():
    """A file on the server beside the uploads of django-import-export's temporary folder: a valid ACLED
    file, so that reading it into a batch would import it."""
    path = Path(tempfile.gettempdir()) / f"peacetracker-not-an-upload-{uuid.uuid4().hex}.csv"
    content = acled_file([acled_row(n, notes="Server file") for n in (7, 8)])
    path.write_bytes(content)
    yield path, content
    path.unlink(missing_ok=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_a_confirm_naming_a_file_on_the_server_reads_and_deletes_nothing(orgs, officer, server_file):
    path, content = server_file
    _user, client = officer
    response = client.post(
        reverse(CONFIRM_URL),
        {
            "import_file_name": f"../../../tmp/{path.name}",
            "original_file_name": "events.csv",
            "format": "0",
            "resource": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert UNKNOWN in messages_of(response)
    assert path.read_bytes() == content
    assert not ImportBatch.objects.exists() and not ClashEvent.objects.exists()


@pytest.mark.parametrize("forged", ["999999", "-1", "1 OR 1=1", "", "../../../etc/passwd"])
def test_an_unknown_upload_id_is_a_clear_message_not_a_server_error(orgs, officer, forged):
    _user, client = officer
    response = client.post(reverse(CONFIRM_URL), {"upload": forged}, follow=True)
    assert response.status_code == 200
    assert UNKNOWN in messages_of(response)
    assert not ImportBatch.objects.exists()


def test_someone_elses_upload_cannot_be_confirmed_or_seen(orgs, officer, moderator):
    _mod, mod_client = moderator
    upload(mod_client, acled_file())
    theirs = ImportUpload.objects.get()
    _user, client = officer

    response = client.post(reverse(CONFIRM_URL), {"upload": theirs.pk}, follow=True)
    assert UNKNOWN in messages_of(response)
    page = client.get(theirs.get_absolute_url(), follow=True)
    assert UNKNOWN in messages_of(page) and "Confirm import" not in page.content.decode()
    assert ImportUpload.objects.get() == theirs and storages["imports"].exists(theirs.stored_name)
    assert not ImportBatch.objects.exists() and not ClashEvent.objects.exists()


def test_an_upload_is_stored_under_a_name_the_server_chose(orgs, officer, upload_storage):
    _user, client = officer
    preview = upload(client, acled_file(), name="../../evil.csv")
    assert "Confirm import" in preview.content.decode()
    stored = ImportUpload.objects.get()
    assert stored.file_name == "evil.csv"
    assert stored.stored_name.startswith("clash-uploads/") and "evil" not in stored.stored_name
    assert [p.name for p in (upload_storage / "clash-uploads").iterdir()] == [Path(stored.stored_name).name]

    confirm(client, preview)
    assert ClashEvent.objects.count() == 3 and not ImportUpload.objects.exists()
    # The batch took the upload's file over and deleted it once imported.
    assert list((upload_storage / "clash-uploads").iterdir()) == []
    assert ImportBatch.objects.get().file_name == "evil.csv"


def test_uploads_never_confirmed_are_deleted_by_the_cleanup_command(orgs, officer, upload_storage, capsys):
    _user, client = officer
    preview = upload(client, acled_file())
    forgotten = ImportUpload.objects.get()
    folder = upload_storage / "clash-uploads"
    orphan = folder / "left-behind.csv"
    orphan.write_bytes(b"event_id_cnty\n")

    call_command("import_cleanup")
    assert ImportUpload.objects.filter(pk=forgotten.pk).exists() and orphan.exists()

    day_before = timezone.now() - datetime.timedelta(hours=25)
    ImportUpload.objects.filter(pk=forgotten.pk).update(created_at=day_before)
    os.utime(orphan, (day_before.timestamp(), day_before.timestamp()))
    call_command("import_cleanup")
    assert "Deleted 1 unconfirmed uploads, 1 stored files without an upload" in capsys.readouterr().out
    assert not ImportUpload.objects.exists() and list(folder.iterdir()) == []

    response = confirm(client, preview)
    assert UNKNOWN in messages_of(client.get(response["Location"]))
    assert not ImportBatch.objects.exists()
