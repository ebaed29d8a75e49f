"""The date formats' labels in plain words, each with an example: what the Errors page shows beside the
generator's short labels ("medium" -> "month abbreviated, day, year: Nov 22, 2016").

The examples are written by the generator itself (core.data.dates.render), so they can never disagree
with what a format means; the names are the only thing kept by hand, and a test checks that every
format has one.
"""
import datetime as dt

from core.data import dates

EXAMPLE_DATE = dt.date(2016, 11, 22)
# A format whose point is the missing leading zeros shows a date that has some to miss.
EXAMPLE_DATES = {"iso_unpadded": dt.date(2016, 3, 5)}

NAMES = {
    "full": "weekday, month, day, year",
    "long": "month, day, year",
    "medium": "month abbreviated, day, year",
    "short": "M/D/YY numbers",
    "full_nocomma": "weekday, month, day, year, no commas",
    "long_nocomma": "month, day, year, no commas",
    "medium_nocomma": "month abbreviated, day, year, no commas",
    "day_month": "day, month, year",
    "day_mon": "day, month abbreviated, year",
    "day_comma": "day, month abbreviated, comma, year",
    "dot": "day.month.year numbers",
    "space": "day month year numbers",
    "month_first": "month first with weekday or ordinal",
    "day_first": "day first with weekday or ordinal",
    "ordinal_of": "\"the ...th of\" month",
    "slash": "MM/DD/YYYY numbers",
    "iso": "ISO year-month-day",
    "iso_slash": "year/month/day numbers",
    "compact": "eight digits, year first",
    "year_dot": "year.month.day numbers",
    "year_space": "year month day numbers",
    "iso_unpadded": "year-month-day, no leading zeros",
    "year_month": "year, month abbreviated, day",
    "day_mon_dash": "day-month-year, month abbreviated",
    "mon_day_dash": "month-day-year, month abbreviated",
    "compact_mon": "day, month, year run together",
    "apostrophe": "month, day, 'YY",
    "weekday_numeric": "weekday, then M/D/YYYY",
    "day_words": "the day in words",
}


def describe(label):
    """(plain name, example) of a format label as evaluations carry it ("medium/lower", "short"); the
    example is written in the label's case, which says it. An unknown label (a data file's own, or
    "all") is its own name, with no example."""
    fmt, _, case = label.partition("/")
    if fmt not in NAMES:
        return label, None
    date = EXAMPLE_DATES.get(fmt, EXAMPLE_DATE)
    return NAMES[fmt], dates.render(date, fmt, case or "title")[0]


def shown(label):
    """One line for a chart or a list: 'nov 22, 2016 · month abbreviated, day, year'."""
    name, example = describe(label)
    return label if example is None else f"{example} · {name}"
