"""The built-in date generator: seeded examples of dates written as people write them -> "YYYY-MM-DD".

How a date is written is a Style (order, month as name/abbreviation/number, day plain/zero-padded/
ordinal, weekday, commas); styles are grouped into formats, each with a label:

  the book's four, exactly its strings:
    full "Tuesday, November 22, 2016"   long "November 22, 2016"   medium "Nov 22, 2016"   short "11/22/16"
  month first, no commas:  full_nocomma "Tuesday November 22 2016", long_nocomma "November 22 2016",
                           medium_nocomma "Nov 22 2016"
  month first, the rest:   month_first "Tue, Nov. 22nd, 2016", "November 05 2016", ...
  day first:               day_month "22 November 2016", day_mon "22 Nov 2016" / "05 Nov 2016",
                           day_comma "22 Nov, 2016" / "22, Nov 2016",
                           day_first (weekday, ordinal or "Nov.") "Tue 22 Nov 2016", "22nd November 2016",
                           ordinal_of "the 22nd of November 2016"
  numbers, one order per separator, so no string reads as two dates:
    slashes month first    short (M/D/YY, no leading zeros), slash "11/22/2016", "01/05/16"
    dots day first         dot "22.11.16", "22.11.2016", "5.3.16"
    spaces day first       space "22 11 16", "5 03 16"
    a leading 4-digit year iso "2016-11-22", iso_slash "2016/11/22"
Two-digit years: 70-99 -> 19YY, 00-69 -> 20YY. Word formats come in Title, lower and UPPER case and
are labelled "format/case" ("long/lower"); numeric formats have no case ("short").

Every example keeps its label and the input span of its year, month and day, so accuracy and
attention can be judged per format and per character (char_sources).
"""
import datetime as dt
import functools
from dataclasses import dataclass, field, replace

import numpy as np

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2069, 12, 31)
CASES = ("title", "lower", "upper")
# The book's file is 2:1:1; lower and UPPER get a little more here because the forms beyond the
# book's are mostly typed in lower case by people and by other date exercises.
CASE_WEIGHTS = (0.4, 0.3, 0.3)
ANSWER_LENGTH = len("2016-11-22")
# Which field each answer character is written from; None for the fixed separators.
ANSWER_FIELDS = ("year",) * 4 + (None,) + ("month",) * 2 + (None,) + ("day",) * 2

WORD_ORDERS = ("mdy", "dmy", "of")
NUMERIC_ORDERS = ("m/d/y", "d.m.y", "d m y", "y-m-d", "y/m/d")   # the separator names the order


@dataclass(frozen=True)
class Style:
    """How one date is written (see the module's docstring for examples)."""
    order: str                 # one of WORD_ORDERS or NUMERIC_ORDERS
    month: str = "full"        # words: "full", "abbr", "abbr." (with a period); numbers: "1" or "01"
    day: str = "1"             # "1", "01" (leading zero below 10), "1st" (ordinal)
    year: int = 4              # digits
    weekday: str = ""          # "", "full", "abbr"
    weekday_comma: bool = False
    comma: str = ""            # the date's comma: "", "day" (after the day), "month" (after the month)
    the: bool = False          # "the 22nd of November"

    @property
    def numeric(self):
        return self.order in NUMERIC_ORDERS


def _all_styles():
    styles = []
    weekdays = [("", False), ("full", False), ("full", True), ("abbr", False), ("abbr", True)]
    for weekday, weekday_comma in weekdays:
        for month in ("full", "abbr", "abbr."):
            common = {"month": month, "weekday": weekday, "weekday_comma": weekday_comma}
            for day in ("1", "01", "1st"):
                styles += [Style("mdy", day=day, comma=c, **common) for c in ("", "day")]
                # "22, Nov 2016" is a form of its own; after a weekday it would read oddly
                styles += [Style("dmy", day=day, comma=c, **common)
                           for c in ("", "month") + (("day",) if not weekday else ())]
            styles += [Style("of", day="1st", comma=c, the=the, **common)
                       for the in (False, True) for c in ("", "month")]
    for order in NUMERIC_ORDERS[:3]:
        styles += [Style(order, month, day, year) for month in ("1", "01") for day in ("1", "01")
                   for year in (2, 4)]
    # ISO order is always written with leading zeros
    styles += [Style(order, "01", "01", 4) for order in NUMERIC_ORDERS[3:]]
    return tuple(styles)


