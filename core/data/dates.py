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

from core.data.date_render import (DAY_WORDS, MONTHS, NUMERIC_ORDERS, WEEKDAYS, WORD_ORDERS, YEAR_FIRST_NUMBERS,
                                   compound_day, ordinal_suffix, ordinal_word, render as _render)

FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2069, 12, 31)
CASES = ("title", "lower", "upper")
# The book's file is 2:1:1; lower and UPPER get a little more here because the forms beyond the
# book's are mostly typed in lower case by people and by other date exercises.
CASE_WEIGHTS = (0.4, 0.3, 0.3)
ANSWER_LENGTH = len("2016-11-22")
# Which field each answer character is written from; None for the fixed separators.
ANSWER_FIELDS = ("year",) * 4 + (None,) + ("month",) * 2 + (None,) + ("day",) * 2


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
    sep: str = " "             # words: " " spaced forms; "-", "/" or "" between the fields ("21-Mar-2016")
    apostrophe: bool = False   # a two-digit year written "'85"
    in_year: bool = False      # "the tenth of May in the year 1995"

    @property
    def numeric(self):
        """Numbers only, no letters (so no case)."""
        return self.order in NUMERIC_ORDERS and not self.weekday


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
    # apostrophe years: every spaced form with a month name, its year written "'85"
    styles += [replace(s, year=2, apostrophe=True) for s in styles]
    for order in NUMERIC_ORDERS[:3]:
        styles += [Style(order, month, day, year) for month in ("1", "01") for day in ("1", "01")
                   for year in (2, 4)]
    # a leading four-digit year: dashes and slashes zero-padded or not, dots, spaces, eight digits padded
    styles += [Style(order, "01", "01", 4) for order in YEAR_FIRST_NUMBERS]
    styles += [Style(order, "1", "1", 4) for order in ("y-m-d", "y/m/d")]
    # a weekday before a numeric date: "Monday 4/8/2013", "Sat 2021-05-15" (not before spaced numbers)
    dated = [s for s in styles if s.order in ("m/d/y", "d.m.y", "y-m-d", "y/m/d")]
    styles += [replace(s, weekday=w, weekday_comma=c) for w in ("full", "abbr") for c in (False, True) for s in dated]
    # year first with a month name: "2007 Mar 3", "2001 Jun 4th", "2010/Oct/12", "2004-Dec-09"
    styles += [Style("ymd", month, day, sep=sep) for sep in (" ", "-", "/") for month in ("full", "abbr")
               for day in ("1", "01") + (("1st",) if sep == " " else ())]
    # dashes or slashes with a month name: day first (RFC 850 "Sunday, 06-Nov-94", logs "10/Oct/2000")
    # unless the month name comes first ("Mar-05-2002"); "05MAR2014" with no separator at all
    styles += [Style("dmy", month, day, year, weekday, weekday_comma=bool(weekday), sep=sep)
               for sep in ("-", "/") for month in ("abbr", "full") for day in ("1", "01") for year in (4, 2)
               for weekday in ("", "full", "abbr")]
    styles += [Style("mdy", month, day, sep="-") for month in ("abbr", "full") for day in ("1", "01")]
    styles += [Style("dmy", "abbr", day, year, sep="") for day in ("1", "01") for year in (4, 2)]
    # the day in words: "June fourth, 2003", "the tenth of May in the year 1995", "twenty second of June '77"
    for month in ("full", "abbr"):
        for day in DAY_WORDS:
            for year, apostrophe in ((4, False), (2, True)):
                common = {"month": month, "day": day, "year": year, "apostrophe": apostrophe}
                styles += [Style("mdy", comma=c, **common) for c in ("", "day")]
                styles += [Style("of", comma=c, the=the, **common) for the in (False, True) for c in ("", "month")]
            styles += [Style("of", month, day, the=the, in_year=True) for the in (False, True)]
    return tuple(styles)


STYLES = _all_styles()
STYLE_SET = frozenset(STYLES)


