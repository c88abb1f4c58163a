"""Reported yearly clash tallies: checked, then written all or nothing as figures awaiting moderation (or
as revisions of the published figures they change)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from orgs.models import ClashFigure, Organisation
from peacetracker import services
from peacetracker.dates import DatePrecision
from peacetracker.models import Citation, Source

from .parsing import ActorMatcher, csv_records, normalise, parse_partial_date, parse_whole

TALLY_COLUMNS = ["organisation", "opponent", "year", "count", "as_of", "claimed_by", "source"]


class TallyImport:
    """Reads, checks and (unless a dry run) writes one file of reported yearly tallies."""

    def __init__(self, report, batch=None, user=None, write=True, progress=None):
        self.report = report
        self.batch = batch
        self.user = user
        self.write = write
        self.progress = progress
        self.matcher = ActorMatcher()
        self.names = dict(Organisation.objects.values_list("pk", "name"))
        self.seen = set()
        self.existing = {}
        for figure in ClashFigure.objects.filter(kind=ClashFigure.Kind.CLASHES).order_by("pk"):
            self.existing.setdefault(self.figure_key(figure), figure)

    @staticmethod
    def side(pk, text):
        return ("organisation", pk) if pk is not None else ("text", normalise(text))

    def figure_key(self, figure):
        return (
            figure.organisation_id,
            self.side(figure.opponent_id, figure.opponent_text),
            figure.year,
            self.side(figure.claimed_by_id, figure.claimed_by_text),
        )

    def run(self, stream):
        report = self.report
        rows = []
        for line, header, cells in csv_records(stream, "tallies", report):
            report.rows += 1
            row = {name: cells[header.index(name)] if name in header else "" for name in TALLY_COLUMNS}
            values = self.check(line, row)
            if values is not None:
                values["zawgyi"] = report.row_zawgyi
                rows.append(values)
        if self.progress:
            self.progress(report.rows)
        changes = [(values, self.change_of(values)) for values in rows]
        if self.write and report.ok:
            # Read and checked outside any transaction; written in one, all or nothing.
            with transaction.atomic():
                for values, change in changes:
                    self.save(values, change)

    def check(self, line, row):
        report = self.report
        problems = report.invalid_problem_count
        organisation = row["organisation"].strip()
        organisation_id = self.matcher.match(organisation) if organisation else None
        if not organisation:
            report.add_problem(line, "organisation", "the organisation is missing")
        elif organisation_id is None:
            report.add_problem(
                line,
                "organisation",
                f'no organisation is known as "{organisation}"; add it or an alias first',
            )
        values = {"organisation_id": organisation_id, "line": line}
        for column in ("opponent", "claimed_by"):
            text = row[column].strip()
            found = self.matcher.match(text) if text else None
            if text and found is None:
                report.unmatched[text] += 1
                if report.strict:
                    report.add_problem(line, column, f'no organisation is known as "{text}"')
            values[f"{column}_id"], values[f"{column}_text"] = found, text
        try:
            values["year"] = parse_whole(row["year"], 1900, 2200, "a year") if row["year"].strip() else None
            if values["year"] is None:
                report.add_problem(line, "year", "the year is missing")
        except ValueError as error:
            report.add_problem(line, "year", str(error))
        try:
            values["count"] = parse_whole(row["count"], 0, 2_147_483_647) if row["count"].strip() else None
            if values["count"] is None:
                report.add_problem(line, "count", "the count is missing")
        except ValueError as error:
            report.add_problem(line, "count", str(error))
        values["as_of"], values["as_of_precision"] = None, DatePrecision.UNKNOWN
        if row["as_of"].strip():
            try:
                values["as_of"], values["as_of_precision"] = parse_partial_date(row["as_of"])
            except ValueError as error:
                report.add_problem(line, "as_of", str(error))
        values["source"] = row["source"].strip()
        if len(values["source"]) > 300:
            report.add_problem(line, "source", "the text is longer than 300 characters")
        for column in ("opponent_text", "claimed_by_text"):
            if len(values[column]) > 200:
                report.add_problem(
                    line, column.removesuffix("_text"), "the text is longer than 200 characters"
                )
        if report.invalid_problem_count == problems:
            key = (
                organisation_id,
                self.side(values["opponent_id"], values["opponent_text"]),
                values["year"],
                self.side(values["claimed_by_id"], values["claimed_by_text"]),
            )
            if key in self.seen:
                report.add_problem(
                    line,
                    "",
                    "this organisation, opponent, year and claimant appear more than once in the file",
                )
            self.seen.add(key)
            values["key"] = key
        if report.invalid_problem_count != problems:
            report.invalid += 1
            return None
        return values

    def printed(self, values):
        claimant = values["claimed_by_text"] or self.names.get(values["claimed_by_id"], "")
        text = f"{values['count']:,} clashes in {values['year']}"
        return f"{text} according to {claimant}" if claimant else text

    def change_of(self, values):
        figure = self.existing.get(values["key"])
        if figure is None:
            self.report.created += 1
            return None
        same = (
            figure.count == values["count"]
            and figure.as_of == values["as_of"]
            and (figure.as_of is None or figure.as_of_precision == values["as_of_precision"])
            and figure.opponent_text == values["opponent_text"]
            and figure.claimed_by_text == values["claimed_by_text"]
        )
        if same:
            self.report.unchanged += 1
            return False
        self.report.updated += 1
        return figure

    def change_reason(self, values, columns=TALLY_COLUMNS):
        """The reason on the history of what a row writes: the batch's, and what was typed in Zawgyi in those
        of its `columns` that were converted."""
        typed = [(name, text) for name, text in values["zawgyi"] if name in columns]
        return self.batch.zawgyi_change_reason(typed) if typed else self.batch.change_reason

    def save(self, values, figure):
        if figure is False:
            return
        reason = self.change_reason(values)
        if figure is None:
            figure = ClashFigure(organisation_id=values["organisation_id"], kind=ClashFigure.Kind.CLASHES)
        for name in ("opponent_id", "opponent_text", "year", "count", "as_of", "claimed_by_id"):
            setattr(figure, name, values[name])
        figure.claimed_by_text = values["claimed_by_text"]
        figure.as_of_precision = values["as_of_precision"]
        figure.qualifier = ClashFigure.Qualifier.EXACT
        figure.printed_as = self.printed(values)
        if figure.pk is not None and figure.stored_status == ClashFigure.Status.PUBLISHED:
            # A published figure stays as readers know it: the import proposes a revision, which a
            # moderator approves like an editor's change.
            children = {"citations": [*figure.citations.all(), *self.new_citations(values, figure)]}
            services.revision_propose(figure, self.user, children, note=reason, permission_checked=True)
            return
        # Imported tallies are moderated content like any other: they wait for a moderator's approval.
        figure.status = ClashFigure.Status.IN_REVIEW
        figure._change_reason = reason
        figure._history_user = self.user
        figure.save()
        for citation in self.new_citations(values, figure):
            citation._change_reason = reason
            citation._history_user = self.user
            citation.save()

    def new_citations(self, values, figure):
        """The citation of the row's source, if the figure does not cite it yet."""
        if values["source"]:
            source_text = values["source"]
            is_link = source_text.startswith(("http://", "https://"))
            source = Source.objects.filter(**{"url" if is_link else "title": source_text}).first()
            if source is None:
                source = Source(title=source_text, url=source_text if is_link else "")
                source.status = Source.Status.IN_REVIEW
                source._change_reason = self.change_reason(values, ["source"])
                source._history_user = self.user
                source.save()
            link = {
                "source": source,
                "content_type": ContentType.objects.get_for_model(ClashFigure),
                "object_id": figure.pk,
                "locator": "",
            }
            if not Citation.objects.filter(**link).exists():
                return [Citation(**link)]
        return []
