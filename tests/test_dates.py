"""The date generator: its forms, reading them back, char-level sources, impossible dates, variants."""
import collections
import datetime as dt
import re

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
    # and the width is reached: "the twenty-seventh of September in the year 2015"
    reached = [dates.render(d, s)[0] for d in (dt.date(2015, 9, 27),) for s in dates.STYLES]
    assert max(map(len, reached)) == dates.INPUT_WIDTH == len("the twenty-seventh of September in the year 2015")


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
    # the forms of issue 21
    ("20190315", "2019-03-15", "compact"),
    ("2011.04.07", "2011-04-07", "year_dot"),
    ("2011 04 07", "2011-04-07", "year_space"),
    ("2018-7-4", "2018-07-04", "iso_unpadded"),
    ("2018/11/4", "2018-11-04", "iso_unpadded"),
    ("2007 Mar 3", "2007-03-03", "year_month/title"),
    ("2012 August 30", "2012-08-30", "year_month/title"),
    ("2001 Jun 4th", "2001-06-04", "year_month/title"),
    ("2010/Oct/12", "2010-10-12", "year_month/title"),
    ("2004-DEC-09", "2004-12-09", "year_month/upper"),
    ("21-Mar-2016", "2016-03-21", "day_mon_dash/title"),
    ("03-aug-09", "2009-08-03", "day_mon_dash/lower"),
    ("12/APR/2015", "2015-04-12", "day_mon_dash/upper"),
    ("Friday, 14-Jun-19", "2019-06-14", "day_mon_dash/title"),
    ("Sunday, 06-Nov-94", "1994-11-06", "day_mon_dash/title"),      # RFC 850
    ("10/Oct/2000", "2000-10-10", "day_mon_dash/title"),             # a web server's log
    ("Mar-05-2002", "2002-03-05", "mon_day_dash/title"),
    ("June 3, '85", "1985-06-03", "apostrophe/title"),
    ("3 jun '05", "2005-06-03", "apostrophe/lower"),
    ("Monday 4/8/2013", "2013-04-08", "weekday_numeric/title"),
    ("Sat 2021-05-15", "2021-05-15", "weekday_numeric/title"),
    ("TUE, 22.11.16", "2016-11-22", "weekday_numeric/upper"),
    ("June fourth, 2003", "2003-06-04", "day_words/title"),
    ("march second 2012", "2012-03-02", "day_words/lower"),
    ("the tenth of may in the year 1995", "1995-05-10", "day_words/lower"),
    ("The tenth of May in the year 1995", "1995-05-10", "day_words/title"),
    ("twenty second of june '77", "1977-06-22", "day_words/lower"),
    ("Thirty-first of Dec, 1999", "1999-12-31", "day_words/title"),
    ("05MAR2014", "2014-03-05", "compact_mon/upper"),
    ("5mar14", "2014-03-05", "compact_mon/lower"),
    ("31May1999", "1999-05-31", "compact_mon/title"),
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
    "", "hello world", "February 30, 2016", "Tuesday, November 23, 2016", "2016-01-5", "11-22-16",
    "22/11.16", "22th November 2016", "05th Nov 2016", "May. 5, 2016", "nOV 22, 2016", "Nov  22, 2016",
    "Tuesday 22, Nov 2016", "22, Nov, 2016", "2016.1.22", "122/1/16", "11/22/016", "22 Novem 2016",
    "tue, 22 11 16", "June 3, 85", "June 3 '1985", "20191315", "2019031", "05-Mar/2014", "Mar-05-02",
    "twenty-fourth", "June twenty-two, 2003", "twenty fourth of june in the year '77", "Fourth Of June 2003",
    "2016-Nov-22nd", "Sat 20210515", "tomorrow", "12345",
])
def test_parse_rejects_what_the_generator_never_writes(text):
    assert date_parser.parse(text) is None


