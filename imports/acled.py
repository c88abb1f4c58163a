"""ACLED events: read and checked against the events already imported, staged a chunk per short
transaction, then published together in set-based statements with their history."""

import hashlib
from collections import Counter
from operator import gt, itemgetter

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from orgs.exports import ACLED_COLUMNS
from orgs.models import ClashEvent, Organisation

from .models import StagedEvent
from .parsing import ActorMatcher, csv_records, parse_coordinate, parse_day, parse_whole
from .report import ImportConflict

# Rows staged per transaction: on SQLite a chunk holds the write lock for a few milliseconds.
CHUNK = 2000
KEYS_PER_QUERY = 500
MISSING_SAMPLE = 20

# The ACLED columns parsed as numbers or dates; every other ACLED column is text kept exactly as written.
PARSED = ["event_id_cnty", "event_date", "year", "time_precision", "iso", "latitude", "longitude"]
PARSED += ["geo_precision", "fatalities", "timestamp"]
TEXT_COLUMNS = [c for c in ACLED_COLUMNS if c not in PARSED]
STORED_TEXT = set(TEXT_COLUMNS)
MATCHED = ["actor1_organisation_id", "actor2_organisation_id", "import_hash"]
# The order of the values the engine builds for one event, and of the columns it writes them to.
EVENT_FIELDS = PARSED + TEXT_COLUMNS + MATCHED


