"""What was typed in Zawgyi is kept in the history of the item it was converted for: the clash import, the
seed loader and restore each write a version whose note names the converted fields and what was typed."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from imports.models import ImportBatch
from imports.services import import_batch_create, import_batch_rollback, import_batch_run
from orgs.models import ClashEvent, ClashFigure, Organisation
from peacetracker.roles import DATA_OFFICERS, MODERATORS
from peacetracker.text import zawgyi_note
from tests.factories import make_org
from tests.i18n.test_zawgyi import (
    KACHIN_STATE_UNICODE,
    KACHIN_STATE_ZAWGYI,
    MYANMAR_UNICODE,
    MYANMAR_ZAWGYI,
    UNICODE_PARAGRAPH,
    backed_up_with_zawgyi_and_emptied,
    seed_with_zawgyi_headquarters,
)
from tests.imports.admin_steps import confirm, upload, user_in
from tests.imports.conftest import upload_storage  # noqa: F401 (autouse: each test's uploads apart)
from tests.imports.files import acled_file, acled_row, tallies_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    make_org(name="Kachin Independence Army", acronym="KIA", slug="kia-test")
    military = make_org(name="Tatmadaw", slug="tatmadaw-test", kind="government")
    military.aliases.create(name="Military Forces of Myanmar")


def run(data, fmt="acled"):
    batch = import_batch_create(data, "test.csv", fmt)
    report = import_batch_run(batch)
    assert report.ok, report.summary_lines()
    batch.refresh_from_db()
    return batch


def reason(obj):
    return obj.history.latest().history_change_reason


def test_an_imported_event_keeps_its_zawgyi_cells_as_typed_in_its_history(orgs):
    _officer, client = user_in(DATA_OFFICERS, "dora")
    rows = [
        acled_row(1, notes=KACHIN_STATE_ZAWGYI, location=MYANMAR_ZAWGYI),
        acled_row(2, notes=UNICODE_PARAGRAPH),
    ]

    assert confirm(client, upload(client, acled_file(rows))).status_code == 302

    batch = ImportBatch.objects.get()
    converted = ClashEvent.objects.get(event_id_cnty="MMR00001")
    assert (converted.notes, converted.location) == (KACHIN_STATE_UNICODE, MYANMAR_UNICODE)
    assert reason(converted) == (
        f"{batch.change_reason}. From Zawgyi, typed location: {MYANMAR_ZAWGYI}; notes: {KACHIN_STATE_ZAWGYI}"
    )
    _moderator, moderator = user_in(MODERATORS, "mona")
    page = moderator.get(reverse("admin:orgs_clashevent_history", args=[converted.pk])).content.decode()
    assert f"notes: {KACHIN_STATE_ZAWGYI}" in page


def test_an_imported_event_without_zawgyi_keeps_the_batch_reason(orgs):
    batch = run(acled_file([acled_row(1, notes=KACHIN_STATE_ZAWGYI), acled_row(2, notes=UNICODE_PARAGRAPH)]))

    assert reason(ClashEvent.objects.get(event_id_cnty="MMR00002")) == batch.change_reason


def test_an_event_updated_with_a_zawgyi_cell_keeps_it_as_typed_in_its_new_version(orgs):
    run(acled_file([acled_row(1), acled_row(2)]))

    batch = run(acled_file([acled_row(1, admin3=MYANMAR_ZAWGYI), acled_row(2, fatalities="5")]))

    updated = ClashEvent.objects.get(event_id_cnty="MMR00001")
    assert updated.admin3 == MYANMAR_UNICODE
    assert [(v.history_type, v.history_change_reason) for v in updated.history.order_by("history_id")] == [
        ("+", f"Import batch {batch.pk - 1}"),
        ("~", f"{batch.change_reason}. From Zawgyi, typed admin3: {MYANMAR_ZAWGYI}"),
    ]
    assert reason(ClashEvent.objects.get(event_id_cnty="MMR00002")) == batch.change_reason


def test_a_long_zawgyi_cell_is_named_by_its_start_within_a_history_note(orgs):
    long_note = " ".join([KACHIN_STATE_ZAWGYI, MYANMAR_ZAWGYI] * 10)

    batch = run(acled_file([acled_row(1, notes=long_note, location=MYANMAR_ZAWGYI)]))

    note = reason(ClashEvent.objects.get())
    assert len(note) == 100 and note.endswith("…")
    assert note.startswith(f"{batch.change_reason}. From Zawgyi, typed location: {MYANMAR_ZAWGYI}; notes: ")
    assert f"notes: {KACHIN_STATE_ZAWGYI} {MYANMAR_ZAWGYI[:5]}" in note


def test_a_zawgyi_note_names_every_converted_field_and_shares_the_room_among_their_texts():
    long_text = " ".join([KACHIN_STATE_ZAWGYI] * 10)
    converted = [("summary_my", long_text), ("headquarters_my", MYANMAR_ZAWGYI), ("name_my", long_text)]

    note = zawgyi_note(converted)

    assert len(note) == 100
    assert f"; headquarters_my: {MYANMAR_ZAWGYI}; name_my: {KACHIN_STATE_ZAWGYI[:5]}" in note
    assert note.startswith(f"From Zawgyi, typed summary_my: {KACHIN_STATE_ZAWGYI[:5]}")


def test_a_batch_with_zawgyi_notes_rolls_back_whole(orgs):
    run(acled_file([acled_row(1)]))
    batch = run(acled_file([acled_row(1, notes=KACHIN_STATE_ZAWGYI), acled_row(2, location=MYANMAR_ZAWGYI)]))

    import_batch_rollback(batch, user_in(MODERATORS, "mona")[0])

    assert list(ClashEvent.objects.values_list("event_id_cnty", "notes")) == [
        ("MMR00001", "On 15 March 2021, event 1.")
    ]


def test_an_imported_tally_keeps_its_zawgyi_cells_as_typed_in_its_history(orgs):
    rows = [{"organisation": "KIA", "opponent": MYANMAR_ZAWGYI, "year": "2021", "count": "12"}]

    batch = run(tallies_file(rows), fmt="tallies")

    figure = ClashFigure.objects.get()
    assert figure.opponent_text == MYANMAR_UNICODE
    assert reason(figure) == f"{batch.change_reason}. From Zawgyi, typed opponent: {MYANMAR_ZAWGYI}"


@pytest.mark.django_db(transaction=True)
def test_restore_gives_an_item_with_zawgyi_a_version_naming_what_was_typed(tmp_path):
    backup = backed_up_with_zawgyi_and_emptied(tmp_path)

    call_command("restore", str(backup), verbosity=0)

    kio = Organisation.objects.get(slug="kio")
    version = kio.history.latest()
    assert (version.history_type, version.summary_my) == ("~", KACHIN_STATE_UNICODE)
    assert version.history_change_reason == f"From Zawgyi, typed summary_my: {KACHIN_STATE_ZAWGYI}"
    # The versions in the backup are restored as they were stored.
    assert kio.history.earliest().summary_my == KACHIN_STATE_ZAWGYI
    assert "Zawgyi" not in (reason(Organisation.objects.get(slug="aa")) or "")


def test_the_seed_loader_gives_an_item_with_zawgyi_a_version_naming_what_was_typed(settings, tmp_path):
    seed_with_zawgyi_headquarters(settings, tmp_path)

    call_command("load_seed")

    stored = Organisation.objects.get(slug="kio-kia")
    assert [(v.history_type, v.history_change_reason) for v in stored.history.order_by("history_id")] == [
        ("+", ""),
        ("~", f"From Zawgyi, typed headquarters_my: {MYANMAR_ZAWGYI}"),
    ]
    others = Organisation.history.exclude(id=stored.pk)
    assert others.exists() and not others.filter(history_change_reason__contains="Zawgyi").exists()
