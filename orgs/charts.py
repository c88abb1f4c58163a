"""Geometry of the clashes page's bar charts, computed here and drawn as inline SVG by a template.

The charts are horizontal bars, one row per figure, grouped by year, so that the label each bar
needs (who claims it, "as of" a date, against whom) has room on a phone. Reported figures and
events are charted separately and nothing here adds one figure to another.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import get_language, gettext

from peacetracker.numerals import digits_localize


@dataclass(frozen=True)
class Metrics:
    """The sizes of a chart for one script, in the units of its viewBox; the text size is site.css's for
    the chart's `chart-<script>` class."""

    script: str
    width: int
    plot_left: float
    plot_right: float
    char_width: float  # a generous average advance of one character at the text size
    digit_width: float  # the same for the characters of a number
    line: float  # the height of a line of text
    baseline: float  # from the top of a line of text to its baseline
    bar_height: float
    value_baseline: float  # from the top of a bar to the baseline of its value
    note_line: float
    note_baseline: float
    tick_baseline: float  # below the plot
    axis_label_baseline: float  # below the plot
    bottom: float
    steps: int  # about how many steps the axis has


# 13-unit text, narrow enough to stay readable when a phone scales the chart down.
LATIN = Metrics(
    script="latin",
    width=400,
    plot_left=48,
    plot_right=400 - 56,
    char_width=7.2,
    digit_width=7.2,
    line=16,
    baseline=12,
    bar_height=16,
    value_baseline=12.5,
    note_line=18,
    note_baseline=13,
    tick_baseline=16,
    axis_label_baseline=36,
    bottom=46,
    steps=5,
)
# Burmese needs 16 px to be read, and room above and below a line for its stacked vowels and medials: a
# chart 320 units wide, drawn no wider than 400 px (site.css), shows 16-unit text at 16–20 px from a
# 360 px phone to a desktop. Fewer axis steps leave room between the wider Myanmar numbers.
MYANMAR = Metrics(
    script="myanmar",
    width=320,
    plot_left=56,
    plot_right=320 - 56,
    char_width=8,
    digit_width=9.6,
    line=26,
    baseline=18,
    bar_height=22,
    value_baseline=16.5,
    note_line=28,
    note_baseline=19,
    tick_baseline=22,
    axis_label_baseline=50,
    bottom=60,
    steps=3,
)
PLOT_LEFT = LATIN.plot_left
PLOT_RIGHT = LATIN.plot_right
LABEL_INDENT = 4
TOP = 6
ROW_GAP = 5
GROUP_GAP = 12
MAX_LABEL_LINES = 2


def metrics_for_language(language=None):
    """The metrics for the reader's language (the active one unless named)."""
    return MYANMAR if (language or get_language() or "").startswith("my") else LATIN


@dataclass(frozen=True)
class Line:
    """A line of text and the y of its baseline."""

    text: str
    y: float


@dataclass(frozen=True)
class Bar:
    """One bar: a single figure or a single year's event count, with its labels' positions."""

    year: int
    value: int
    high: int | None
    value_text: str
    label: str
    partial: bool
    x: float
    y: float
    width: float
    height: float
    range_width: float
    label_y: float | None
    value_x: float
    value_y: float
    value_inside: bool
    figure_id: int | None = None
    label_lines: tuple[Line, ...] = ()

    @property
    def end(self):
        return round(self.x + self.width + self.range_width, 2)

    @property
    def range_x(self):
        return round(self.x + self.width, 2)