class EventImport:
    """Reads, checks and (unless a dry run) stages one ACLED events file for its batch."""

    def __init__(self, report, batch=None, user=None, write=True, progress=None):
        self.report = report
        self.stager = EventStager(batch) if write else None
        self.progress = progress
        self.matcher = ActorMatcher()
        self.dates = {}
        self.seen = set()
        self.pending = []
        self.relinked = Counter()
        self.existing = {
            key: (pk, digest, actor1_id, actor2_id)
            for key, pk, digest, actor1_id, actor2_id in ClashEvent.objects.values_list(
                "event_id_cnty", "pk", "import_hash", "actor1_organisation_id", "actor2_organisation_id"
            ).iterator(chunk_size=10_000)
        }
        self.limits = [self.text_limit(name) for name in TEXT_COLUMNS]

    @staticmethod
    def text_limit(name):
        return ClashEvent._meta.get_field(name).max_length or 1 << 62

    def run(self, stream):
        report = self.report
        getter = None
        rows_since_progress = 0
        for line, header, cells in csv_records(stream, "acled", report):
            if getter is None:
                positions = {name: index for index, name in enumerate(header)}
                absent = len(header)
                getter = itemgetter(*[positions.get(name, absent) for name in ACLED_COLUMNS])
                self.positions = {name: i for i, name in enumerate(ACLED_COLUMNS)}
                self.text_getter = itemgetter(*[self.positions[name] for name in TEXT_COLUMNS])
            cells.append("")
            report.rows += 1
            values = self.check(line, getter(cells))
            if values is not None:
                self.pending.append((line, values))
                if report.row_zawgyi and self.stager is not None:
                    self.stager.zawgyi[line] = report.row_zawgyi
                if len(self.pending) >= CHUNK:
                    self.flush()
            rows_since_progress += 1
            if self.progress and rows_since_progress >= CHUNK:
                self.progress(report.rows)
                rows_since_progress = 0
        self.flush()
        seen = self.seen
        missing = [key for key in self.existing if key not in seen]
        report.missing = len(missing)
        report.missing_sample = sorted(missing)[:MISSING_SAMPLE]
        if self.relinked:
            report.relinked = self.relinks_named()
        if self.progress:
            self.progress(report.rows)

    def relinks_named(self):
        """The re-links counted by organisation id, named as pages name the organisations."""
        ids = {pk for pair in self.relinked for pk in pair if pk is not None}
        names = {
            pk: Organisation.display_name(name, acronym)
            for pk, name, acronym in Organisation.objects.filter(pk__in=ids).values_list(
                "pk", "name", "acronym"
            )
        }
        named = Counter()
        for (before, now), count in self.relinked.items():
            named[(names.get(before, "no organisation"), names.get(now, "no organisation"))] += count
        return named

    def check(self, line, row):
        """The values to store for one row, or None after reporting each of its problems."""
        report = self.report
        problems = report.invalid_problem_count
        p = self.positions
        key = row[0].strip()
        if not key:
            report.add_problem(line, "event_id_cnty", "the event id is missing")
        elif key in self.seen:
            report.add_problem(line, "event_id_cnty", f'"{key}" appears more than once in this file')
        elif len(key) > 40:
            report.add_problem(line, "event_id_cnty", "the event id is longer than 40 characters")
        else:
            self.seen.add(key)

        text = row[p["event_date"]]
        day = self.dates.get(text)
        if day is None:
            try:
                day = self.dates[text] = parse_day(text)
            except ValueError as error:
                report.add_problem(line, "event_date", str(error))
        year = self.number(line, row, "year", 1900, 2200, None)
        if day is not None and year is not None and year != day.year:
            report.add_problem(line, "year", f"{year} is not the year of the event date {day.isoformat()}")
        elif day is not None:
            year = day.year
        time_precision = self.number(line, row, "time_precision", 1, 3, 1)
        iso = self.number(line, row, "iso", 0, 32767, None)
        latitude = self.coordinate(line, row, "latitude", 90)
        longitude = self.coordinate(line, row, "longitude", 180)
        geo_precision = self.number(line, row, "geo_precision", 1, 3, None)
        fatalities = self.number(line, row, "fatalities", 0, 2_147_483_647, 0)
        timestamp = self.number(line, row, "timestamp", 0, 1 << 62, None)

        texts = self.text_getter(row)
        if any(map(gt, map(len, texts), self.limits)):
            for name, value, limit in zip(TEXT_COLUMNS, texts, self.limits, strict=True):
                if len(value) > limit:
                    report.add_problem(line, name, f"the text is longer than {limit} characters")
        actor1, actor2 = row[p["actor1"]], row[p["actor2"]]
        if not actor1.strip():
            report.add_problem(line, "actor1", "the first actor is missing")
        actor1_id = self.matcher.match(actor1)
        actor2_id = self.matcher.match(actor2) if actor2.strip() else None
        for column, raw, found in (("actor1", actor1, actor1_id), ("actor2", actor2, actor2_id)):
            if found is None and raw.strip():
                report.unmatched[raw] += 1
                if report.strict:
                    report.add_problem(line, column, f'no organisation is known as "{raw}"')

        if report.invalid_problem_count != problems:
            report.invalid += 1
            return None
        parsed = (
            key,
            day,
            year,
            time_precision,
            iso,
            latitude,
            longitude,
            geo_precision,
            fatalities,
            timestamp,
        )
        digest = hashlib.blake2b(
            ("\x1f".join(texts) + "\x1e" + repr(parsed[:1] + (day.toordinal(),) + parsed[2:])).encode()
            + f"\x1e{actor1_id}\x1e{actor2_id}".encode(),
            digest_size=16,
        ).hexdigest()
        return (*parsed, *texts, actor1_id, actor2_id, digest)

    def number(self, line, row, column, low, high, default):
        text = row[self.positions[column]]
        if not text.strip():
            return default
        try:
            return parse_whole(text, low, high)
        except ValueError as error:
            self.report.add_problem(line, column, str(error))
            return default

    def coordinate(self, line, row, column, limit):
        text = row[self.positions[column]]
        if not text.strip():
            return None
        try:
            return parse_coordinate(text, limit)
        except ValueError as error:
            self.report.add_problem(line, column, str(error))
            return None

    def classify(self, values):
        """Count one valid row as new, updated or unchanged, and an update that moves the event to another
        organisation as a re-link; return the existing event (pk, fingerprint) it updates, or None."""
        existing = self.existing.get(values[0])
        if existing is None:
            self.report.created += 1
            return "new", None
        pk, digest, *linked = existing
        if digest == values[-1]:
            self.report.unchanged += 1
            return "unchanged", None
        self.report.updated += 1
        matched = values[-3:-1]
        if tuple(linked) != matched:
            self.report.relinked_events += 1
            for before, now in zip(linked, matched, strict=True):
                if before != now:
                    self.relinked[(before, now)] += 1
        return "updated", (pk, digest)

    def flush(self):
        """Classify the rows read since the last flush and, while the file is still valid, stage them."""
        rows, self.pending = self.pending, []
        changed = []
        for line, values in rows:
            kind, existing = self.classify(values)
            if kind != "unchanged":
                changed.append((line, existing, values))
        if self.stager is not None:
            if self.report.ok:
                self.stager.stage(changed)
            self.stager.zawgyi.clear()


