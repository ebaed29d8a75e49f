"""Writing one date in one style: the names, the ordinal words and render(date, style, case).

The styles themselves and which format each belongs to are core/data/dates.py's; this module only
knows how a style's fields are spelled ("22nd", "twenty-second", "'16", "Nov.") and put together.
"""
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WORD_ORDERS = ("mdy", "dmy", "of", "ymd")
# The separator names the order ("yyyymmdd": eight digits, no separator).
NUMERIC_ORDERS = ("m/d/y", "d.m.y", "d m y", "y-m-d", "y/m/d", "y.m.d", "y m d", "yyyymmdd")
YEAR_FIRST_NUMBERS = ("y-m-d", "y/m/d", "y.m.d", "y m d", "yyyymmdd")
# A day in words: "word" joins the tens with a hyphen ("twenty-second"), "word " with a space.
DAY_WORDS = ("word", "word ")

_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()


def ordinal_suffix(day):
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def ordinal_word(day, joiner="-"):
    """1 -> "first", 22 -> "twenty-second" (joiner "-") or "twenty second" (joiner " "), 30 -> "thirtieth"."""
    if day <= 20:
        return _ORDINALS[day - 1]
    if day == 30:
        return "thirtieth"
    tens = "twenty" if day < 30 else "thirty"
    return f"{tens}{joiner}{_ORDINALS[day % 10 - 1]}"


def compound_day(day):
    """Days whose words have two parts, so a hyphen or a space between them shows."""
    return 21 <= day <= 29 or day == 31


def render(date, s, case="title"):
    """One date written in one style (a core.data.dates.Style) -> (text, spans): the string, and the
    (start, end) span of its year, month and day fields (the day's digits or words only; the year's
    digits, without an apostrophe)."""
    parts = []
    if s.weekday:
        name = WEEKDAYS[date.weekday()]
        parts += [(name if s.weekday == "full" else name[:3], None), (", " if s.weekday_comma else " ", None)]
    parts += _number_parts(date, s) if s.order in NUMERIC_ORDERS else _word_parts(date, s)
    if case == "title":
        first, f = parts[0]
        parts[0] = (first[:1].upper() + first[1:], f)   # "The 22nd of ...", "Twenty second of June '77"
    else:
        change = str.lower if case == "lower" else str.upper
        parts = [(change(piece), f) for piece, f in parts]
    return _write(parts)


def _number_parts(date, s):
    values = {"y": str(date.year) if s.year == 4 else f"{date.year % 100:02d}",
              "m": f"{date.month:02d}" if s.month == "01" else str(date.month),
              "d": f"{date.day:02d}" if s.day == "01" else str(date.day)}
    names = {"y": "year", "m": "month", "d": "day"}
    separator = "" if s.order == "yyyymmdd" else s.order[1]
    parts = []
    for key in s.order[::2] if separator else "ymd":
        if parts and separator:
            parts.append((separator, None))
        parts.append((values[key], names[key]))
    return parts


def _word_parts(date, s):
    month = [(MONTHS[date.month - 1], "month")]
    if s.month != "full" and date.month != 5:   # "May" is not abbreviated, and takes no period
        month = [(MONTHS[date.month - 1][:3], "month")] + ([(".", None)] if s.month == "abbr." else [])
    if s.day in DAY_WORDS:
        day = [(ordinal_word(date.day, s.day[4:] or "-"), "day")]
    else:
        day = [(f"{date.day:02d}" if s.day == "01" else str(date.day), "day")]
        if s.day == "1st":
            day.append((ordinal_suffix(date.day), None))
    year = ([("'", None)] if s.apostrophe else []) + \
        [(str(date.year) if s.year == 4 else f"{date.year % 100:02d}", "year")]
    if s.sep != " " or s.order == "ymd":   # "21-Mar-2016", "Mar-05-2002", "2004-Dec-09", "05MAR2014"
        fields = {"d": day, "m": month, "y": year}
        parts = []
        for key in s.order:
            parts += ([(s.sep, None)] if parts and s.sep else []) + fields[key]
        return parts
    after_day = (", " if s.comma == "day" else " ", None)
    after_month = (", " if s.comma == "month" else (" in the year " if s.in_year else " "), None)
    if s.order == "mdy":
        return month + [(" ", None)] + day + [after_day] + year
    if s.order == "dmy":
        return day + [after_day] + month + [after_month] + year
    return ([("the ", None)] if s.the else []) + day + [(" of ", None)] + month + [after_month] + year


def _write(parts):
    """Join (text, field) parts; return the string and each field's character span."""
    text, spans = "", {}
    for piece, f in parts:
        if f:
            spans[f] = (len(text), len(text) + len(piece))
        text += piece
    return text, spans
