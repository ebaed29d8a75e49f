"""Reading dates back: parse(text) turns a string in any of the generator's forms (any case) into
its DateExample, impossible(text) says why a string in such a form names no date ("31 February 2020").
The Attention page's right answer; the data loader's labels for a file's lines.
"""
import calendar
import datetime as dt
import re

from core.data.dates import MONTHS, STYLE_SET, WEEKDAYS, DateExample, Style, format_for, label_of, ordinal_suffix

_MONTH_NUMBER = {}
for _i, _name in enumerate(MONTHS, start=1):
    _MONTH_NUMBER[_name.lower()] = _MONTH_NUMBER[_name[:3].lower()] = _i
_WEEKDAY_NUMBER = {}
for _i, _name in enumerate(WEEKDAYS):
    _WEEKDAY_NUMBER[_name.lower()] = _WEEKDAY_NUMBER[_name[:3].lower()] = _i
_alternatives = lambda names: "|".join(sorted(names, key=len, reverse=True))
_WD = rf"(?:({_alternatives(_WEEKDAY_NUMBER)})(,)? )?"
_MN = rf"({_alternatives(_MONTH_NUMBER)})(\.)?"
_DAY = r"(\d{1,2})(st|nd|rd|th)?"
_MDY = re.compile(rf"{_WD}{_MN} {_DAY}(,)? (\d{{4}})")
_DMY = re.compile(rf"{_WD}(the )?{_DAY}(,)?( of)? {_MN}(,)? (\d{{4}})")
_NUMBERS = re.compile(r"(\d{1,4})([/. -])(\d{1,2})\2(\d{1,4})")
_NUMERIC_ORDER = {"/": "m/d/y", ".": "d.m.y", " ": "d m y"}
_FULL_MONTHS = frozenset(name.lower() for name in MONTHS)


def _read(text):
    """What a string in one of the generator's forms says, the date not checked: (year, month, day,
    weekday or None, style, spans, ordinal suffix or None, month period or None); None when the text
    is in none of the forms."""
    low = text.lower()
    m = _NUMBERS.fullmatch(low)
    if m:
        a, sep, b, c = m.groups()
        if len(a) == 4:
            if sep not in "-/" or len(c) > 2:
                return None
            order, (y, mo, d), (ys, ms, ds) = f"y{sep}m{sep}d", (a, b, c), (1, 3, 4)
        else:
            if sep not in _NUMERIC_ORDER or len(a) > 2 or len(c) not in (2, 4):
                return None
            order = _NUMERIC_ORDER[sep]
            (y, mo, d), (ys, ms, ds) = ((c, a, b), (4, 1, 3)) if order == "m/d/y" else ((c, b, a), (4, 3, 1))
        # ISO is always zero-padded; elsewhere a two-digit field shows a zero only when it has one
        digits = lambda f: "01" if len(f) == 2 and (f[0] == "0" or order[0] == "y") else "1"
        style = Style(order, digits(mo), digits(d), len(y))
        year = int(y) if len(y) == 4 else (1900 if int(y) >= 70 else 2000) + int(y)
        spans = {"year": m.span(ys), "month": m.span(ms), "day": m.span(ds)}
        return year, int(mo), int(d), None, style, spans, None, None
    m = _MDY.fullmatch(low)
    if m:
        weekday, weekday_comma, month, period, day, suffix, comma, year = m.groups()
        order, the, where, groups = "mdy", None, "day" if comma else "", (8, 3, 5)
    else:
        m = _DMY.fullmatch(low)
        if not m:
            return None
        weekday, weekday_comma, the, day, suffix, day_comma, of, month, period, comma, year = m.groups()
        if day_comma and comma:
            return None
        order, where = "of" if of else "dmy", "day" if day_comma else ("month" if comma else "")
        groups = (11, 8, 4)
    style = Style(order,
                  month="abbr." if period else ("full" if month in _FULL_MONTHS else "abbr"),
                  day="1st" if suffix else ("01" if day[0] == "0" and len(day) == 2 else "1"),
                  weekday="" if not weekday else ("abbr" if len(weekday) == 3 else "full"),
                  weekday_comma=bool(weekday_comma), comma=where, the=bool(the))
    spans = {name: m.span(g) for name, g in zip(("year", "month", "day"), groups)}
    wd = _WEEKDAY_NUMBER[weekday] if weekday else None
    return int(year), _MONTH_NUMBER[month], int(day), wd, style, spans, suffix, period


def _case_of(text, month_start):
    """The case a text is written in, or None when it is in none of the generator's."""
    if text.islower():
        return "lower"
    if text.isupper():
        return "upper"
    low = text.lower()
    if low == text:
        return "title"                  # no letters at all: a numeric form
    # Title case capitalises the first word (a weekday or "The", or "the" mid-sentence) and the month
    title = low[:month_start] + low[month_start].upper() + low[month_start + 1:]
    return "title" if text in (title[0].upper() + title[1:], title) else None


def parse(text):
    """The DateExample for a string written in one of the generator's forms (any case), or None.

    The forms are unambiguous (one order per separator, the month name's place fixes the order of
    words), so a string reads as at most one date; it must be exactly what the generator writes
    (tests check that render() gives back the very same string).
    """
    text = text.strip()
    read = _read(text)
    if read is None:
        return None
    year, month, day, weekday, style, spans, suffix, period = read
    if style not in STYLE_SET or year < 1000:
        return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if weekday is not None and weekday != date.weekday():
        return None
    if suffix and (suffix != ordinal_suffix(day) or text[spans["day"][0]] == "0"):
        return None
    if period and month == 5:          # "May" is not an abbreviation: no period
        return None
    case = _case_of(text, spans["month"][0])
    if case is None:
        return None
    return DateExample(text, date.isoformat(), label_of(format_for(style, date), case), spans, style, case)


def impossible(text):
    """A one-line reason when text is written in a known form but names a date that does not exist
    (or a weekday that does not match it), else None."""
    read = _read(text.strip())
    if read is None or read[4] not in STYLE_SET:
        return None
    year, month, day, weekday = read[:4]
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
