"""Reading dates back: parse(text) turns a string in any of the generator's forms (any case) into
its DateExample, impossible(text) says why a string in such a form names no date ("31 February 2020").
The Attention page's right answer; the data loader's labels for a file's lines.

Each pattern below reads the fields of one family of forms and the Style they are written in; a
string is a date when its style is one the generator writes and the generator, given that date and
style, writes the very same string (so "22th", "05th", "May." and mixed case are refused).
"""
import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from core.data.dates import MONTHS, STYLE_SET, WEEKDAYS, Style, example, ordinal_word

_MONTH_NUMBER = {}
for _i, _name in enumerate(MONTHS, start=1):
    _MONTH_NUMBER[_name.lower()] = _MONTH_NUMBER[_name[:3].lower()] = _i
_WEEKDAY_NUMBER = {}
for _i, _name in enumerate(WEEKDAYS):
    _WEEKDAY_NUMBER[_name.lower()] = _WEEKDAY_NUMBER[_name[:3].lower()] = _i
_DAY_WORD = {ordinal_word(d, joiner): d for d in range(1, 32) for joiner in "- "}
_FULL_MONTHS = frozenset(name.lower() for name in MONTHS)
_alternatives = lambda names: "|".join(sorted(names, key=len, reverse=True))

_WD = rf"(?:(?P<wd>{_alternatives(_WEEKDAY_NUMBER)})(?P<wdc>,)? )?"
_MN = rf"(?P<mon>{_alternatives(_MONTH_NUMBER)})(?P<per>\.)?"
_DAY = rf"(?:(?P<dn>\d{{1,2}})(?P<suf>st|nd|rd|th)?|(?P<dw>{_alternatives(_DAY_WORD)}))"
_YEAR = r"(?P<apo>')?(?P<y>\d{4}|\d{2})"
_PATTERNS = [re.compile(p) for p in (
    # "Tuesday, November 22, 2016", "June 3, '85", "march second 2012"
    rf"{_WD}{_MN} {_DAY}(?P<c>,)? {_YEAR}",
    # "22 Nov, 2016", "Tuesday the 1st of March, 2016", "the tenth of may in the year 1995"
    rf"{_WD}(?P<the>the )?{_DAY}(?P<dc>,)?(?P<of> of)? {_MN}(?P<mc>,| in the year)? {_YEAR}",
    # "21-Mar-2016", "Friday, 14-Jun-19", "12/APR/2015", "05MAR2014"
    rf"{_WD}(?P<dn>\d{{1,2}})(?P<sep>[-/]?){_MN}(?P=sep){_YEAR}",
    # "Mar-05-2002"
    rf"{_MN}(?P<sep>-)(?P<dn>\d{{1,2}})-{_YEAR}",
    # "2007 Mar 3", "2001 Jun 4th", "2010/Oct/12", "2004-Dec-09"
    rf"(?P<y>\d{{4}})(?P<sep>[ /-]){_MN}(?P=sep)(?P<dn>\d{{1,2}})(?P<suf>st|nd|rd|th)?",
    # numbers, after a weekday or not: "11/22/16", "22.11.2016", "2018-7-4", "Sat 2021-05-15"
    rf"{_WD}(?P<a>\d{{1,4}})(?P<sep>[/. -])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{1,4}})",
    # eight digits, year first
    r"(?P<y>\d{4})(?P<b>\d{2})(?P<c>\d{2})",
)]
_NUMERIC_ORDER = {"/": "m/d/y", ".": "d.m.y", " ": "d m y"}


@dataclass(frozen=True)
class _Reading:
    """What a string says in one family's terms, the date not checked."""
    year: int
    month: int
    day: int
    weekday: int    # 0 = Monday, or None
    style: Style


def _readings(text):
    """Every reading of text (lower-cased) by the patterns that match it whole."""
    low = text.lower()
    for number, pattern in enumerate(_PATTERNS):
        m = pattern.fullmatch(low)
        if m:
            reading = _numbers(m.groupdict()) if number >= 5 else _words(m.groupdict(), number)
            if reading:
                yield reading


def _year(digits):
    return int(digits) if len(digits) == 4 else (1900 if int(digits) >= 70 else 2000) + int(digits)


def _weekday_fields(g):
    wd = g.get("wd")
    return {"weekday": "" if not wd else ("abbr" if len(wd) == 3 else "full"), "weekday_comma": bool(g.get("wdc"))}