@dataclass(frozen=True)
class YearGroup:
    """The bars of one year, with the year written once at the left."""

    year: int
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Note:
    """Text in place of bars, e.g. for years without figures, with the lines it is drawn on."""

    text: str
    y: float
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws, in the coordinates of its viewBox."""

    metrics: Metrics
    key: str
    title: str
    description: str
    axis_label: str
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    groups: tuple[YearGroup, ...]
    notes: tuple[Note, ...]
    ticks: tuple[Tick, ...]
    separators: tuple[float, ...]

    @property
    def bars(self):
        return [bar for group in self.groups for bar in group.bars]

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"

    @property
    def script(self):
        return self.metrics.script

    @property
    def year_x(self):
        return self.plot_left - 8

    @property
    def label_x(self):
        return self.plot_left + LABEL_INDENT

    @property
    def tick_label_y(self):
        return round(self.plot_bottom + self.metrics.tick_baseline, 2)

    @property
    def axis_label_y(self):
        return round(self.plot_bottom + self.metrics.axis_label_baseline, 2)

    @property
    def has_partial(self):
        return any(bar.partial for bar in self.bars)


@dataclass(frozen=True)
class _BarSpec:
    value: int
    high: int | None
    value_text: str
    label: str = ""
    partial: bool = False
    figure_id: int | None = None
    opponent: str = ""  # "against …", on the first bar of those against one opponent
    details: str = ""  # the label without the opponent: who claims it, "as of" a date
    run: int = 0  # which opponent's bars this is one of


@dataclass(frozen=True)
class _Group:
    year: int
    specs: tuple[_BarSpec, ...]


@dataclass(frozen=True)
class _Gap:
    text: str


def clash_figure_charts(figures: Iterable) -> list[Chart]:
    """One chart per organisation: a bar for each yearly clash count, disputed and partial ones apart."""
    by_organisation = {}
    for figure in figures:
        if figure.kind == "clashes" and figure.year is not None and figure.count is not None:
            by_organisation.setdefault(figure.organisation_id, []).append(figure)
    return [_figure_chart(rows) for rows in by_organisation.values()]


def event_year_chart(counts: Mapping[int, int], subject: str = "") -> Chart | None:
    """A bar per year from the first to the last year with events, each the number of events."""
    if not counts:
        return None
    first, last = min(counts), max(counts)
    items = [
        _Group(year, (_BarSpec(counts.get(year, 0), None, _number(counts.get(year, 0))),))
        for year in range(first, last + 1)
    ]
    title = (
        gettext("Events per year: {subject}").format(subject=subject)
        if subject
        else gettext("Events per year")
    )
    summary = digits_localize(
        " ".join(f"{year}: {counts.get(year, 0):,}." for year in range(first, last + 1))
    )
    description = gettext(
        "Number of recorded events in each year, for the events matching the filters. {summary} "
        "The latest year may be incomplete."
    ).format(summary=summary)
    return _layout("events", title, description, gettext("Number of events"), items, separated=False)


def _figure_chart(figures):
    organisation = figures[0].organisation
    items = []
    previous_year = None
    for year in sorted({figure.year for figure in figures}):
        if previous_year is not None and year - previous_year > 1:
            missing = (
                str(previous_year + 1) if year - previous_year == 2 else f"{previous_year + 1}–{year - 1}"
            )
            items.append(
                _Gap(gettext("No figures published for {years}").format(years=digits_localize(missing)))
            )
        items.append(_Group(year, _year_specs([f for f in figures if f.year == year])))
        previous_year = year
    title = gettext("Clashes reported per year: {organisation}").format(organisation=organisation)
    description = (
        gettext(
            "Reported numbers of clashes, one bar per report. Reports for the same year are separate bars "
            "and are not added together; hatched bars count only part of a year."
        )
        + " "
        + _describe(items)
    )
    return _layout(
        f"clashes-{organisation.slug}", title, description, gettext("Number of clashes reported"), items
    )


def _year_specs(figures):
    """A year's figures, those against the same opponent next to each other, disputed ones included; where
    the year has several opponents, each is named once, on the first of its bars."""
    opponents = list(dict.fromkeys(_opponent_key(figure) for figure in figures))
    ordered = sorted(figures, key=lambda f: (opponents.index(_opponent_key(f)), f.is_partial, f.pk or 0))
    name_opponent = len(opponents) > 1
    specs = []
    for figure in ordered:
        run = opponents.index(_opponent_key(figure))
        first_of_run = not specs or specs[-1].run != run
        opponent = _opponent_phrase(figure) if name_opponent and first_of_run else ""
        details = _details(figure)
        specs.append(
            _BarSpec(
                value=figure.count,
                high=figure.count_high,
                value_text=_value_text(figure),
                label=", ".join(part for part in (opponent, details) if part),
                partial=figure.is_partial,
                figure_id=figure.pk,
                opponent=opponent,
                details=details,
                run=run,
            )
        )
    return tuple(specs)


def _opponent_key(figure):
    if figure.opponent_id is not None:
        return f"id:{figure.opponent_id}"
    return f"text:{figure.opponent_text.casefold()}"


def _published_name(organisation):
    if organisation is not None and organisation.is_published:
        return organisation.short_name
    return ""


def opponent_label(figure):
    """Who the figure's clashes were against, as published; never an unpublished organisation's name."""
    if figure.opponent_text:
        return figure.opponent_text
    return _published_name(figure.opponent) if figure.opponent_id else ""


def claimant_label(figure):
    """Who claims the figure, as published; never an unpublished organisation's name."""
    if figure.claimed_by_text:
        return figure.claimed_by_text
    return _published_name(figure.claimed_by) if figure.claimed_by_id else ""


def _opponent_phrase(figure):
    opponent = opponent_label(figure)
    return (
        gettext("against {opponent}").format(opponent=opponent)
        if opponent
        else gettext("opponent not stated")
    )


def _details(figure):
    parts = []
    claimant = claimant_label(figure)
    if claimant:
        parts.append(gettext("according to {claimant}").format(claimant=claimant))
    if figure.is_partial:
        as_of = figure.display_as_of
        parts.append(gettext("as of {date}").format(date=as_of) if as_of else gettext("part of the year"))
    return ", ".join(parts)