def test_every_style_and_case_round_trips_through_parse():
    for date in GRID[::7] + [BOOK, dt.date(1970, 1, 1), dt.date(2069, 12, 31), dt.date(1977, 6, 21)]:
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
    words = {render_date_words: d for d in range(1, 32) for render_date_words in
             (dates.ordinal_word(d), dates.ordinal_word(d, " "))}
    for e in dates.generate(2000, seed=2):
        day = dt.date.fromisoformat(e.answer)
        year, month, dayfield = (e.question[slice(*e.spans[k])] for k in ("year", "month", "day"))
        assert (int(dayfield) if dayfield.isdigit() else words[dayfield.lower()]) == day.day
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
    # every format but unpadded ISO, which on the 22nd of November writes ISO's "2016-11-22"
    assert labels == {dates.label_of(f, c) for f in dates.FORMATS for c in dates.CASES if f != "iso_unpadded"}
    assert len({v.question for v in found}) == len(found) and original.question not in {v.question for v in found}
    moved = [v for v in found if v.answer != "2016-11-22"]
    assert [v.question for v in moved] == ["nov 21 2016", "nov 23 2016", "oct 22 2016", "dec 22 2016"]
    for v in found:
        assert date_parser.parse(v.question) == v
    # a month moved from the 31st keeps to the month's last day
    assert [v.answer for v in variants.of_example(date_parser.parse("31.01.20"))][-2:] == ["2019-12-31", "2020-02-29"]


@pytest.mark.parametrize("fmt", dates.NEW_FORMATS)
def test_each_new_family_is_generated_and_round_trips_through_parse(fmt):
    examples = dates.generate(300, seed=21, formats=[fmt])
    # the rest: its twin on dates it cannot show on (unpadded ISO on the 10th-31st of October-December)
    assert sum(e.label.split("/")[0] == fmt for e in examples) > 225
    for e in examples:
        assert date_parser.parse(e.question) == e
        assert len(e.question) <= dates.INPUT_WIDTH and set(e.question) <= set(dates.alphabet())


def test_a_weekday_before_numbers_draws_its_four_orders_evenly():
    # drawn by style, the month- and day-first orders had 80% of it and "Fri 2005-05-20" 5%
    examples = dates.generate(4000, seed=21, formats=["weekday_numeric"])
    orders = collections.Counter(e.style.order for e in examples)
    assert set(orders) == {"m/d/y", "d.m.y", "y-m-d", "y/m/d"}
    assert all(850 < n < 1150 for n in orders.values()), orders
    # half of ISO's styles are zero-padded, and an unpadded one reads padded from the 10th of October
    padded_iso = [e for e in examples if re.search(r"\d{4}-\d\d-\d\d$", e.question)]
    assert 500 < len(padded_iso) < 700, len(padded_iso)


def test_the_rules_that_keep_one_date_per_string():
    read = lambda text: date_parser.parse(text).answer
    # dashes or slashes with a month name: day first, unless the month name comes first or a year leads
    assert read("04-Mar-05") == "2005-03-04" and read("Mar-04-2005") == "2005-03-04"
    assert read("2005-Mar-04") == "2005-03-04" and read("04/Mar/2005") == "2005-03-04"
    # eight digits are year-month-day; a leading four-digit year is year-month-day whatever the separator
    assert read("20050304") == "2005-03-04" and date_parser.parse("2005 3 4") is None   # spaced: zero-padded
    assert read("2005.03.04") == read("2005 03 04") == read("2005-3-4") == "2005-03-04"
    # numbers without a leading year: slashes month first, dots and spaces day first (as before)
    assert read("Fri 3/4/05") == "2005-03-04" and read("fri 4.3.05") == "2005-03-04"
    # two-digit years, with an apostrophe or not: 70-99 -> 19YY, 00-69 -> 20YY
    assert read("June 3, '69") == "2069-06-03" and read("June 3, '70") == "1970-06-03"
    assert read("03-Jun-69") == "2069-06-03" and read("03JUN70") == "1970-06-03"
    # a compound day in words, with a hyphen or a space; a simple one has neither
    assert read("twenty-second of june '77") == read("twenty second of june '77") == "1977-06-22"


@pytest.mark.parametrize("text, reason", [
    ("thirty-first of june 2001", "June 2001 has only 30 days"),
    ("20190230", "February 2019 has only 28 days"),
    ("2019-13-1", "no month 13"),
    ("Monday 4/9/2013", "is a Tuesday, not a Monday"),
    ("29-Feb-19", "2019 is not a leap year"),
    ("Feb-30-2004", "February 2004 has only 29 days"),
    ("31NOV2014", "November 2014 has only 30 days"),
    ("June 31, '85", "June 1985 has only 30 days"),
    ("2007 Feb 30th", "February 2007 has only 28 days"),
])
def test_impossible_dates_in_the_new_forms(text, reason):
    assert date_parser.parse(text) is None
    assert reason in date_parser.impossible(text)