@functools.lru_cache(maxsize=None)
def format_of(style):
    """The format label (without case) of a style, as canonical() gives it for a date."""
    s = style
    if s.order in NUMERIC_ORDERS:
        if s.weekday:
            return "weekday_numeric"
        if s.order == "m/d/y":
            return "short" if (s.month, s.day, s.year) == ("1", "1", 2) else "slash"
        if s.order in ("y-m-d", "y/m/d") and s.day == "1":
            return "iso_unpadded"
        return {"d.m.y": "dot", "d m y": "space", "y-m-d": "iso", "y/m/d": "iso_slash", "y.m.d": "year_dot",
                "y m d": "year_space", "yyyymmdd": "compact"}[s.order]
    if s.day in DAY_WORDS:
        return "day_words"
    if s.apostrophe:
        return "apostrophe"
    if s.order == "ymd":
        return "year_month"
    if s.sep != " ":
        return {"": "compact_mon", "-": "day_mon_dash", "/": "day_mon_dash"}[s.sep] if s.order == "dmy" \
            else "mon_day_dash"
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
    """The style as it reads for this date: a leading zero only shows below 10 (a year-first numeric
    date with both fields above 9 reads as zero-padded ISO), "May" has no abbreviation (so "May 22,
    2016" is `long`, as the book's file has it), and only the 21st-29th and 31st show the joiner of
    their words."""
    changes = {}
    if date.month == 5 and style.month in ("abbr", "abbr."):
        changes["month"] = "full"
    if style.order in YEAR_FIRST_NUMBERS:
        if date.month >= 10 and date.day >= 10:
            changes["month"] = changes["day"] = "01"
    else:
        if style.month == "01" and date.month >= 10:
            changes["month"] = "1"
        if style.day == "01" and date.day >= 10:
            changes["day"] = "1"
    if style.day == "word " and not compound_day(date.day):
        changes["day"] = "word"
    return replace(style, **changes) if changes else style


def format_for(style, date):
    return format_of(canonical(style, date))


# Weights (relative; they sum to 1.07): the book's four keep a solid share (26%) so the book's file
# stays near perfect and its per-format accuracy reads; the forms other date exercises write most (no
# commas, day first, dots, spaced numbers) get 3-4% each; the rarer variants share the rest. The forms
# of issue 21 (what date-parsing libraries are tested on) have 34% in all, the day in words the most of
# them (8%: 31 words, and four ways to place them); the families a first retrain read worst (a weekday
# before numbers, the day in words, dashes with a month name, 05MAR2014) got a point more each, and a
# second retrain, still 99.48% on the day in words ("first" read as the 11th, "third" as the 13th),
# gave it three more.
FORMAT_WEIGHTS = {
    "full": 0.07, "long": 0.07, "medium": 0.07, "short": 0.07,
    "full_nocomma": 0.03, "long_nocomma": 0.03, "medium_nocomma": 0.03,
    "day_month": 0.03, "day_mon": 0.03, "day_comma": 0.03, "dot": 0.04, "space": 0.04,
    "month_first": 0.04, "day_first": 0.04, "ordinal_of": 0.02,
    "slash": 0.03, "iso": 0.02, "iso_slash": 0.02,
    "compact": 0.02, "year_dot": 0.02, "year_space": 0.02, "iso_unpadded": 0.02, "year_month": 0.03,
    "day_mon_dash": 0.04, "mon_day_dash": 0.02, "compact_mon": 0.03, "apostrophe": 0.03,
    "weekday_numeric": 0.04, "day_words": 0.09,
}
FORMATS = tuple(FORMAT_WEIGHTS)
FORMAT_STYLES = {f: tuple(s for s in STYLES if format_of(s) == f) for f in FORMATS}
# A weekday before numbers has 80 styles, 64 of them month or day first ("Fri 5/20/05", "Fri 20.5.05"):
# drawn uniformly, a weekday before zero-padded ISO ("Fri 2005-05-20", 4 styles) got 5% of the family
# (0.15% of all data) and the family was read 96% right. Its four numeric orders are drawn evenly instead (ISO's padded and unpadded forms have
# four styles each, so they share their order evenly).
def _groups(fmt, key):
    keys = dict.fromkeys(key(s) for s in FORMAT_STYLES[fmt])
    return tuple(tuple(s for s in FORMAT_STYLES[fmt] if key(s) == k) for k in keys)


