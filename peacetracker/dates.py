"""Dates known to a day, a month or a year, stored as a date plus its precision."""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .numerals import digits_localize


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    UNKNOWN = "unknown", _("not known")


class PrecisionField(models.CharField):
    """How precisely the date beside it is known."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("choices", DatePrecision.choices)
        kwargs.setdefault("default", DatePrecision.DAY)
        super().__init__(*args, **kwargs)


# Month names and date patterns come from the site's own catalogue, so that each language writes dates
# in its own order: "1–2 August 2011" in English, "2011 ခုနှစ် ဩဂုတ်လ 1–2 ရက်" in Burmese.
MONTH_NAMES = {
    1: pgettext_lazy("month name", "January"),
    2: pgettext_lazy("month name", "February"),
    3: pgettext_lazy("month name", "March"),
    4: pgettext_lazy("month name", "April"),
    5: pgettext_lazy("month name", "May"),
    6: pgettext_lazy("month name", "June"),
    7: pgettext_lazy("month name", "July"),
    8: pgettext_lazy("month name", "August"),
    9: pgettext_lazy("month name", "September"),
    10: pgettext_lazy("month name", "October"),
    11: pgettext_lazy("month name", "November"),
    12: pgettext_lazy("month name", "December"),
}


def _month(date):
    return str(MONTH_NAMES[date.month])


def _one(date, precision):
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        return pgettext("date", "{month} {year}").format(month=_month(date), year=date.year)
    return pgettext("date", "{day} {month} {year}").format(day=date.day, month=_month(date), year=date.year)


def format_partial_date(start, precision, end=None, fallback="", language=None):
    """Render a date or a range only as precisely as it is known, in the active language (or `language`,
    for a caller writing many dates)."""
    if start is None or precision == DatePrecision.UNKNOWN:
        return fallback
    language = language or get_language()
    return digits_localize(_range_in(language, start, precision, end), language)


@functools.lru_cache(maxsize=4096)
def _range_in(language, start, precision, end):
    """`_range` for the active language, kept: a list page writes the same few hundred dates each time."""
    return _range(start, precision, end)


def _range(start, precision, end):
    if end is None or end == start:
        return _one(start, precision)
    if precision == DatePrecision.YEAR:
        return f"{start.year}–{end.year}"
    if precision == DatePrecision.MONTH:
        if start.year == end.year:
            return pgettext("date range", "{start_month} – {end_month} {year}").format(
                start_month=_month(start), end_month=_month(end), year=end.year
            )
        return pgettext("date range", "{start} – {end}").format(
            start=_one(start, precision), end=_one(end, precision)
        )
    if start.year == end.year and start.month == end.month:
        return pgettext("date range", "{start_day}–{end_day} {month} {year}").format(
            start_day=start.day, end_day=end.day, month=_month(end), year=end.year
        )
    if start.year == end.year:
        return pgettext("date range", "{start_day} {start_month} – {end_day} {end_month} {year}").format(
            start_day=start.day,
            start_month=_month(start),
            end_day=end.day,
            end_month=_month(end),
            year=end.year,
        )
    return pgettext("date range", "{start} – {end}").format(
        start=_one(start, precision), end=_one(end, precision)
    )


def format_period(start, end, current=False, fallback=""):
    """A period between two formatted dates: "2010 – 2012", "since 2010", "until 2012", "2010 – present"."""
    if current:
        end = gettext("present")
    if start and end:
        return pgettext("date range", "{start} – {end}").format(start=start, end=end)
    if start:
        return gettext("since {start}").format(start=start)
    if end:
        return gettext("until {end}").format(end=end)
    return fallback


def validate_partial_date(date, precision, field_name):
    """Refuse a date that claims more than its precision says (a day for a month-only date)."""
    if date is None:
        return
    if precision == DatePrecision.MONTH and date.day != 1:
        raise ValidationError(
            {field_name: _("A date known to the month is stored as the 1st of that month.")}
        )
    if precision == DatePrecision.YEAR and (date.month, date.day) != (1, 1):
        raise ValidationError(
            {field_name: _("A date known to the year is stored as 1 January of that year.")}
        )


def period_end(date, precision):
    """The last day a partial date can stand for, for comparisons across precisions."""
    if precision == DatePrecision.YEAR:
        return datetime.date(date.year, 12, 31)
    if precision == DatePrecision.MONTH:
        next_month = datetime.date(date.year + date.month // 12, date.month % 12 + 1, 1)
        return next_month - datetime.timedelta(days=1)
    return date


class Dated(models.Model):
    """Something that happened on a date or over a range, known to some precision."""

    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Only for a range of dates.")
    )
    date_precision = PrecisionField(_("date precision"))
    date_text = models.CharField(
        _("date as published"),
        max_length=100,
        blank=True,
        help_text=_('Exactly as the source writes it, e.g. "01-02/08/11".'),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(date__isnull=False, end_date__gte=models.F("date")),
                name="%(app_label)s_%(class)s_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    @property
    def display_date(self):
        return format_partial_date(self.date, self.date_precision, self.end_date, fallback=self.date_text)

    def clean(self):
        super().clean()
        validate_partial_date(self.date, self.date_precision, "date")
        validate_partial_date(self.end_date, self.date_precision, "end_date")
        if self.date_precision != DatePrecision.UNKNOWN and self.date is None:
            raise ValidationError({"date": _("Give the date, or set its precision to 'not known'.")})
