"""What the Attention page must say plainly about a date model's answer (issue 21, item 5).

A date model always writes ten characters, whatever it is given, so its output alone proves nothing:
- an input the date parser cannot read has no known meaning, and the date written for it has none;
- an output need not be a date at all ("1925-30-02");
- "5.9.01" could mean the 5th of September or May 9th: the generator writes one order per separator,
  so the model learnt one reading, and the page says which.
"""
import datetime as dt
import re

from core.data import date_parser
from core.data.dates import MONTHS

UNREADABLE = ("The date parser cannot read this input, so it has no known meaning. The model always "
              "writes some date, whatever it is given: the one above is what its weights produce, not "
              "an answer.")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# The separators whose two numbers could be a day or a month, and the order the generator gives them
_ORDERS = {"m/d/y": ("slashes", "month first"), "d.m.y": ("dots", "day first"), "d m y": ("spaces", "day first")}


def output_problem(prediction):
    """Why the model's output is not a valid date, in one line, or None when it is one."""
    text = prediction.strip()
    m = _ISO.fullmatch(text)
    if not m:
        return f"the model's output {text!r} is not a date written YYYY-MM-DD"
    year, month, day = map(int, m.groups())
    reason = date_parser.calendar_problem(year, month, day)
    return f"the model's output {text} is not a valid date: {reason}" if reason else None


def other_reading(parsed):
    """For a numeric date whose day and month could swap ("5.9.01"), one line saying which reading the
    model was trained to use and what the other would be; None when there is only one reading.

    parsed: the date parser's DateExample of the input."""
    style = parsed.style if parsed else None
    if style is None or style.order not in _ORDERS:
        return None
    date = dt.date.fromisoformat(parsed.answer)
    if date.day == date.month or date.day > 12:
        return None
    swapped = date.replace(month=date.day, day=date.month)
    separators, order = _ORDERS[style.order]
    return (f"{parsed.question.strip()!r} could be read two ways. With {separators} the model was trained to "
            f"read the {order}: {_spelled(date)} ({date.isoformat()}). Read the other way it would be "
            f"{_spelled(swapped)} ({swapped.isoformat()}).")


def _spelled(date):
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def notes(result, task_is_dates=True):
    """The page's plain notes about one translation (core.decoding.translation.Translation), each
    (kind, text): kind "invalid_output" or "two_readings". The unreadable input's note is the verdict
    itself (UNREADABLE, through core.data.tasks)."""
    if not task_is_dates:
        return []
    out = []
    problem = output_problem(result.prediction)
    if problem:
        out.append(("invalid_output", problem[0].upper() + problem[1:] + "."))
    reading = other_reading(date_parser.parse(result.text)) if result.expected is not None else None
    if reading:
        out.append(("two_readings", reading))
    return out
