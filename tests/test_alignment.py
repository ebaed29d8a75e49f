"""The alignment score on attention matrices built by hand, and on real decoding output."""
import datetime as dt

import numpy as np
import pytest

from core import alignment, dates

EXAMPLE = dates.example(dt.date(2016, 11, 22), "long")          # "November 22, 2016"
SPANS = EXAMPLE.source_spans()
S = len(EXAMPLE.question)


def matrix_from(columns_per_row):
    """(10, S) attention putting equal weight on the given columns of each row."""
    a = np.zeros((10, S))
    for t, columns in enumerate(columns_per_row):
        a[t, columns] = 1.0 / len(columns)
    return a


def test_spans_are_the_right_characters():
    year, month, day = (EXAMPLE.question[slice(*EXAMPLE.spans[k])] for k in ("year", "month", "day"))
    assert (year, month, day) == ("2016", "November", "22")
    assert SPANS[0] == SPANS[3] == EXAMPLE.spans["year"] and SPANS[4] is None and SPANS[9] == EXAMPLE.spans["day"]


def test_perfectly_aligned_attention_scores_one():
    rows = [list(range(*span)) if span else [0] for span in SPANS]
    assert alignment.alignment_score(matrix_from(rows), SPANS) == pytest.approx(1.0)


def test_uniform_attention_scores_the_mean_span_share():
    uniform = np.full((10, S), 1.0 / S)
    expected = np.mean([(end - start) / S for span in SPANS if span for start, end in [span]])
    assert alignment.alignment_score(uniform, SPANS) == pytest.approx(expected)
    assert 0.1 < expected < 0.4


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
    rows = [list(range(*span)) if span else [0] for span in SPANS]
    reading = np.zeros((10, width))
    reading[:, :S] = matrix_from(rows)
    encoder_order = reading[:, ::-1][None]                     # what the model attends to
    assert alignment.scores(encoder_order, [EXAMPLE], reversed_input=True) == [pytest.approx(1.0)]
    assert alignment.scores(None, [EXAMPLE], True) == [None]
    assert alignment.mean_score([0.5, None, 1.0]) == (0.75, 2)
    assert alignment.mean_score([None]) == (None, 0)
