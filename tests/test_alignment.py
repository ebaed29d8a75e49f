"""The alignment score on attention matrices built by hand, and on real decoding output."""
import datetime as dt

import numpy as np
import pytest

from core.data import dates
from core.decoding import alignment

EXAMPLE = dates.example(dt.date(2016, 11, 22), "long")          # "November 22, 2016"
SPANS = alignment.example_sources(EXAMPLE)
S = len(EXAMPLE.question)


def matrix_from(columns_per_row, width=S):
    """(10, width) attention putting equal weight on the given columns of each row."""
    a = np.zeros((10, width))
    for t, columns in enumerate(columns_per_row):
        a[t, columns] = 1.0 / len(columns)
    return a


def perfect_rows(sources):
    return [list(range(*span)) if span else [0] for span in sources]


def test_sources_are_the_copied_characters():
    shown = [EXAMPLE.question[slice(*span)] if span else None for span in SPANS]
    # year digits from the year's own digits, month digits from the month's name, day from its digits
    assert shown == ["2", "0", "1", "6", None, "November", "November", None, "2", "2"]
    assert SPANS[0] == (13, 14) and SPANS[3] == (16, 17)


def test_two_digit_years_leading_zeros_and_ordinals():
    def shown(question, answer, spans):
        return [question[slice(*s)] if s else None for s in alignment.char_sources(question, answer, spans)]
    # "7/2/99": century from the two-digit year, '0' of "07" from the "7"
    assert shown("7/2/99", "1999-07-02", {"month": (0, 1), "day": (2, 3), "year": (4, 6)}) == \
        ["99", "99", "9", "9", None, "7", "7", None, "2", "2"]
    # an ordinal's suffix is not a source: "3rd" -> "03" from the "3"
    assert shown("March 3rd, 2021", "2021-03-03", {"month": (0, 5), "day": (6, 9), "year": (11, 15)}) == \
        ["2", "0", "2", "1", None, "March", "March", None, "3rd", "3"]


def test_perfectly_aligned_attention_scores_one():
    assert alignment.alignment_score(matrix_from(perfect_rows(SPANS)), SPANS) == pytest.approx(1.0)


def test_uniform_attention_scores_the_mean_source_share():
    uniform = np.full((10, S), 1.0 / S)
    expected = np.mean([(end - start) / S for span in SPANS if span for start, end in [span]])
    assert alignment.alignment_score(uniform, SPANS) == pytest.approx(expected)
    assert expected < 0.25


def test_attention_shifted_by_one_character_loses_the_copied_digits():
    """One character to the right of each source: the digits score 0, only the month name keeps mass."""
    shifted = [[start + 1] if span and end - start == 1 else (list(range(start + 1, end + 1)) if span else [0])
               for span in SPANS for start, end in [span or (0, 0)]]
    score = alignment.alignment_score(matrix_from(shifted, width=S + 1), SPANS)
    month_rows = sum(1 for span in SPANS if span and span[1] - span[0] > 1)
    keep = (len("November") - 1) / len("November")     # the shifted month window still covers 7 of 8 letters
    assert score == pytest.approx(month_rows * keep / sum(1 for span in SPANS if span))
    assert score < 0.3


def test_misaligned_attention_scores_zero():
    comma = EXAMPLE.question.index(",")
    assert alignment.alignment_score(matrix_from([[comma]] * 10), SPANS) == 0.0


def test_half_on_the_source_scores_one_half():
    rows = [[span[0], EXAMPLE.question.index(",")] if span else [0] for span in SPANS]
    assert alignment.alignment_score(matrix_from(rows), SPANS) == pytest.approx(0.5)


def test_separators_do_not_count():
    rows = [list(range(*span)) if span else [EXAMPLE.question.index(" ")] for span in SPANS]
    assert alignment.alignment_score(matrix_from(rows), SPANS) == pytest.approx(1.0)


def test_scores_undo_the_reversed_padded_input():
    """Decoding returns weights over the reversed, padded encoder input; scores() maps them back."""
    width = 29
    rows = perfect_rows(SPANS)
    reading = np.zeros((10, width))
    reading[:, :S] = matrix_from(rows)
    encoder_order = reading[:, ::-1][None]                     # what the model attends to
    assert alignment.scores(encoder_order, [EXAMPLE], reversed_input=True) == [pytest.approx(1.0)]
    assert alignment.scores(None, [EXAMPLE], True) == [None]
    assert alignment.mean_score([0.5, None, 1.0]) == (0.75, 2)
    assert alignment.mean_score([None]) == (None, 0)


@pytest.mark.parametrize("reversed_input", [True, False])
def test_scores_of_many_rows_equal_the_score_of_each_row(reversed_input, monkeypatch):
    """scores() works on whole arrays in blocks of rows; each row must score as alignment_score says."""
    monkeypatch.setattr(alignment, "ROWS_AT_ONCE", 7)   # several blocks, the last one partial
    examples = dates.generate(30, seed=4) + [None]
    width = max(len(e.question) for e in examples if e) + 3
    weights = np.random.default_rng(0).dirichlet(np.ones(width), size=(len(examples), 10))
    got = alignment.scores(weights, examples, reversed_input)
    for row, example in enumerate(examples):
        if example is None:
            assert got[row] is None
            continue
        reading = (weights[row][:, ::-1] if reversed_input else weights[row])[:, :len(example.question)]
        expected = alignment.alignment_score(reading, alignment.example_sources(example))
        assert got[row] == pytest.approx(expected, rel=1e-12)
