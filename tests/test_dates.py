"""The date generator: its forms, reading them back, char-level sources, impossible dates, variants."""
import collections
import datetime as dt

import numpy as np
import pytest

from core.data import date_parser, dates, variants

BOOK = dt.date(2016, 11, 22)   # a Tuesday
# Dates whose day and month could swap places, and whose two-digit years look like days and months.
GRID = [dt.date(y, m, d) for y in (1970, 1999, 2001, 2005, 2012, 2031, 2069)
        for m in (1, 2, 3, 5, 9, 10, 12) for d in (1, 2, 3, 5, 10, 11, 12, 13, 22, 28)]


def test_generator_is_deterministic_and_seeded():
    assert dates.generate(50, seed=7) == dates.generate(50, seed=7)
    assert dates.generate(50, seed=7) != dates.generate(50, seed=8)


def test_every_format_and_case_appears_and_fits_the_width_and_alphabet():
    examples = dates.generate(20000, seed=1)
    expected = {dates.label_of(f, c) for f in dates.FORMATS for c in dates.CASES}
    assert {e.label for e in examples} == expected
    assert max(len(e.question) for e in examples) <= dates.INPUT_WIDTH
    assert set("".join(e.question + e.answer for e in examples)) <= set(dates.alphabet())
    assert {" ", "_", "."} <= set(dates.alphabet())
    counts = collections.Counter(e.label.split("/")[0] for e in examples)
    assert all(counts[f] / len(examples) > 0.05 for f in ("full", "long", "medium", "short"))


def test_input_width_is_the_longest_string_any_style_writes():
    rng = np.random.default_rng(0)
    days = [dates.FIRST_DAY + dt.timedelta(days=int(d)) for d in rng.integers(0, 36000, 200)]
    longest = max(len(dates.render(d, s, "upper")[0]) for d in days for s in dates.STYLES)
    assert longest <= dates.INPUT_WIDTH
    # and the width is reached: "Wednesday, the 23rd of September, 2015" or another of that length
    reached = [dates.render(d, s)[0] for d in (dt.date(2015, 9, 23),) for s in dates.STYLES]
    assert max(map(len, reached)) == dates.INPUT_WIDTH


def test_book_formats_are_written_like_the_book():
    assert dates.render(BOOK, "full")[0] == "Tuesday, November 22, 2016"
    assert dates.render(BOOK, "long", "lower")[0] == "november 22, 2016"
    assert dates.render(BOOK, "medium", "upper")[0] == "NOV 22, 2016"
    assert dates.render(BOOK, "short")[0] == "11/22/16"
    assert dates.render(dt.date(1993, 2, 10), "short")[0] == "2/10/93"
    assert dates.example(dt.date(1993, 2, 10), "short").label == "short"
    assert dates.example(dt.date(1993, 5, 10), "medium").label == "long/title"   # "May" is both


@pytest.mark.parametrize("text, answer, label", [
    ("Tuesday, November 22, 2016", "2016-11-22", "full/title"),
    ("tuesday november 22 2016", "2016-11-22", "full_nocomma/lower"),
    ("Nov 22 2016", "2016-11-22", "medium_nocomma/title"),
    ("jan 5 2001", "2001-01-05", "medium_nocomma/lower"),
    ("MAY 2 1974", "1974-05-02", "long_nocomma/upper"),
    ("March 3rd, 2021", "2021-03-03", "month_first/title"),
    ("Nov. 22nd, 2016", "2016-11-22", "month_first/title"),
    ("November 05, 2016", "2016-11-05", "month_first/title"),
    ("Tue, Nov. 22, 2016", "2016-11-22", "month_first/title"),
    ("22 November 2016", "2016-11-22", "day_month/title"),
    ("05 nov 2016", "2016-11-05", "day_mon/lower"),
    ("22 nov, 2016", "2016-11-22", "day_comma/lower"),
    ("05, NOV 2016", "2016-11-05", "day_comma/upper"),
    ("Tue 22 Nov 2016", "2016-11-22", "day_first/title"),
    ("Tuesday, 22nd November 2016", "2016-11-22", "day_first/title"),
    ("22 Nov. 2016", "2016-11-22", "day_first/title"),
    ("the 22nd of November 2016", "2016-11-22", "ordinal_of/title"),   # mid-sentence "the" is Title too
    ("The 22nd of November 2016", "2016-11-22", "ordinal_of/title"),
    ("Tuesday the 1st of March, 2016", "2016-03-01", "ordinal_of/title"),
    ("THE 3RD OF SEP 1999", "1999-09-03", "ordinal_of/upper"),
    ("11/22/16", "2016-11-22", "short"),
    ("11/22/2016", "2016-11-22", "slash"),
    ("01/05/70", "1970-01-05", "slash"),
    ("22.11.16", "2016-11-22", "dot"),
    ("5.3.2016", "2016-03-05", "dot"),
    ("22 11 16", "2016-11-22", "space"),
    ("5 03 69", "2069-03-05", "space"),
    ("2016-11-22", "2016-11-22", "iso"),
    ("2016/11/22", "2016-11-22", "iso_slash"),
])
def test_each_form_reads_as_its_date(text, answer, label):
    parsed = date_parser.parse(text)
    if label is None:
        assert parsed is None
        return
    assert (parsed.answer, parsed.label) == (answer, label)
    date = dt.date.fromisoformat(answer)
    rendered = dates.render(date, parsed.style, parsed.case)[0]
    # round trip (the generator also writes a mid-sentence "the" in Title case; render() gives "The")
    assert rendered == text or rendered == "T" + text[1:] == "The" + text[3:]


