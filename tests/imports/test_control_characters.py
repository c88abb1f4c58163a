"""NUL and other control characters are refused on every import path, with the line and column named."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from imports.models import ImportBatch, ImportUpload
from orgs.models import ClashEvent, ClashFigure
from peacetracker.text import control_character_error, validate_no_control_characters

from .admin_steps import CONFIRM_URL, confirm, public_events_csv, upload
from .files import BURMESE_NOTE, acled_file, acled_row, tallies_file

pytestmark = pytest.mark.django_db

NUL_IN_NOTES = "the text contains a control character (U+0000 NUL) at character 9; remove it"
NEL_IN_LOCATION = "the text contains a control character (U+0085 NEL) at character 4; remove it"


def hostile_rows():
    return [
        acled_row(1, notes=BURMESE_NOTE + "\ttabbed"),
        acled_row(2, notes="Fighting\x00 near Laiza", location="Mai\x85Ja Yang"),
        acled_row(3),
    ]


def test_the_admin_preview_names_each_control_character_and_offers_no_confirm(orgs, officer):
    _user, client = officer
    preview = upload(client, acled_file(hostile_rows()))
    page = preview.content.decode()
    # The first record spans lines 2-3 (a quoted line break), so the second starts on line 4.
    assert f"<td>4</td><td>notes</td><td>{NUL_IN_NOTES}</td>" in page
    assert f"<td>4</td><td>location</td><td>{NEL_IN_LOCATION}</td>" in page
    assert '<td class="import-count-invalid">1</td>' in page
    assert "Confirm import" not in page

    forced = client.post(reverse(CONFIRM_URL), {"upload": ImportUpload.objects.get().pk}, follow=True)
    assert forced.status_code == 200
    assert "This file cannot be imported" in forced.content.decode()
    assert not ImportBatch.objects.exists() and not ClashEvent.objects.exists()
    assert "\x00" not in public_events_csv()


def test_tabs_and_line_breaks_are_kept(orgs, officer):
    _user, client = officer
    rows = [acled_row(1, notes="Line one\r\nline two\ttabbed")]
    confirm(client, upload(client, acled_file(rows)))
    assert ClashEvent.objects.get().notes == "Line one\r\nline two\ttabbed"


def test_the_command_refuses_control_characters_with_line_and_column(orgs, tmp_path, capsys):
    path = tmp_path / "events.csv"
    path.write_bytes(acled_file(hostile_rows()))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_clashes", str(path))
    out = capsys.readouterr().out
    assert f"line 4, column notes: {NUL_IN_NOTES}" in out
    assert f"line 4, column location: {NEL_IN_LOCATION}" in out
    assert not ClashEvent.objects.exists()


def test_tallies_with_a_control_character_are_refused_in_the_admin_and_the_command(
    orgs, officer, tmp_path, capsys
):
    data = tallies_file(
        [
            {"organisation": "KIA", "year": "2021", "count": "138", "source": "Monitor\x1b[2J report"},
            {"organisation": "KIA", "year": "2022", "count": "40", "claimed_by": "KIA\x7f"},
        ]
    )
    _user, client = officer
    page = upload(client, data, url="admin:orgs_clashfigure_import").content.decode()
    found = "the text contains a control character"
    assert f"<td>2</td><td>source</td><td>{found} (U+001B ESC) at character 8" in page
    assert f"<td>3</td><td>claimed_by</td><td>{found} (U+007F DEL) at character 4" in page
    assert "Confirm import" not in page

    path = tmp_path / "tallies.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_clashes", str(path), "--format", "tallies")
    assert f"line 2, column source: {found} (U+001B ESC)" in capsys.readouterr().out
    assert not ClashFigure.objects.exists()


def test_a_control_character_in_the_column_names_is_a_file_problem(orgs, officer):
    data = acled_file().replace(b"notes", b"no\x00tes", 1)
    _user, client = officer
    page = upload(client, data).content.decode()
    assert "The first line (the column names) cannot be read: the text contains a control character" in page
    assert "Confirm import" not in page


@pytest.mark.parametrize("value", ["", "plain", "tab\tand\r\nbreaks", "မြစ်ကြီးနား", "\u200b zero width"])
def test_text_without_control_characters_is_accepted(value):
    assert control_character_error(value) is None
    validate_no_control_characters(value)


@pytest.mark.parametrize(
    "value, named",
    [
        ("a\x00b", "U+0000 NUL) at character 2"),
        ("\x1f", "U+001F) at character 1"),
        ("ok\x9f", "U+009F) at character 3"),
    ],
)
def test_control_characters_are_named_with_their_position(value, named):
    assert named in control_character_error(value)
    with pytest.raises(ValidationError, match="control character"):
        validate_no_control_characters(value)