def _words(g, number):
    month = "abbr." if g["per"] else ("full" if g["mon"] in _FULL_MONTHS else "abbr")
    word = g.get("dw")
    if word:
        day, day_style = _DAY_WORD[word], "word " if " " in word else "word"
    else:
        day = int(g["dn"])
        day_style = "1st" if g.get("suf") else ("01" if len(g["dn"]) == 2 and g["dn"][0] == "0" else "1")
    fields = dict(month=month, day=day_style, year=len(g["y"]), apostrophe=bool(g.get("apo")), **_weekday_fields(g))
    if number == 0:
        style = Style("mdy", comma="day" if g["c"] else "", **fields)
    elif number == 1:
        if g["dc"] and g["mc"]:
            return None
        comma = "day" if g["dc"] else ("month" if g["mc"] == "," else "")
        style = Style("of" if g["of"] else "dmy", comma=comma, the=bool(g["the"]),
                      in_year=g["mc"] == " in the year", **fields)
    else:
        style = Style({2: "dmy", 3: "mdy", 4: "ymd"}[number], sep=g["sep"], **fields)
    if g["mon"] == "may" and style not in STYLE_SET:
        style = replace(style, month="abbr")   # "05MAY2014": a form that abbreviates every other month
    wd = g.get("wd")
    return _Reading(_year(g["y"]), _MONTH_NUMBER[g["mon"]], day, _WEEKDAY_NUMBER[wd] if wd else None, style)


def _numbers(g):
    a, sep, b, c = g.get("a") or g["y"], g.get("sep", ""), g["b"], g["c"]
    if len(a) == 4:
        if len(c) > 2:
            return None
        order = f"y{sep}m{sep}d" if sep else "yyyymmdd"
        # year first: zero-padded (ISO) or not at all
        padded = "01" if len(b) == 2 and len(c) == 2 else "1"
        style, (y, mo, d) = Style(order, padded, padded, 4), (a, b, c)
    else:
        if sep not in _NUMERIC_ORDER or len(a) > 2 or len(c) not in (2, 4):
            return None
        order = _NUMERIC_ORDER[sep]
        y, mo, d = (c, a, b) if order == "m/d/y" else (c, b, a)
        # a two-digit field shows a zero only when it has one
        digits = lambda f: "01" if len(f) == 2 and f[0] == "0" else "1"
        style = Style(order, digits(mo), digits(d), len(y))
    wd = g.get("wd")
    if wd:
        style = replace(style, **_weekday_fields(g))
    return _Reading(_year(y), int(mo), int(d), _WEEKDAY_NUMBER[wd] if wd else None, style)


def parse(text):
    """The DateExample for a string written in one of the generator's forms (any case), or None.

    The forms are unambiguous (one order per separator, the month name's place fixes the order of
    words, a leading four-digit year is year-month-day), so a string reads as at most one date.
    """
    text = text.strip()
    for r in _readings(text):
        if r.style not in STYLE_SET or r.year < 1000:
            continue
        try:
            date = dt.date(r.year, r.month, r.day)
        except ValueError:
            return None
        if r.weekday is not None and r.weekday != date.weekday():
            return None
        written = _as_written(text, date, r.style)
        if written:
            return written
    return None


def _as_written(text, date, style):
    """The generator's example of date in style, in the case that writes exactly text, or None."""
    cases = ("lower",) if text.islower() else ("upper",) if text.isupper() else ("title",)
    for case in (("title",) if style.numeric else cases):
        e = example(date, style, case)
        if e.question == text:
            return e
        if case == "title" and e.question.startswith("The ") and text == "t" + e.question[1:]:
            return replace(e, question=text)   # mid-sentence "the 22nd of November 2016" is Title too
    return None


def impossible(text):
    """A one-line reason when text is written in a known form but names a date that does not exist
    (or a weekday that does not match it), else None."""
    for r in _readings(text.strip()):
        if r.style in STYLE_SET:
            return calendar_problem(r.year, r.month, r.day, r.weekday)
    return None


def calendar_problem(year, month, day, weekday=None):
    """Why year-month-day (and weekday, 0 = Monday) is no date of the calendar, in one line, or None."""
    if not 1 <= year <= 9999:
        return f"year {year} is outside the calendar"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        return "there is no day 0"
    if day > last:
        if month == 2 and day == 29:
            return f"{year} is not a leap year: February {year} has 28 days"
        return f"{MONTHS[month - 1]} {year} has only {last} days"
    date = dt.date(year, month, day)
    if weekday is not None and weekday != date.weekday():
        return (f"{MONTHS[month - 1]} {day}, {year} is a {WEEKDAYS[date.weekday()]}, "
                f"not a {WEEKDAYS[weekday]}")
    return None
