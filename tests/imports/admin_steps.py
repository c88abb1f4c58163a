"""The admin import as a data officer or moderator goes through it (upload and check, then confirm), and
what a reader then downloads."""

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

IMPORT_URL = "admin:orgs_clashevent_import"
CONFIRM_URL = "admin:orgs_clashevent_process_import"


def user_in(group, name):
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


def upload(client, data, strict=False, url=IMPORT_URL, name="events.csv"):
    payload = {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, data)}
    if strict:
        payload["strict"] = "on"
    return client.post(reverse(url), payload)


def confirm(client, preview, url=CONFIRM_URL):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["strict"] = "on" if data.get("strict") else ""
    return client.post(reverse(url), data)


def public_events_csv():
    """The events CSV as an anonymous reader downloads it."""
    response = Client().get(reverse("orgs:clash-events-export-csv"))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")