STYLES = _all_styles()
STYLE_SET = frozenset(STYLES)


@functools.lru_cache(maxsize=None)
def format_of(style):
    """The format label (without case) of a style, reading "01" as a visible leading zero."""
    s = style
    if s.numeric:
        if s.order == "m/d/y":
            return "short" if (s.month, s.day, s.year) == ("1", "1", 2) else "slash"
        return {"d.m.y": "dot", "d m y": "space", "y-m-d": "iso", "y/m/d": "iso_slash"}[s.order]
    if s.order == "of":
        return "ordinal_of"
    book_month = {"full": "long", "abbr": "medium"}.get(s.month)
    if s.order == "mdy":
        if s.day == "1" and book_month:
            if not s.weekday:
                return book_month if s.comma == "day" else f"{book_month}_nocomma"
            if s.weekday == "full" and s.month == "full" and s.weekday_comma == (s.comma == "day"):
                return "full" if s.comma else "full_nocomma"
        return "month_first"
    if not s.weekday and s.day in ("1", "01") and book_month:
        if s.comma:
            return "day_comma"
        return "day_month" if s.month == "full" else "day_mon"
    return "day_first"


def canonical(style, date):
    """The style as it reads for this date: a leading zero only shows below 10, and "May" has no
    abbreviation (so "May 22, 2016" is `long`, as the book's file has it)."""
    changes = {}
    if date.month == 5 and style.month in ("abbr", "abbr."):
        changes["month"] = "full"
    if style.month == "01" and date.month >= 10:
        changes["month"] = "1"
    if style.day == "01" and date.day >= 10:
        changes["day"] = "1"
    return replace(style, **changes) if changes else style


def format_for(style, date):
    return format_of(canonical(style, date))


# Weights: the book's four keep a solid share (36%) so the book's file stays near perfect and its
# per-format accuracy reads; the forms other date exercises write most (no commas, day first, dots,
# spaced numbers) get 5% each; the many rarer variants share the rest.
FORMAT_WEIGHTS = {
    "full": 0.09, "long": 0.09, "medium": 0.09, "short": 0.09,
    "full_nocomma": 0.05, "long_nocomma": 0.05, "medium_nocomma": 0.05,
    "day_month": 0.05, "day_mon": 0.05, "day_comma": 0.05, "dot": 0.05, "space": 0.05,
    "month_first": 0.06, "day_first": 0.06, "ordinal_of": 0.03,
    "slash": 0.04, "iso": 0.03, "iso_slash": 0.02,
}
FORMATS = tuple(FORMAT_WEIGHTS)
FORMAT_STYLES = {f: tuple(s for s in STYLES if format_of(s) == f) for f in FORMATS}
NUMERIC_FORMATS = tuple(f for f in FORMATS if FORMAT_STYLES[f][0].numeric)
WORD_FORMATS = tuple(f for f in FORMATS if f not in NUMERIC_FORMATS)
# One style per format for render(date, "format") and for variants().
REPRESENTATIVE = {
    "full": Style("mdy", "full", "1", weekday="full", weekday_comma=True, comma="day"),
    "long": Style("mdy", "full", "1", comma="day"),
    "medium": Style("mdy", "abbr", "1", comma="day"),
    "short": Style("m/d/y", "1", "1", 2),
    "full_nocomma": Style("mdy", "full", "1", weekday="full"),
    "long_nocomma": Style("mdy", "full", "1"),
    "medium_nocomma": Style("mdy", "abbr", "1"),
    "day_month": Style("dmy", "full", "1"),
    "day_mon": Style("dmy", "abbr", "1"),
    "day_comma": Style("dmy", "abbr", "1", comma="month"),
    "dot": Style("d.m.y", "01", "01", 2),
    "space": Style("d m y", "01", "1", 2),
    "month_first": Style("mdy", "abbr.", "1st", weekday="abbr", weekday_comma=True, comma="day"),
    "day_first": Style("dmy", "abbr", "1", weekday="abbr"),
    "ordinal_of": Style("of", "full", "1st", the=True),
    "slash": Style("m/d/y", "1", "1", 4),
    "iso": Style("y-m-d", "01", "01", 4),
    "iso_slash": Style("y/m/d", "01", "01", 4),
}