@pytest.mark.parametrize("text", [
    "", "hello world", "February 30, 2016", "Tuesday, November 23, 2016", "2016-1-5", "11-22-16",
    "22/11.16", "22th November 2016", "05th Nov 2016", "May. 5, 2016", "nOV 22, 2016", "Nov  22, 2016",
    "Tuesday 22, Nov 2016", "22, Nov, 2016", "2016.11.22", "122/1/16", "11/22/016", "22 Novem 2016",
    "tue, 22 11 16",
])
def test_parse_rejects_what_the_generator_never_writes(text):
    assert date_parser.parse(text) is None


def test_every_style_and_case_round_trips_through_parse():
    for date in GRID[::7] + [BOOK, dt.date(1970, 1, 1), dt.date(2069, 12, 31)]:
        for style in dates.STYLES:
            for case in dates.CASES:
                e = dates.example(date, style, case)
                parsed = date_parser.parse(e.question)
                assert parsed == e, (e, parsed)
                assert dates.render(date, parsed.style, parsed.case)[0] == e.question


def test_no_string_reads_as_two_dates():
    """Over every style, on dates whose fields could be mistaken for each other, a string is written
    for one date only, and reads back as that date."""
    seen = {}
    for date in GRID:
        for style in dates.STYLES:
            text = dates.render(date, style, "lower")[0]
            assert seen.setdefault(text, date) == date, (text, date, seen[text])
    assert len(seen) > 30000
    for text, date in list(seen.items())[::20]:
        assert date_parser.parse(text).answer == date.isoformat()
    for e in dates.generate(3000, seed=3):
        assert date_parser.parse(e.question) == e


def _third_party(date, pattern):
    """The date as Babel's en_US patterns write it (written out here by hand, independently)."""
    month, weekday = dates.MONTHS[date.month - 1], dates.WEEKDAYS[date.weekday()]
    return {"d MMM yyyy": f"{date.day} {month[:3]} {date.year}",
            "dd MMM yyyy": f"{date.day:02d} {month[:3]} {date.year}",
            "d MMMM yyyy": f"{date.day} {month} {date.year}",
            "d MMM, yyyy": f"{date.day} {month[:3]}, {date.year}",
            "dd, MMM yyyy": f"{date.day:02d}, {month[:3]} {date.year}",
            "d MM yy": f"{date.day} {date.month:02d} {date.year % 100:02d}",
            "dd.MM.yy": f"{date.day:02d}.{date.month:02d}.{date.year % 100:02d}",
            "MMMM d yyyy": f"{month} {date.day} {date.year}",
            "MMMM d, yyyy": f"{month} {date.day}, {date.year}",
            "M/d/yy": f"{date.month}/{date.day}/{date.year % 100:02d}",
            "MMM d, y": f"{month[:3]} {date.day}, {date.year}",
            "EEEE, MMMM d, y": f"{weekday}, {month} {date.day}, {date.year}"}[pattern]


@pytest.mark.parametrize("pattern", ["d MMM yyyy", "dd MMM yyyy", "d MMMM yyyy", "d MMM, yyyy", "dd, MMM yyyy",
                                     "d MM yy", "dd.MM.yy", "MMMM d yyyy", "MMMM d, yyyy", "M/d/yy",
                                     "MMM d, y", "EEEE, MMMM d, y"])
