"""Dates in common English forms, written by code that shares nothing with core/data/dates.py.

    python -m tools.independent_dates OUT.txt [--n 20000] [--seed 7] [--style babel|forms|world]

A check on the generator rather than a second copy of it: `babel` imitates the widely used
date-translation exercise (Babel's en_US patterns, lower-cased, commas sometimes dropped), `forms` the
forms listed in issue 9 (ordinals, "Nov.", weekdays, dotted and slashed numbers, ISO), `world` the
forms of issue 21 (what date-parsing libraries are tested on: eight digits, year first with dots,
spaces or a month name, RFC 850 and log-file forms, apostrophe years, weekdays before numbers, days
in words, "05MAR2014"). Each line is in
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


# Day numbers in words, spelt here from their own table.
_UNITS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
          8: "eighth", 9: "ninth"}
_TEENS = {10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth", 14: "fourteenth", 15: "fifteenth",
          16: "sixteenth", 17: "seventeenth", 18: "eighteenth", 19: "nineteenth", 20: "twentieth",
          30: "thirtieth"}


def day_in_words(n, hyphen=True):
    if n in _TEENS:
        return _TEENS[n]
    if n < 10:
        return _UNITS[n]
    return ("twenty" if n < 30 else "thirty") + ("-" if hyphen else " ") + _UNITS[n % 10]


def _mon(d):
    return MONTH[d.month - 1][:3]


def _yy(d):
    return f"{d.year % 100:02d}"


# The forms of issue 21, each in its own words (the issue's own examples first).
WORLD = {
    "eight-digits": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    "y.mm.dd": lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    "y mm dd": lambda d: f"{d.year} {d.month:02d} {d.day:02d}",
    "y-m-d unpadded": lambda d: f"{d.year}-{d.month}-{d.day}",
    "y/m/d unpadded": lambda d: f"{d.year}/{d.month}/{d.day}",
    "y Mon d": lambda d: f"{d.year} {_mon(d)} {d.day}",
    "y Month d": lambda d: f"{d.year} {MONTH[d.month - 1]} {d.day}",
    "y Mon dth": lambda d: f"{d.year} {_mon(d)} {ordinal(d.day)}",
    "y/Mon/dd": lambda d: f"{d.year}/{_mon(d)}/{d.day:02d}",
    "y-Mon-dd": lambda d: f"{d.year}-{_mon(d)}-{d.day:02d}",
    "dd-Mon-yyyy": lambda d: f"{d.day:02d}-{_mon(d)}-{d.year}",
    "dd-Mon-yy": lambda d: f"{d.day:02d}-{_mon(d)}-{_yy(d)}",
    "dd/Mon/yyyy (log)": lambda d: f"{d.day:02d}/{_mon(d)}/{d.year}",
    "Weekday, dd-Mon-yy (RFC 850)": lambda d: f"{DAY[d.weekday()]}, {d.day:02d}-{_mon(d)}-{_yy(d)}",
    "Mon-dd-yyyy": lambda d: f"{_mon(d)}-{d.day:02d}-{d.year}",
    "Month d, 'yy": lambda d: f"{MONTH[d.month - 1]} {d.day}, '{_yy(d)}",
    "d Mon 'yy": lambda d: f"{d.day} {_mon(d)} '{_yy(d)}",
    "Weekday m/d/yyyy": lambda d: f"{DAY[d.weekday()]} {d.month}/{d.day}/{d.year}",
    "Wkd yyyy-mm-dd": lambda d: f"{DAY[d.weekday()][:3]} {d.isoformat()}",
    "Month dayword, yyyy": lambda d: f"{MONTH[d.month - 1]} {day_in_words(d.day)}, {d.year}",
    "month dayword yyyy": lambda d: f"{MONTH[d.month - 1]} {day_in_words(d.day, hyphen=False)} {d.year}",
    "the dayword of month in the year yyyy":
        lambda d: f"the {day_in_words(d.day)} of {MONTH[d.month - 1]} in the year {d.year}",
    "dayword of month 'yy": lambda d: f"{day_in_words(d.day, hyphen=False)} of {MONTH[d.month - 1]} '{_yy(d)}",
    "ddMONyyyy": lambda d: f"{d.day:02d}{_mon(d).upper()}{d.year}",
}


def _cased(text, case):
    """Title: as a sentence begins (its first letter up, names as written); lower; UPPER."""
    return {"title": text[:1].upper() + text[1:], "lower": text.lower(), "upper": text.upper()}[case]


def write(out, n, seed, style):
    rng = random.Random(seed)
    first, last = dt.date(1970, 1, 1), dt.date(2069, 12, 31)
    patterns = {"babel": BABEL, "forms": FORMS, "world": WORLD}[style]
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
        elif style == "world":
            case = rng.choice(["title", "lower", "upper"])
            text = _cased(text, case)
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
    p.add_argument("--style", choices=("babel", "forms", "world"), default="babel")
    args = p.parse_args()
    write(args.out, args.n, args.seed, args.style)


if __name__ == "__main__":
    main()