def quote(name):
    return connection.ops.quote_name(name)


def chunks(items, size=KEYS_PER_QUERY):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def history_copy(model, where, params, history_type, reason, user_id):
    """Copy the current values of the rows `where` selects into their history table, in one statement, as
    simple-history itself would."""
    history = model.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    columns = [f.column for f in history._meta.concrete_fields if f.attname not in own]
    targets = ", ".join(quote(c) for c in [*columns, "history_date", "history_type", "history_user_id"])
    sources = ", ".join(quote(c) for c in columns)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({targets}, {quote('history_change_reason')}) "
            f"SELECT {sources}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {where}",
            [now, history_type, user_id, reason, *params],
        )


def history_snapshot(model, where_column, keys, history_type, reason, user_id):
    """Copy the rows whose `where_column` is among `keys` into their history table."""
    for part in chunks(list(keys)):
        marks = ", ".join(["%s"] * len(part))
        history_copy(model, f"{quote(where_column)} IN ({marks})", part, history_type, reason, user_id)


class EventStager:
    """Writes checked events to the staging table, a chunk per short transaction.

    A chunk is staged whole or not at all, so an interrupted import resumes after the last line staged:
    what follows it up to the end of its chunk was unchanged, and is only read again.
    """

    def __init__(self, batch):
        self.batch = batch
        # The cells converted from Zawgyi of the rows read since the last stage, (column, as typed) by line.
        self.zawgyi = {}
        self.resume_after = StagedEvent.objects.filter(batch=batch).aggregate(last=Max("line"))["last"] or 0
        meta = StagedEvent._meta
        names = ["batch", "line", "existing_id", "existing_hash", *EVENT_FIELDS, "history_note"]
        columns = ", ".join(quote(meta.get_field(name).column) for name in names)
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"

    def stage(self, changed):
        """Stage rows of (line, the (pk, fingerprint) they update or None, values)."""
        batch_pk, zawgyi = self.batch.pk, self.zawgyi
        rows = [
            (
                batch_pk,
                line,
                *(existing or (None, "")),
                *values,
                self.history_note(zawgyi[line]) if line in zawgyi else None,
            )
            for line, existing, values in changed
            if line > self.resume_after
        ]
        if rows:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)

    def history_note(self, converted):
        """The reason for the history row of an event with cells converted from Zawgyi, or None (the batch's)
        when none of them is a column the event stores."""
        stored = [(column, typed) for column, typed in converted if column in STORED_TEXT]
        return self.batch.zawgyi_change_reason(stored) if stored else None


