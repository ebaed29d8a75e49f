"""Counterfactual variants of a date (in the spirit of LIT's): the same date in every format and case
the generator writes, and the day and the month moved by one, each with the model's answer."""
import calendar
import datetime as dt

from core.data import date_parser, dates
from core.errors import UserError


def of_text(text):
    """The variants (DateExample list) of a date the generator's forms read, else []."""
    original = date_parser.parse(text)
    return of_example(original) if original else []


def of_example(e):
    """The same date in every format and case the generator knows (one style per format), then the
    day and the month moved by one either way in e's own style and case; each a DateExample."""
    style = e.style or (date_parser.parse(e.question) or e).style or dates.REPRESENTATIVE["long"]
    date = dt.date.fromisoformat(e.answer)
    out, seen = [], {e.question}
    for fmt in dates.FORMATS:
        for case in (("title",) if fmt in dates.NUMERIC_FORMATS else dates.CASES):
            v = dates.example(date, dates.REPRESENTATIVE[fmt], case)
            if v.question not in seen:
                seen.add(v.question)
                out.append(v)
    for moved in (date - dt.timedelta(days=1), date + dt.timedelta(days=1),
                  _add_months(date, -1), _add_months(date, 1)):
        if dates.FIRST_DAY <= moved <= dates.LAST_DAY:
            out.append(dates.example(moved, style, e.case))
    return out


def _add_months(date, months):
    """The same day one month earlier or later (the month's last day when it is shorter)."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def change(original, variant):
    """How a variant differs from the original date: "same date", "day -1", "month +1", ..."""
    a, b = dt.date.fromisoformat(original), dt.date.fromisoformat(variant)
    if a == b:
        return "same date"
    if (a.year, a.month) == (b.year, b.month) or abs((b - a).days) == 1:
        return f"day {(b - a).days:+d}"
    months = (b.year - a.year) * 12 + b.month - a.month
    return f"month {months:+d}"


def rows(original, examples, results):
    """One summary row per variant: its input, format, change, prediction, mark and a one-liner.

    results: per example a core.decoding.translation Translation, or the UserError that refused it.
    """
    out = []
    for e, r in zip(examples, results):
        row = {"input": e.question, "format": e.label, "change": change(original, e.answer)}
        if isinstance(r, UserError):
            row.update(prediction="", mark="refused", confidence=None, summary=str(r))
        else:
            row.update(prediction=r.prediction, mark="✓" if r.correct else "✗",
                       confidence=float(min(r.confidence)) if r.confidence is not None else None,
                       summary=summary(r))
        out.append(row)
    return out


def summary(result):
    """One line: right, or which characters are wrong and how sure the model was of them."""
    if result.correct:
        return "right" + (f", lowest confidence {min(result.confidence):.2f}"
                          if result.confidence is not None else "")
    bad = [t for t, wrong in enumerate(result.wrong) if wrong]
    wrote = "".join(result.prediction[t] for t in bad)
    means = "".join(result.expected.ljust(len(result.prediction))[t] for t in bad)
    sure = (f" ({', '.join(f'{result.confidence[t]:.2f}' for t in bad)} sure)"
            if result.confidence is not None else "")
    where = ", ".join(str(t + 1) for t in bad)
    return f"wrong at character {where}: wrote '{wrote}' for '{means}'{sure}"
