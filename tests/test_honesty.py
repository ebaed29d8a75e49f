"""Honesty on the Attention page (issue 21, item 5): a date model always writes some date, so the page
says when the input has no known meaning, when the output is no date, and which reading of a numeric
date that reads two ways the model was trained to use."""
import pytest

from core.data import date_parser, honesty
from tests.test_app import open_page


def attention_at(text, **where):
    """The Attention page opened by a link (/attention?run=demo&text=...&iteration=N)."""
    at = open_page()
    at.query_params["run"] = "demo"
    at.query_params["text"] = text
    for key, value in where.items():
        at.query_params[key] = str(value)
    at.switch_page("pages/attention.py").run()
    assert not at.exception, at.exception
    return at


def shown(elements):
    return [e.value.replace("\\", "") for e in elements]   # as displayed (Markdown escapes off)


@pytest.mark.parametrize("text", ["tomorrow", "12345"])
def test_an_input_the_parser_cannot_read_is_said_to_mean_nothing(tiny_run, text):
    at = attention_at(text)
    [note] = [m for m in shown(at.info) if "no known meaning" in m]
    assert "always writes some date" in note and "not an answer" in note
    assert not at.success and not any("could be read two ways" in m for m in shown(at.info))


def test_an_output_that_is_no_date_is_called_so(tiny_run):
    # the initial weights write the same character ten times: no date at all
    at = attention_at("Nov 22, 2016", iteration=0)
    prediction = at.metric[0].value
    assert not prediction[:4].isdigit()
    assert any(f"output '{prediction}' is not a date written YYYY-MM-DD" in m for m in shown(at.warning))
    # a trained checkpoint writes a real date: no such note
    at = attention_at("Nov 22, 2016")
    assert not any("is not a" in m for m in shown(at.warning))


@pytest.mark.parametrize("text, trained, other", [
    ("5.9.01", "the day first: 5 September 2001 (2001-09-05)", "9 May 2001 (2001-05-09)"),
    ("2/10/93", "the month first: 10 February 1993 (1993-02-10)", "2 October 1993 (1993-10-02)"),
])
def test_a_numeric_date_that_reads_two_ways_says_which_reading_the_model_learnt(tiny_run, text, trained, other):
    at = attention_at(text)
    [note] = [m for m in shown(at.info) if "could be read two ways" in m]
    assert f"was trained to read {trained}" in note and f"it would be {other}" in note


@pytest.mark.parametrize("text", ["22.11.2016", "5.5.01", "Nov 5, 2001", "2001-05-09"])
def test_a_date_with_one_reading_gets_no_such_note(tiny_run, text):
    at = attention_at(text)
    assert not any("could be read two ways" in m for m in shown(at.info))


@pytest.mark.parametrize("output, reason", [
    ("1925-30-02", "is not a valid date: there is no month 30"),
    ("2019-02-29", "2019 is not a leap year"),
    ("2016-11-00", "there is no day 0"),
    ("2016-4-31 ", "is not a date written YYYY-MM-DD"),
    ("20161122--", "is not a date written YYYY-MM-DD"),
])
def test_outputs_that_are_no_date(output, reason):
    assert reason in honesty.output_problem(output)


def test_valid_outputs_and_other_tasks_get_no_notes():
    assert honesty.output_problem("2016-11-22") is None and honesty.output_problem("2020-02-29") is None
    assert honesty.other_reading(date_parser.parse("Sat 2021-05-15")) is None
    assert honesty.other_reading(date_parser.parse("sat 5.6.21")) is not None   # a weekday before dots
    assert honesty.other_reading(None) is None