def _value_text(figure):
    text = _number(figure.count)
    if figure.count_high is not None:
        text += f"–{_number(figure.count_high)}"
    if figure.qualifier != "exact":
        text = f"{figure.get_qualifier_display()} {text}"
    return text


def _number(value):
    return digits_localize(f"{value:,}")


def _describe(items):
    sentences = []
    for item in items:
        if isinstance(item, _Gap):
            sentences.append(f"{item.text}.")
            continue
        runs = {}
        for spec in item.specs:
            runs.setdefault(spec.run, []).append(spec)
        reports = "; ".join(_describe_run(specs) for specs in runs.values())
        sentences.append(f"{digits_localize(str(item.year))}: {reports}.")
    return " ".join(sentences)


def _describe_run(specs):
    """One opponent's figures of a year: named once, each figure with its own claimant and date."""
    figures = [f"{spec.value_text}{' ' + spec.details if spec.details else ''}" for spec in specs]
    if not specs[0].opponent:
        return "; ".join(figures)
    if len(figures) == 1:
        return f"{figures[0]} {specs[0].opponent}"
    return gettext("{opponent}: {figures}").format(opponent=specs[0].opponent, figures=" / ".join(figures))


def nice_scale(largest, steps=5):
    """The axis maximum and tick step for a largest value, in about `steps` steps of 1, 2 or 5 times a
    power of ten."""
    if largest <= 0:
        return 1, 1
    raw = largest / steps
    step = 1
    if raw > 1:
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(largest / step), step


def wrap(text, limit, max_lines=None):
    """`text` in lines of at most `limit` characters, broken at spaces; past `max_lines`, cut with "…"."""
    lines = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.extend(word[start : start + limit] for start in range(0, len(word), limit))
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines


def _layout(key, title, description, axis_label, items, separated=True):
    """Place the items top to bottom; `separated` puts a rule between years, for multi-bar years."""
    m = metrics_for_language()
    line_chars = int((m.width - m.plot_left - LABEL_INDENT) / m.char_width)
    largest = max(
        (
            max(spec.value, spec.high or 0)
            for item in items
            if isinstance(item, _Group)
            for spec in item.specs
        ),
        default=0,
    )
    axis_max, step = nice_scale(largest, m.steps)
    plot_width = m.plot_right - m.plot_left

    def length(value):
        return round(value / axis_max * plot_width, 2)

    def lines_from(top, texts):
        return tuple(Line(text, round(top + m.baseline + n * m.line, 2)) for n, text in enumerate(texts))

    groups, notes, separators = [], [], []
    y = TOP
    for index, item in enumerate(items):
        if index and separated:
            separators.append(round(y + GROUP_GAP / 2, 2))
            y += GROUP_GAP
        elif index:
            y += ROW_GAP
        if isinstance(item, _Gap):
            texts = wrap(item.text, line_chars)
            top = y + m.note_baseline - m.baseline
            lines = lines_from(top, texts)
            notes.append(Note(item.text, lines[0].y, lines))
            y += m.note_line + (len(texts) - 1) * m.line
            continue
        bars = []
        for number, spec in enumerate(item.specs):
            if number:
                y += ROW_GAP
            label_lines = lines_from(y, wrap(spec.label, line_chars, MAX_LABEL_LINES))
            y += len(label_lines) * m.line
            width = length(spec.value)
            range_width = length(spec.high) - width if spec.high is not None else 0
            end = m.plot_left + width + range_width
            value_inside = end + 4 + len(spec.value_text) * m.digit_width > m.width
            bars.append(
                Bar(
                    year=item.year,
                    value=spec.value,
                    high=spec.high,
                    value_text=spec.value_text,
                    label=" ".join(line.text for line in label_lines),
                    partial=spec.partial,
                    x=m.plot_left,
                    y=round(y, 2),
                    width=width,
                    height=m.bar_height,
                    range_width=round(range_width, 2),
                    label_y=label_lines[0].y if label_lines else None,
                    value_x=round(end - 4 if value_inside else end + 4, 2),
                    value_y=round(y + m.value_baseline, 2),
                    value_inside=value_inside,
                    figure_id=spec.figure_id,
                    label_lines=label_lines,
                )
            )
            y += m.bar_height
        first = bars[0]
        groups.append(YearGroup(item.year, first.label_y or first.value_y, tuple(bars)))
    plot_bottom = round(y + 4, 2)
    ticks = tuple(
        Tick(value, round(m.plot_left + length(value), 2), _number(value))
        for value in range(0, axis_max + 1, step)
    )
    return Chart(
        metrics=m,
        key=key,
        title=title,
        description=description,
        axis_label=axis_label,
        width=m.width,
        height=round(plot_bottom + m.bottom, 2),
        plot_left=m.plot_left,
        plot_right=m.plot_right,
        plot_top=TOP - 2,
        plot_bottom=plot_bottom,
        groups=tuple(groups),
        notes=tuple(notes),
        ticks=ticks,
        separators=tuple(separators),
    )
