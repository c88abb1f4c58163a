"""What an import found and did: its counts, its problems with their lines, the actors it could not match.

The same report is the admin's preview, the command's output and what an import batch stores.
"""

from collections import Counter
from dataclasses import dataclass, field

from peacetracker.text import original_excerpt, text_from_zawgyi

PROBLEMS_KEPT = 500
ZAWGYI_SAMPLE = 20

RELINK_REFUSED = (
    "Only a moderator can confirm a file that re-links events already imported to another organisation: "
    "ask a moderator to check and import this file."
)


class ImportFileError(Exception):
    """A problem with the whole file (encoding, size, header) rather than with one row."""


class ImportConflict(Exception):
    """Events the batch staged changed before it could publish them (another import, an edit)."""


@dataclass
class Problem:
    """One reason a row cannot be imported: where it starts in the file, which column and why."""

    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Report:
    """What an import found and did: the counts, every problem (up to a limit) and unmatched actors."""

    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    missing: int = 0
    missing_sample: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    file_problems: list = field(default_factory=list)
    unmatched: Counter = field(default_factory=Counter)
    strict: bool = False
    invalid_problem_count: int = 0
    relinked: Counter = field(default_factory=Counter)
    relinked_events: int = 0
    relink_allowed: bool = True
    zawgyi: Counter = field(default_factory=Counter)
    zawgyi_sample: list = field(default_factory=list)
    # (column, cell as typed) of each cell of the record read last that was converted from Zawgyi.
    row_zawgyi: list = field(default_factory=list, repr=False, compare=False)

    @property
    def ok(self):
        return not self.invalid and not self.file_problems and not self.relink_refused

    @property
    def relink_refused(self):
        """The file moves existing events to another organisation, and its importer may not confirm that."""
        return bool(self.relinked_events) and not self.relink_allowed

    @property
    def problems_not_shown(self):
        return max(0, self.invalid_problem_count - len(self.problems))

    def add_problem(self, line, column, message):
        self.invalid_problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(line, column, message))

    def unmatched_list(self):
        """Unmatched actor names with how many rows name them, most frequent first."""
        return self.unmatched.most_common()

    def zawgyi_list(self):
        """(column, how many of its cells were converted from Zawgyi), in the file's column order."""
        return list(self.zawgyi.items())

    def zawgyi_convert(self, line, header, cells):
        """`cells` with Zawgyi converted to Unicode and every text NFC; counts the conversions per column,
        keeps the first few cells as typed, and the record's own in `row_zawgyi` for its history."""
        self.row_zawgyi = []
        for index, cell in enumerate(cells):
            text, converted = text_from_zawgyi(cell)
            if converted:
                self.row_zawgyi.append((header[index], cell))
                self.zawgyi[header[index]] += 1
                if len(self.zawgyi_sample) < ZAWGYI_SAMPLE:
                    self.zawgyi_sample.append([line, header[index], original_excerpt(cell)])
            cells[index] = text
        return cells

    def relinked_list(self):
        """(organisation before, organisation now, how many events), most frequent first."""
        return [(before, now, count) for (before, now), count in self.relinked.most_common()]

    def summary_lines(self):
        """The summary in plain words, the same in the admin preview and on the command line."""
        kind = "events" if self.format == "acled" else "tallies"
        lines = [
            f"{self.rows} rows read: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.invalid} invalid."
        ]
        lines += [f"File: {message}" for message in self.file_problems]
        lines += [str(problem) for problem in self.problems]
        if self.problems_not_shown:
            lines.append(f"… and {self.problems_not_shown} more problems not listed.")
        if self.unmatched:
            lines.append(
                "Actors matching no organisation (add an alias and import again):"
                if self.format == "acled"
                else "Names matching no organisation (kept as text):"
            )
            lines += [f"  {name}: {count} rows" for name, count in self.unmatched_list()]
        if self.zawgyi:
            lines.append("Cells converted from Zawgyi to Unicode:")
            lines += [f"  {column}: {count} cells" for column, count in self.zawgyi_list()]
            lines += [f"  line {line}, {name}, as typed: {text}" for line, name, text in self.zawgyi_sample]
        if self.relinked_events:
            lines.append(
                f"{self.relinked_events} events already imported would be re-linked to another organisation:"
            )
            lines += [
                f"  re-linked from {before} to {now}: {count} events"
                for before, now, count in self.relinked_list()
            ]
            if self.relink_refused:
                lines.append(RELINK_REFUSED)
        if self.missing:
            sample = ", ".join(self.missing_sample)
            lines.append(
                f"{self.missing} {kind} already imported are not in this file (kept, not deleted): {sample}"
                + (" …" if self.missing > len(self.missing_sample) else "")
            )
        return lines

    @classmethod
    def from_json(cls, fmt, data):
        """A report as stored on its import batch."""
        return cls(
            format=fmt,
            rows=data.get("rows", 0),
            created=data.get("created", 0),
            updated=data.get("updated", 0),
            unchanged=data.get("unchanged", 0),
            invalid=data.get("invalid", 0),
            missing=data.get("missing", 0),
            missing_sample=data.get("missing_sample", []),
            problems=[Problem(*problem) for problem in data.get("problems", [])],
            file_problems=data.get("file_problems", []),
            unmatched=Counter(dict(data.get("unmatched", []))),
            invalid_problem_count=data.get("problem_count", 0),
            relinked=Counter({(before, now): count for before, now, count in data.get("relinked", [])}),
            relinked_events=data.get("relinked_events", 0),
            relink_allowed=data.get("relink_allowed", True),
            zawgyi=Counter(dict(data.get("zawgyi", []))),
            zawgyi_sample=data.get("zawgyi_sample", []),
        )

    def as_json(self):
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "missing": self.missing,
            "missing_sample": self.missing_sample,
            "problems": [[p.line, p.column, p.message] for p in self.problems],
            "problem_count": self.invalid_problem_count,
            "file_problems": self.file_problems,
            "unmatched": self.unmatched_list(),
            "relinked": self.relinked_list(),
            "relinked_events": self.relinked_events,
            "relink_allowed": self.relink_allowed,
            "zawgyi": self.zawgyi_list(),
            "zawgyi_sample": self.zawgyi_sample,
        }
