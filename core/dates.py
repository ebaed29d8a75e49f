"""The built-in date generator: seeded examples of many written dates -> ISO "YYYY-MM-DD".

Formats (the first four are the book's; all of them read every string as exactly one date):
  full       "Tuesday, November 22, 2016"     long     "November 22, 2016"
  medium     "Nov 22, 2016"                   short    "11/22/16"  (M/D/YY: 70-99 -> 19YY, 00-69 -> 20YY)
  day_first  "22 November 2016"               iso      "2016-11-22"
Word formats come in Title, lower and UPPER case (2:1:1, like the book's file). Every example keeps
its format label and, for each field, the span of input characters it was written from, so accuracy
and attention can be judged per format and per character.
"""
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2069, 12, 31)
CASES = ("title", "lower", "upper")
CASE_WEIGHTS = (0.5, 0.25, 0.25)
WORD_FORMATS = ("full", "long", "medium", "day_first")
FORMAT_WEIGHTS = {"full": 1.0, "long": 1.0, "medium": 1.0, "short": 1.0, "day_first": 0.5, "iso": 0.5}
INPUT_WIDTH = len("Wednesday, September 30, 2017")   # the longest string any format writes: 29
ANSWER_LENGTH = len("2016-11-22")
# Which field each answer character is written from; None for the fixed separators.
ANSWER_FIELDS = ("year",) * 4 + (None,) + ("month",) * 2 + (None,) + ("day",) * 2


@dataclass(frozen=True)
class DateExample:
    question: str          # unpadded input text
    answer: str            # "YYYY-MM-DD"
    label: str             # format and case, e.g. "full/title", "short"
    spans: dict            # field -> (start, end) character span in question

    def source_spans(self):
        """For each answer character, the (start, end) input span it comes from, or None."""
        return [self.spans[field] if field else None for field in ANSWER_FIELDS]


def _write(parts):
    """Join (text, field) parts; return the string and each field's character span."""
    text, spans = "", {}
    for piece, field in parts:
        if field:
            spans[field] = (len(text), len(text) + len(piece))
        text += piece
    return text, spans


def _apply_case(parts, case):
    change = {"title": lambda s: s, "lower": str.lower, "upper": str.upper}[case]
    return [(change(piece), field) for piece, field in parts]


def render(date, fmt, case="title"):
    """One date written in one format -> (text, spans)."""
    month, weekday = MONTHS[date.month - 1], WEEKDAYS[date.weekday()]
    day, year = str(date.day), str(date.year)
    if fmt == "full":
        parts = [(weekday, None), (", ", None), (month, "month"), (" ", None), (day, "day"),
                 (", ", None), (year, "year")]
    elif fmt == "long":
        parts = [(month, "month"), (" ", None), (day, "day"), (", ", None), (year, "year")]
    elif fmt == "medium":
        parts = [(month[:3], "month"), (" ", None), (day, "day"), (", ", None), (year, "year")]
    elif fmt == "day_first":
        parts = [(day, "day"), (" ", None), (month, "month"), (" ", None), (year, "year")]
    elif fmt == "short":
        parts = [(str(date.month), "month"), ("/", None), (day, "day"), ("/", None), (year[2:], "year")]
    elif fmt == "iso":
        parts = [(year, "year"), ("-", None), (f"{date.month:02d}", "month"), ("-", None),
                 (f"{date.day:02d}", "day")]
    else:
        raise ValueError(f"unknown date format {fmt!r}")
    if fmt in WORD_FORMATS:
        parts = _apply_case(parts, case)
    return _write(parts)


def label_of(fmt, case):
    return f"{fmt}/{case}" if fmt in WORD_FORMATS else fmt


def example(date, fmt, case="title"):
    text, spans = render(date, fmt, case)
    return DateExample(text, date.isoformat(), label_of(fmt, case), spans)


def generate(n, seed=0, formats=None):
    """n examples: dates uniform over FIRST_DAY..LAST_DAY, formats and cases drawn by weight."""
    rng = np.random.default_rng(seed)
    formats = list(formats or FORMAT_WEIGHTS)
    weights = np.array([FORMAT_WEIGHTS[f] for f in formats])
    span_days = (LAST_DAY - FIRST_DAY).days + 1
    days = rng.integers(0, span_days, n)
    fmt_ids = rng.choice(len(formats), n, p=weights / weights.sum())
    case_ids = rng.choice(len(CASES), n, p=CASE_WEIGHTS)
    return [example(FIRST_DAY + dt.timedelta(days=int(d)), formats[f], CASES[c])
            for d, f, c in zip(days, fmt_ids, case_ids)]


def alphabet():
    """Every character the generator can write, in questions or answers, plus padding and start."""
    chars = set(" _-/,0123456789")
    for name in MONTHS + WEEKDAYS:
        chars |= set(name) | set(name.upper()) | set(name.lower())
    return "".join(sorted(chars))


def parse(text):
    """The DateExample for a string written in one of the generator's formats, or None.

    Tries every format and case; the formats are unambiguous, so at most one date matches.
    """
    text = text.strip()
    try_order = [(f, c) for f in FORMAT_WEIGHTS for c in (CASES if f in WORD_FORMATS else ("title",))]
    date = _guess_date(text)
    if date is None:
        return None
    for fmt, case in try_order:
        if render(date, fmt, case)[0] == text:
            return example(date, fmt, case)
    return None


def _guess_date(text):
    """Read year, month and day out of the text without caring about its exact format."""
    words = re.findall(r"[A-Za-z]+|\d+", text)
    names = [m.lower() for m in MONTHS]
    month = next((i + 1 for w in words if not w.isdigit()
                  for i, m in enumerate(names) if w.lower() in (m, m[:3])), None)
    numbers = [w for w in words if w.isdigit()]
    try:
        if month is not None and len(numbers) == 2:
            a, b = numbers
            day, year = (a, b) if len(b) == 4 else (b, a)
            return dt.date(int(year), month, int(day))
        if month is None and len(numbers) == 3:
            if len(numbers[0]) == 4:                       # iso
                return dt.date(int(numbers[0]), int(numbers[1]), int(numbers[2]))
            yy = int(numbers[2])                           # short: M/D/YY
            return dt.date(1900 + yy if yy >= 70 else 2000 + yy, int(numbers[0]), int(numbers[1]))
    except ValueError:
        return None
    return None
