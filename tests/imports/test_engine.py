"""The import engine on real-shaped and broken files: counts, messages, matching and all-or-nothing writes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from imports import engine
from imports.models import ImportBatch
from imports.services import import_batch_create, import_batch_rollback, import_batch_run
from orgs.exports import ACLED_COLUMNS
from orgs.models import ClashEvent, ClashFigure
from peacetracker.cache import cache_generation
from peacetracker.models import ModerationEvent, Revision, Source
from peacetracker.roles import MODERATORS

from .files import BURMESE_NOTE, acled_file, acled_row, tallies_file

pytestmark = pytest.mark.django_db


def run(data, fmt="acled", strict=False):
    batch = import_batch_create(data, "test.csv", fmt, strict=strict)
    report = import_batch_run(batch)
    batch.refresh_from_db()
    return batch, report


def problems(report):
    return [(p.line, p.column, p.message) for p in report.problems]


def test_real_shaped_file_is_imported_with_text_kept_exactly(orgs):
    kia, military = orgs
    rows = [acled_row(1, notes=BURMESE_NOTE), acled_row(2, event_date="2021-03-16", assoc_actor_1="")]
    rows.append(acled_row(3, event_date="17-March-2021", actor2=""))
    batch, report = run(acled_file(rows, bom=True, newline="\r\n"))

    assert report.ok and (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert batch.state == ImportBatch.State.DONE and batch.created_count == 3
    first = ClashEvent.objects.get(event_id_cnty="MMR00001")
    assert first.notes.encode() == BURMESE_NOTE.encode()
    assert first.event_date == datetime.date(2021, 3, 15)
    assert first.latitude == Decimal("25.35")
    assert (first.actor1_organisation, first.actor2_organisation) == (kia, military)
    assert first.actor1 == "KIA: Kachin Independence Army"
    assert ClashEvent.objects.get(event_id_cnty="MMR00003").event_date == datetime.date(2021, 3, 17)
    assert ClashEvent.objects.get(event_id_cnty="MMR00003").actor2_organisation is None


def test_import_is_recorded_in_the_audit_log_with_its_counts(orgs):
    batch, _report = run(acled_file())
    event = ModerationEvent.objects.get(
        content_type=ContentType.objects.get_for_model(ImportBatch), object_id=batch.pk
    )
    assert event.action == ModerationEvent.Action.IMPORTED
    assert "3 new" in event.comment
    assert len(batch.sha256) == 64 and batch.file_name == "test.csv"


def test_same_file_twice_creates_nothing_new(orgs):
    data = acled_file()
    run(data)
    _batch, report = run(data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert ClashEvent.objects.count() == 3
    assert ClashEvent.history.count() == 3


def test_changed_row_updates_its_event_and_shows_in_its_history(orgs):
    run(acled_file())
    rows = [acled_row(1, fatalities="7"), acled_row(2), acled_row(3)]
    batch, report = run(acled_file(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    event = ClashEvent.objects.get(event_id_cnty="MMR00001")
    assert event.fatalities == 7
    versions = list(event.history.order_by("history_id").values_list("fatalities", "history_change_reason"))
    assert versions[-2][0] == 2 and versions[-1] == (7, batch.change_reason)


def test_row_missing_from_a_newer_export_is_reported_not_deleted(orgs):
    run(acled_file())
    _batch, report = run(acled_file([acled_row(1), acled_row(2)]))
    assert report.missing == 1 and report.missing_sample == ["MMR00003"]
    assert ClashEvent.objects.filter(event_id_cnty="MMR00003").exists()
    assert any("not in this file" in line for line in report.summary_lines())


def test_unmatched_actors_are_listed_with_row_counts_but_not_errors(orgs):
    rows = [acled_row(n, actor2="Unknown Militia (Myanmar)") for n in (1, 2)] + [acled_row(3)]
    _batch, report = run(acled_file(rows))
    assert report.ok and report.created == 3
    assert report.unmatched_list() == [("Unknown Militia (Myanmar)", 2)]
    assert ClashEvent.objects.get(event_id_cnty="MMR00001").actor2 == "Unknown Militia (Myanmar)"


def test_strict_matching_makes_unmatched_actors_errors(orgs):
    rows = [acled_row(1, actor2="Unknown Militia")] + [acled_row(2)]
    _batch, report = run(acled_file(rows), strict=True)
    assert not report.ok
    assert problems(report) == [(2, "actor2", 'no organisation is known as "Unknown Militia"')]
    assert not ClashEvent.objects.exists()


def test_adding_an_alias_and_importing_again_links_the_events(orgs):
    kia, _military = orgs
    rows = [acled_row(1, actor1="Kachin Independence Organisation")]
    run(acled_file(rows))
    kia.aliases.create(name="Kachin Independence Organisation")
    _batch, report = run(acled_file(rows))
    assert report.updated == 1
    assert ClashEvent.objects.get().actor1_organisation == kia


@pytest.mark.parametrize(
    "override, column, message",
    [
        ({"event_date": "31 February 2021"}, "event_date", '"31 February 2021" is not a real date'),
        ({"event_date": "2021-02-30"}, "event_date", '"2021-02-30" is not a real date'),
        ({"event_date": "yesterday"}, "event_date", 'cannot read "yesterday" as a date'),
        ({"latitude": "95.1"}, "latitude", "95.1 is outside -90 to 90"),
        ({"longitude": "-181"}, "longitude", "-181 is outside -180 to 180"),
        ({"fatalities": "-3"}, "fatalities", "-3 is negative"),
        ({"fatalities": "many"}, "fatalities", '"many" is not a whole number'),
        ({"year": "2020"}, "year", "2020 is not the year of the event date 2021-03-15"),
        ({"actor1": ""}, "actor1", "the first actor is missing"),
        ({"event_id_cnty": ""}, "event_id_cnty", "the event id is missing"),
        ({"location": "x" * 201}, "location", "the text is longer than 200 characters"),
    ],
)
def test_each_bad_cell_is_a_clear_error_and_nothing_is_written(orgs, override, column, message):
    rows = [acled_row(1, notes=BURMESE_NOTE), acled_row(2, **override), acled_row(3)]
    batch, report = run(acled_file(rows))
    assert not report.ok and report.invalid == 1
    (line, found_column, found_message), *_ = problems(report)
    # The first record spans lines 2-3 (a quoted line break), so the bad one starts on line 4.
    assert (line, found_column) == (4, column)
    assert found_message.startswith(message)
    assert batch.state == ImportBatch.State.FAILED
    assert not ClashEvent.objects.exists() and not ClashEvent.history.exists()


def test_an_invalid_row_after_written_batches_still_writes_nothing(orgs, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 2)
    rows = [acled_row(n) for n in range(1, 6)] + [acled_row(6, latitude="north")]
    batch, report = run(acled_file(rows))
    assert report.invalid == 1 and batch.state == ImportBatch.State.FAILED
    assert problems(report) == [(7, "latitude", '"north" is not a number')]
    assert not ClashEvent.objects.exists() and not ClashEvent.history.exists()


def test_duplicate_keys_in_one_file_are_an_error(orgs):
    _batch, report = run(acled_file([acled_row(1), acled_row(2), acled_row(1)]))
    assert problems(report) == [(4, "event_id_cnty", '"MMR00001" appears more than once in this file')]
    assert not ClashEvent.objects.exists()


def test_missing_required_columns_are_named(orgs):
    columns = [c for c in ACLED_COLUMNS if c not in ("latitude", "event_date")]
    _batch, report = run(acled_file(columns=columns))
    assert report.file_problems and "no event_date, latitude columns" in report.file_problems[0]
    assert not ClashEvent.objects.exists()


def test_a_file_in_another_encoding_says_to_save_it_as_utf8(orgs):
    data = acled_file([acled_row(1, notes="Café near Laiza")], encoding="latin-1")
    _batch, report = run(data)
    assert not report.ok
    assert "not UTF-8" in report.file_problems[0] and "line 2" in report.file_problems[0]
    assert "Save it as UTF-8" in report.file_problems[0]
    assert not ClashEvent.objects.exists()


def test_a_file_over_the_size_limit_is_refused(orgs, settings):
    settings.PEACETRACKER_IMPORT_MAX_BYTES = 100
    with pytest.raises(engine.ImportFileError, match="the largest accepted is"):
        import_batch_create(acled_file(), "big.csv", "acled")
    assert not ImportBatch.objects.exists()


def test_dry_run_counts_without_writing(orgs):
    report = engine.clash_file_check(io.BytesIO(acled_file()), "acled")
    assert (report.rows, report.created) == (3, 3)
    assert not ClashEvent.objects.exists()


def test_an_edit_in_the_admin_makes_the_next_import_restore_the_row(orgs):
    data = acled_file()
    run(data)
    event = ClashEvent.objects.get(event_id_cnty="MMR00002")
    event.fatalities = 99
    event.save()
    _batch, report = run(data)
    assert (report.updated, report.unchanged) == (1, 2)
    event.refresh_from_db()
    assert event.fatalities == 2


def test_checking_a_file_takes_the_same_queries_however_many_rows(orgs, django_assert_num_queries):
    small, large = acled_file(), acled_file([acled_row(n) for n in range(1, 201)])
    with django_assert_num_queries(3):
        engine.clash_file_check(io.BytesIO(small), "acled")
    with django_assert_num_queries(3):
        report = engine.clash_file_check(io.BytesIO(large), "acled")
    assert report.created == 200


def test_writes_go_in_batches_not_row_by_row(orgs, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 100)
    batch = import_batch_create(acled_file([acled_row(n) for n in range(1, 301)]), "big.csv", "acled")
    with django_assert_max_num_queries(25):
        report = import_batch_run(batch)
    assert report.created == 300 and ClashEvent.objects.count() == 300
    assert ClashEvent.history.filter(history_type="+").count() == 300


def test_a_confirmed_import_retires_cached_public_pages(orgs):
    before = cache_generation()
    run(acled_file())
    assert cache_generation() != before


def test_tallies_batch_rolls_back_figures_sources_and_restored_counts(orgs):
    kia, military = orgs
    existing = ClashFigure.objects.create(
        organisation=kia, opponent=military, kind="clashes", year=2021, count=138, status="published"
    )
    data = tallies_file(
        [
            {"organisation": "KIA", "opponent": "Tatmadaw", "year": "2021", "count": "140"},
            {"organisation": "KIA", "year": "2022", "count": "12", "source": "https://example.org/report"},
        ]
    )
    batch, report = run(data, fmt="tallies")
    assert (report.created, report.updated) == (1, 1)
    existing.refresh_from_db()
    # A published figure is not overwritten: the import proposes a change for a moderator.
    assert (existing.count, existing.status) == (138, "published")
    assert Revision.objects.get(object_id=existing.pk).data["fields"]["count"] == "140"
    assert Source.objects.get().url == "https://example.org/report"

    moderator = User.objects.create_user("mona", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    import_batch_rollback(batch, moderator)
    existing.refresh_from_db()
    assert (existing.count, existing.status) == (138, "published")
    assert list(ClashFigure.objects.all()) == [existing]
    assert not Source.objects.exists()


def test_a_tallies_row_cannot_unpublish_or_overwrite_a_published_figure(orgs, client):
    """Finding 5: one row matching the disputed 2012 figure made it vanish from the public site."""
    from peacetracker import services

    kia, military = orgs
    figure = ClashFigure.objects.create(
        organisation=kia, kind="clashes", year=2012, count=2400, claimed_by_text="KIO", status="published"
    )
    officer = User.objects.create_user("dora", is_staff=True)
    batch = import_batch_create(
        tallies_file([{"organisation": "KIA", "year": "2012", "count": "1", "claimed_by": "KIO"}]),
        "t.csv",
        "tallies",
        user=officer,
    )
    import_batch_run(batch)
    figure.refresh_from_db()
    assert (figure.count, figure.status) == (2400, "published")
    assert "2,400" in client.get("/en/clashes/").text

    revision = Revision.objects.get(object_id=figure.pk, state="pending")
    assert revision.created_by == officer
    moderator = User.objects.create_user("mona", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    services.revision_approve(revision, moderator, revision.digest)
    figure.refresh_from_db()
    assert (figure.count, figure.status) == (1, "published")