FORMAT_GROUPS = {"weekday_numeric": _groups("weekday_numeric", lambda s: s.order)}
NUMERIC_FORMATS = tuple(f for f in FORMATS if FORMAT_STYLES[f][0].numeric)
WORD_FORMATS = tuple(f for f in FORMATS if f not in NUMERIC_FORMATS)
# The formats of issue 21, apart, so tables can show old and new; runs saved before it were trained
# on the others only (with an input width of 38 and no apostrophe or 'x': see trained_formats).
NEW_FORMATS = FORMATS[FORMATS.index("compact"):]
OLD_FORMATS = FORMATS[:FORMATS.index("compact")]
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
    "compact": Style("yyyymmdd", "01", "01", 4),
    "year_dot": Style("y.m.d", "01", "01", 4),
    "year_space": Style("y m d", "01", "01", 4),
    "iso_unpadded": Style("y-m-d", "1", "1", 4),
    "year_month": Style("ymd", "abbr", "1"),
    "day_mon_dash": Style("dmy", "abbr", "01", sep="-"),
    "mon_day_dash": Style("mdy", "abbr", "01", sep="-"),
    "compact_mon": Style("dmy", "abbr", "01", sep=""),
    "apostrophe": Style("mdy", "full", "1", 2, comma="day", apostrophe=True),
    "weekday_numeric": Style("m/d/y", "1", "1", 4, weekday="full"),
    "day_words": Style("mdy", "full", "word", comma="day"),
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
        day = _two_digits(d0, d1) if self.question[d0:d1].isdigit() else [(d0, d1)] * 2   # "fourth"
        return year + [None] + month + [None] + day


def _two_digits(start, end):
    if end - start == 2:
        return [(start, start + 1), (start + 1, end)]
    return [(start, end), (start, end)]   # the added '0', then the digit itself


def _style(fmt_or_style):
    if isinstance(fmt_or_style, Style):
        return fmt_or_style
    if fmt_or_style not in REPRESENTATIVE:
        raise ValueError(f"unknown date format {fmt_or_style!r}")
    return REPRESENTATIVE[fmt_or_style]


def render(date, style, case="title"):
    """One date written in one style (or a format's representative style) -> (text, spans)."""
    return _render(date, _style(style), case)


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
    ("05 Nov" is day_mon, but a style with a leading zero on the 22nd writes the plain day). A format
    with groups (a weekday before numbers) first picks its group evenly, then a style inside it."""
    groups = FORMAT_GROUPS.get(fmt)
    styles = groups[pick % len(groups)] if groups else FORMAT_STYLES[fmt]
    pick = pick // len(groups) if groups else pick
    for k in range(len(styles)):
        style = styles[(pick + k) % len(styles)]
        if format_for(style, date) == fmt:
            return style
    return styles[pick % len(styles)]   # the format cannot show on this date (medium in May): its twin


# The longest string: the longest month, weekday and day words (the 27th, "twenty-seventh") with
# two-digit days: "the twenty-seventh of september in the year 2015". Field lengths do not depend on
# each other, so some style on one of these dates writes it (tests check it on random dates).
_LONGEST_DATES = (dt.date(2015, 9, 23), dt.date(2015, 9, 27))   # a Wednesday, and the 27th
INPUT_WIDTH = max(len(render(d, s)[0]) for d in _LONGEST_DATES for s in STYLES)


def trained_formats(chars, input_width):
    """The formats a model with this vocabulary and width learnt from the generator: every one, or for
    a run saved before issue 21 (its vocabulary lacks the new forms' characters, its width is shorter)
    the formats of that time."""
    return FORMATS if set(alphabet()) <= set(chars) and input_width >= INPUT_WIDTH else OLD_FORMATS


@functools.lru_cache(maxsize=1)
def alphabet():
    """Every character the generator writes, in questions or answers, plus padding and start: the
    characters of its names, words and separators in every case."""
    words = MONTHS + WEEKDAYS + [ordinal_word(d) for d in range(1, 32)] + ["st nd rd th the of in year"]
    chars = set(" _-0123456789,./'")
    for text in words:
        chars |= set(text) | set(text.lower()) | set(text.upper()) | set(text.title())
    return "".join(sorted(chars))