def label_of(fmt, case):
    return fmt if fmt in NUMERIC_FORMATS else f"{fmt}/{case}"


@dataclass(frozen=True)
class DateExample:
    question: str          # unpadded input text
    answer: str            # "YYYY-MM-DD"
    label: str             # format and case, e.g. "full/title", "short"
    spans: dict            # field -> (start, end) character span in question (day: its digits only)
    style: Style = field(default=None, compare=False, repr=False)
    case: str = field(default="title", compare=False, repr=False)

    def source_spans(self):
        """For each answer character, the (start, end) input span of its field, or None."""
        return [self.spans[f] if f else None for f in ANSWER_FIELDS]

    def char_sources(self):
        """For each answer character, the input characters (start, end) it is written from, or None.

        A digit copied from a number -> that one character; the month's digits written from a name
        -> the name; a '0' added before a one-digit day or month -> the field; the century of a
        two-digit year -> the two digits; the '-' separators -> None.
        """
        (y0, y1), (m0, m1), (d0, d1) = (self.spans[f] for f in ("year", "month", "day"))
        if y1 - y0 == 4:
            year = [(y0 + i, y0 + i + 1) for i in range(4)]
        else:
            year = [(y0, y1), (y0, y1), (y0, y0 + 1), (y0 + 1, y1)]
        month = _two_digits(m0, m1) if self.question[m0:m1].isdigit() else [(m0, m1)] * 2
        return year + [None] + month + [None] + _two_digits(d0, d1)


def _two_digits(start, end):
    if end - start == 2:
        return [(start, start + 1), (start + 1, end)]
    return [(start, end), (start, end)]   # the added '0', then the digit itself


def ordinal_suffix(day):
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _style(fmt_or_style):
    if isinstance(fmt_or_style, Style):
        return fmt_or_style
    if fmt_or_style not in REPRESENTATIVE:
        raise ValueError(f"unknown date format {fmt_or_style!r}")
    return REPRESENTATIVE[fmt_or_style]


def render(date, style, case="title"):
    """One date written in one style (or a format's representative style) -> (text, spans)."""
    s = _style(style)
    if s.numeric:
        return _render_numbers(date, s)
    parts = []
    if s.weekday:
        name = WEEKDAYS[date.weekday()]
        parts += [(name if s.weekday == "full" else name[:3], None), (", " if s.weekday_comma else " ", None)]
    month = [(MONTHS[date.month - 1], "month")]
    if s.month != "full" and date.month != 5:   # "May" is not abbreviated, and takes no period
        month = [(MONTHS[date.month - 1][:3], "month")] + ([(".", None)] if s.month == "abbr." else [])
    day = [(f"{date.day:02d}" if s.day == "01" else str(date.day), "day")]
    if s.day == "1st":
        day.append((ordinal_suffix(date.day), None))
    year = [(str(date.year), "year")]
    after_day = (", " if s.comma == "day" else " ", None)
    after_month = (", " if s.comma == "month" else " ", None)
    if s.order == "mdy":
        parts += month + [(" ", None)] + day + [after_day] + year
    elif s.order == "dmy":
        parts += day + [after_day] + month + [after_month] + year
    else:
        parts += ([("the ", None)] if s.the else []) + day + [(" of ", None)] + month + [after_month] + year
    if case == "title" and parts[0][0] == "the ":
        parts[0] = ("The ", None)
    elif case != "title":
        change = str.lower if case == "lower" else str.upper
        parts = [(change(piece), f) for piece, f in parts]
    return _write(parts)


