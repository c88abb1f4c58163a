import datetime

import pytest
from django.core.exceptions import ValidationError

from peacetracker.dates import DatePrecision, format_partial_date, validate_partial_date

D = datetime.date


@pytest.mark.parametrize(
    ("start", "precision", "end", "expected"),
    [
        (D(2011, 6, 17), DatePrecision.DAY, None, "17 June 2011"),
        (D(2011, 8, 1), DatePrecision.DAY, D(2011, 8, 2), "1–2 August 2011"),
        (D(2012, 3, 8), DatePrecision.DAY, D(2012, 3, 10), "8–10 March 2012"),
        (D(2011, 6, 30), DatePrecision.DAY, D(2011, 7, 2), "30 June – 2 July 2011"),
        (D(2011, 12, 30), DatePrecision.DAY, D(2012, 1, 2), "30 December 2011 – 2 January 2012"),
        (D(2011, 8, 1), DatePrecision.MONTH, None, "August 2011"),
        (D(2011, 6, 1), DatePrecision.MONTH, D(2011, 8, 1), "June – August 2011"),
        (D(2009, 1, 1), DatePrecision.YEAR, None, "2009"),
        (D(2009, 1, 1), DatePrecision.YEAR, D(2015, 1, 1), "2009–2015"),
    ],
)
def test_dates_are_shown_only_as_precisely_as_they_are_known(start, precision, end, expected):
    assert format_partial_date(start, precision, end) == expected


def test_unknown_date_shows_the_text_as_published():
    assert format_partial_date(None, DatePrecision.UNKNOWN, fallback="May 28") == "May 28"


def test_month_precision_refuses_a_specific_day():
    with pytest.raises(ValidationError, match="1st of that month"):
        validate_partial_date(D(2013, 7, 15), DatePrecision.MONTH, "formed")


def test_year_precision_refuses_a_specific_month():
    with pytest.raises(ValidationError, match="1 January"):
        validate_partial_date(D(2013, 7, 1), DatePrecision.YEAR, "joined")