def staged_events_publish(batch, report, user_id):
    """Move a batch's staged events into the public table with their history, in set-based statements.

    Called inside the transaction that records the batch as done. Refuses, writing nothing, when an event
    it staged has changed since (another import or an edit published it, changed it or deleted it).
    """
    staged = quote(StagedEvent._meta.db_table)
    events = quote(ClashEvent._meta.db_table)
    staged_columns = ", ".join(quote(StagedEvent._meta.get_field(name).column) for name in EVENT_FIELDS)
    event_columns = [ClashEvent._meta.get_field(name.removesuffix("_id")).column for name in EVENT_FIELDS]
    event_id, existing = quote("event_id_cnty"), quote("existing_id")
    of_batch = f"SELECT {{}} FROM {staged} WHERE {quote('batch_id')} = %s AND {existing} IS {{}} NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {staged} AS s LEFT JOIN {events} AS e ON e.{event_id} = s.{event_id} "
            f"WHERE s.{quote('batch_id')} = %s AND ((s.{existing} IS NULL AND e.id IS NOT NULL) OR "
            f"(s.{existing} IS NOT NULL AND (e.id IS NULL OR e.id <> s.{existing} "
            f"OR e.{quote('import_hash')} <> s.{quote('existing_hash')})))",
            [batch.pk],
        )
        (conflicts,) = cursor.fetchone()
        if conflicts:
            raise ImportConflict(
                f"{conflicts} events in this file changed after it was read (another import or an edit); "
                "nothing was written. Import the file again."
            )
        reason = batch.change_reason
        if report.updated:
            updated = f"{quote('id')} IN ({of_batch.format(existing, 'NOT')})"
            # The pre-import state of events without history yet, so that a rollback can restore it.
            history = quote(ClashEvent.history.model._meta.db_table)
            history_copy(
                ClashEvent,
                f"{updated} AND NOT EXISTS (SELECT 1 FROM {history} AS h WHERE h.id = {events}.id)",
                [batch.pk],
                "~",
                f"Before import batch {batch.pk}",
                user_id,
            )
        if report.created:
            cursor.execute(
                f"INSERT INTO {events} ({', '.join(quote(c) for c in event_columns)}) "
                f"SELECT {staged_columns} FROM {staged} WHERE {quote('batch_id')} = %s "
                f"AND {existing} IS NULL ORDER BY {quote('line')}",
                [batch.pk],
            )
            created = f"{event_id} IN ({of_batch.format(event_id, '')})"
            history_copy(ClashEvent, created, [batch.pk], "+", reason, user_id)
        if report.updated:
            pairs = [
                (quote(column), f"s.{quote(StagedEvent._meta.get_field(name).column)}", name)
                for column, name in zip(event_columns, EVENT_FIELDS, strict=True)
            ]
            indexed = indexed_event_fields()
            # Most updates change no indexed column (new fatalities, notes): those rows are written without
            # touching the table's indexes, which costs a third of the time.
            same = " AND ".join(
                f"COALESCE({events}.{column} = {value}, {events}.{column} IS NULL AND {value} IS NULL)"
                for column, value, name in pairs
                if name in indexed
            )
            for written, condition in ((set(EVENT_FIELDS) - indexed, same), (EVENT_FIELDS, f"NOT ({same})")):
                assignments = ", ".join(f"{c} = {value}" for c, value, name in pairs if name in written)
                cursor.execute(
                    f"UPDATE {events} SET {assignments} FROM {staged} AS s WHERE s.{quote('batch_id')} = %s "
                    f"AND s.{existing} = {events}.id AND {condition}",
                    [batch.pk],
                )
            history_copy(ClashEvent, updated, [batch.pk], "~", reason, user_id)
        if report.zawgyi:
            # Only events with cells converted from Zawgyi have a reason of their own, naming what was typed.
            history = quote(ClashEvent.history.model._meta.db_table)
            note, changed_reason = quote("history_note"), quote("history_change_reason")
            cursor.execute(
                f"UPDATE {history} SET {changed_reason} = s.{note} FROM {staged} AS s "
                f"WHERE s.{quote('batch_id')} = %s AND s.{note} IS NOT NULL "
                f"AND {history}.{event_id} = s.{event_id} AND {history}.{changed_reason} = %s",
                [batch.pk, reason],
            )


def indexed_event_fields():
    """The names among EVENT_FIELDS of the columns an index of ClashEvent holds."""
    meta = ClashEvent._meta
    names = {name for index in meta.indexes for name in index.fields}
    names |= {f.name for f in meta.concrete_fields if f.db_index or f.unique or f.is_relation}
    return {name for name in EVENT_FIELDS if meta.get_field(name.removesuffix("_id")).name in names}


def staged_events_clear(batch):
    """Delete what a batch staged, once it is published or has failed: a few chunks per statement, each
    its own short transaction."""
    staged = StagedEvent.objects.filter(batch=batch)
    first, last = staged.aggregate(first=Min("pk"), last=Max("pk")).values()
    if first is None:
        return
    step = CHUNK * 5
    for start in range(first, last + 1, step):
        staged.filter(pk__gte=start, pk__lt=start + step).delete()