def _render_numbers(date, s):
    values = {"y": str(date.year) if s.year == 4 else f"{date.year % 100:02d}",
              "m": f"{date.month:02d}" if s.month == "01" else str(date.month),
              "d": f"{date.day:02d}" if s.day == "01" else str(date.day)}
    names = {"y": "year", "m": "month", "d": "day"}
    separator = s.order[1]
    parts = []
    for key in s.order[::2]:
        if parts:
            parts.append((separator, None))
        parts.append((values[key], names[key]))
    return _write(parts)


def _write(parts):
    """Join (text, field) parts; return the string and each field's character span."""
    text, spans = "", {}
    for piece, f in parts:
        if f:
            spans[f] = (len(text), len(text) + len(piece))
        text += piece
    return text, spans


def example(date, style, case="title"):
    """The DateExample of one date in one style (or a format's representative style) and case."""
    s = _style(style)
    case = "title" if s.numeric else case
    text, spans = render(date, s, case)
    return DateExample(text, date.isoformat(), label_of(format_for(s, date), case), spans, s, case)


def generate(n, seed=0, formats=None):
    """n examples: dates uniform over FIRST_DAY..LAST_DAY, formats and cases drawn by weight, and a
    style drawn uniformly among the format's styles that read as that format for the date."""
    rng = np.random.default_rng(seed)
    formats = list(formats or FORMATS)
    weights = np.array([FORMAT_WEIGHTS[f] for f in formats])
    span_days = (LAST_DAY - FIRST_DAY).days + 1
    days = rng.integers(0, span_days, n)
    fmt_ids = rng.choice(len(formats), n, p=weights / weights.sum())
    case_ids = rng.choice(len(CASES), n, p=CASE_WEIGHTS)
    picks = rng.integers(0, 1 << 30, n)
    out = []
    for d, f, c, pick in zip(days.tolist(), fmt_ids.tolist(), case_ids.tolist(), picks.tolist()):
        date, fmt = FIRST_DAY + dt.timedelta(days=d), formats[f]
        e = example(date, _pick_style(fmt, date, pick), CASES[c])
        if e.question.startswith("The ") and pick % 2:
            # mid-sentence people write "the 22nd of November 2016": both are Title case here
            e = replace(e, question="t" + e.question[1:])
        out.append(e)
    return out


def _pick_style(fmt, date, pick):
    """The pick-th style of the format, or the next one that still reads as that format on this date
    ("05 Nov" is day_mon, but a style with a leading zero on the 22nd writes the plain day)."""
    styles = FORMAT_STYLES[fmt]
    for k in range(len(styles)):
        style = styles[(pick + k) % len(styles)]
        if format_for(style, date) == fmt:
            return style
    return styles[pick % len(styles)]   # the format cannot show on this date (medium in May): its twin


def _longest_date():
    """A date with the longest weekday name, the longest month name and a two-digit day."""
    longest_weekday, longest_month = max(map(len, WEEKDAYS)), max(map(len, MONTHS))
    day = FIRST_DAY
    while (len(WEEKDAYS[day.weekday()]), len(MONTHS[day.month - 1]), day.day >= 10) != \
            (longest_weekday, longest_month, True):
        day += dt.timedelta(days=1)
    return day


# Field lengths do not depend on each other, so the longest string is some style on that date.
INPUT_WIDTH = max(len(render(_longest_date(), s)[0]) for s in STYLES)


@functools.lru_cache(maxsize=1)
def alphabet():
    """Every character the generator writes, in questions or answers, plus padding and start."""
    chars = set(" _-0123456789")
    # every style in every case on dates 37 days apart: they cover each month, weekday and suffix
    sample = [dt.date(2016, 1, 1) + dt.timedelta(days=37 * k) for k in range(24)]
    for s in STYLES:
        for case in (("title",) if s.numeric else CASES):
            for date in (sample if not s.numeric else sample[:1]):
                chars |= set(render(date, s, case)[0])
    return "".join(sorted(chars))