def test_the_common_third_party_forms_are_forms_of_the_generator(pattern):
    for date in GRID:
        written = _third_party(date, pattern)
        for text in {written, written.replace(",", "")}:
            for cased in (text, text.lower(), text.upper()):
                parsed = date_parser.parse(cased)
                assert parsed is not None and parsed.answer == date.isoformat(), cased


def test_spans_point_at_the_written_fields():
    for e in dates.generate(500, seed=2):
        day = dt.date.fromisoformat(e.answer)
        year, month, dayfield = (e.question[slice(*e.spans[k])] for k in ("year", "month", "day"))
        assert int(dayfield) == day.day
        assert year in (str(day.year), str(day.year)[2:])
        assert month.lower() in (dates.MONTHS[day.month - 1].lower(), dates.MONTHS[day.month - 1][:3].lower(),
                                 str(day.month), f"{day.month:02d}")
        sources = e.source_spans()
        assert len(sources) == len(e.answer) and sources[4] is None and sources[7] is None


def test_char_sources_point_at_the_characters_written():
    e = date_parser.parse("11/22/16")
    sources = e.char_sources()
    assert sources[2] == (6, 7) and e.question[6] == "1"      # answer '1' <- the '1' of 16
    assert sources[3] == (7, 8) and e.question[7] == "6"
    assert sources[0] == sources[1] == (6, 8)                                   # the century "20" <- "16"
    assert sources[4] is None and sources[7] is None
    assert sources[5:7] == [(0, 1), (1, 2)] and sources[8:] == [(3, 4), (4, 5)]
    ordinal = date_parser.parse("The 2nd of November 2016")
    s = ordinal.char_sources()
    assert s[8] == s[9] == (4, 5)                                # '0' added before "2", and the "2": not "nd"
    assert s[5] == s[6] == (11, 19) and ordinal.question[11:19] == "November"
    assert s[:4] == [(20, 21), (21, 22), (22, 23), (23, 24)]
    dotted = date_parser.parse("5.3.2016").char_sources()
    assert dotted[5] == dotted[6] == (2, 3) and dotted[8] == dotted[9] == (0, 1)


def test_char_sources_copy_the_digits_they_point_at():
    for e in dates.generate(2000, seed=4):
        for char, source in zip(e.answer, e.char_sources()):
            if source is None:
                assert char == "-"
            elif source[1] - source[0] == 1 and e.question[source[0]].isdigit():
                # a one-character source is the digit itself, or a one-digit field the '0' goes before
                assert char == e.question[source[0]] or char == "0"
            else:
                assert source[1] > source[0]


@pytest.mark.parametrize("text, reason", [
    ("31 February 2020", "February 2020 has only 29 days"),
    ("2019-02-29", "2019 is not a leap year"),
    ("February 29, 2019", "2019 is not a leap year"),
    ("4/31/16", "April 2016 has only 30 days"),
    ("13/22/16", "no month 13"),
    ("00.11.16", "no day 0"),
    ("Monday, November 22, 2016", "is a Tuesday, not a Monday"),
])
def test_impossible_dates_are_called_what_they_are(text, reason):
    assert date_parser.parse(text) is None
    assert reason in date_parser.impossible(text)


@pytest.mark.parametrize("text", ["November 22, 2016", "hello", "2016-11-22", "February 29, 2020", ""])
def test_possible_dates_and_non_dates_are_not_impossible(text):
    assert date_parser.impossible(text) is None


def test_variants_cover_every_format_and_case_then_move_the_day_and_month():
    original = date_parser.parse("nov 22 2016")
    found = variants.of_example(original)
    same_day = [v for v in found if v.answer == "2016-11-22"]
    labels = {v.label for v in same_day} | {original.label}
    assert labels == {dates.label_of(f, c) for f in dates.FORMATS for c in dates.CASES}
    assert len({v.question for v in found}) == len(found) and original.question not in {v.question for v in found}
    moved = [v for v in found if v.answer != "2016-11-22"]
    assert [v.question for v in moved] == ["nov 21 2016", "nov 23 2016", "oct 22 2016", "dec 22 2016"]
    for v in found:
        assert date_parser.parse(v.question) == v
    # a month moved from the 31st keeps to the month's last day
    assert [v.answer for v in variants.of_example(date_parser.parse("31.01.20"))][-2:] == ["2019-12-31", "2020-02-29"]
