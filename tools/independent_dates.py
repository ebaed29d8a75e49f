"""Dates in common English forms, written by code that shares nothing with core/data/dates.py.

    python -m tools.independent_dates OUT.txt [--n 20000] [--seed 7] [--style babel|forms]

A check on the generator rather than a second copy of it: `babel` imitates the widely used
date-translation exercise (Babel's en_US patterns, lower-cased, commas sometimes dropped), `forms` the
forms listed in issue 9 (ordinals, "Nov.", weekdays, dotted and slashed numbers, ISO). Each line is in
the book's format with the form as a comment-free label kept in a second file OUT.labels, so
`python -m core.evaluate RUN --data OUT.txt` scores it and the labels break the score down by form.
"""
import argparse
import calendar
import datetime as dt
import random

MONTH = list(calendar.month_name)[1:]
DAY = list(calendar.day_name)


def ordinal(n):
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Babel-like patterns of the exercise: name -> function(date) -> text (before lower-casing).
BABEL = {
    "short": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "medium": lambda d: f"{MONTH[d.month - 1][:3]} {d.day}, {d.year}",
    "long": lambda d: f"{MONTH[d.month - 1]} {d.day}, {d.year}",
    "full": lambda d: f"{DAY[d.weekday()]}, {MONTH[d.month - 1]} {d.day}, {d.year}",
    "d MMM y": lambda d: f"{d.day} {MONTH[d.month - 1][:3]} {d.year}",
    "d MMMM y": lambda d: f"{d.day} {MONTH[d.month - 1]} {d.year}",
    "dd MMM y": lambda d: f"{d.day:02d} {MONTH[d.month - 1][:3]} {d.year}",
    "d MMM, y": lambda d: f"{d.day} {MONTH[d.month - 1][:3]}, {d.year}",
    "d MMMM, y": lambda d: f"{d.day} {MONTH[d.month - 1]}, {d.year}",
    "dd, MMM y": lambda d: f"{d.day:02d}, {MONTH[d.month - 1][:3]} {d.year}",
    "d MM yy": lambda d: f"{d.day} {d.month:02d} {d.year % 100:02d}",
    "MMMM d y": lambda d: f"{MONTH[d.month - 1]} {d.day} {d.year}",
    "dd.MM.yy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
}

# The forms people type (issue 9), each in its own words.
FORMS = {
    # "May" is a whole word: nobody writes "May."
    "abbr-period": lambda d: f"{MONTH[d.month - 1][:3]}{'' if d.month == 5 else '.'} {d.day}, {d.year}",
    "abbr-nocomma": lambda d: f"{MONTH[d.month - 1][:3]} {d.day} {d.year}",
    "ordinal-of": lambda d: f"the {ordinal(d.day)} of {MONTH[d.month - 1]} {d.year}",
    "month-ordinal": lambda d: f"{MONTH[d.month - 1]} {ordinal(d.day)}, {d.year}",
    "weekday-abbr-dmy": lambda d: f"{DAY[d.weekday()][:3]} {d.day} {MONTH[d.month - 1][:3]} {d.year}",
    "day-month-comma": lambda d: f"{d.day} {MONTH[d.month - 1][:3]}, {d.year}",
    "slash-4": lambda d: f"{d.month}/{d.day}/{d.year}",
    "slash-2": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
    "dots-4": lambda d: f"{d.day}.{d.month}.{d.year}",
    "dots-2": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    "spaces-2": lambda d: f"{d.day:02d} {d.month:02d} {d.year % 100:02d}",
    "iso": lambda d: d.isoformat(),
    "iso-slash": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "full-nocomma": lambda d: f"{DAY[d.weekday()]} {MONTH[d.month - 1]} {d.day} {d.year}",
    "long-nocomma": lambda d: f"{MONTH[d.month - 1]} {d.day} {d.year}",
}


def write(out, n, seed, style):
    rng = random.Random(seed)
    first, last = dt.date(1970, 1, 1), dt.date(2069, 12, 31)
    patterns = BABEL if style == "babel" else FORMS
    names = list(patterns)
    lines, labels = [], []
    for _ in range(n):
        date = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if style == "babel" and date.year > 2026:   # the exercise draws past dates only
            date = date.replace(year=rng.randrange(1970, 2027)) if not (date.month == 2 and date.day == 29) else date.replace(year=2024)
        name = rng.choice(names)
        text = patterns[name](date)
        if style == "babel":
            text = text.lower()
            if rng.random() < 0.5:
                text = text.replace(",", "")
            case = "lower"
        else:
            case = rng.choice(["title", "lower", "upper"])
            text = {"title": text, "lower": text.lower(), "upper": text.upper()}[case]
        lines.append((text, date.isoformat()))
        labels.append(f"{name}/{case}")
    width = max(len(t) for t, _ in lines)
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(f"{t.ljust(width)}_{a}\n" for t, a in lines)
    with open(out + ".labels", "w", encoding="utf-8") as f:
        f.writelines(label + "\n" for label in labels)


def main():
    p = argparse.ArgumentParser(prog="python -m tools.independent_dates", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--style", choices=("babel", "forms"), default="babel")
    args = p.parse_args()
    write(args.out, args.n, args.seed, args.style)


if __name__ == "__main__":
    main()
