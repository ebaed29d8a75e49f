"""Alignment score: how much attention each output character puts where its answer is written.

For a generated date we know which input characters decide each output character: the year digits
come from the year, the month digits from the month name or number, the day digits from the day; the
separators come from nowhere. The score of one prediction is the mean, over the output characters
that have a source, of the attention mass on that source span: 1.0 is perfectly aligned attention.
"""
import numpy as np

from core.decode import reading_order


def alignment_score(attention, source_spans):
    """attention (T, S) in reading order; source_spans: per output character (start, end) or None."""
    masses = [float(attention[t, start:end].sum())
              for t, span in enumerate(source_spans[:len(attention)]) if span
              for start, end in [span]]
    return float(np.mean(masses)) if masses else None


def scores(weights, examples, reversed_input):
    """Per example score (None where the example has no known spans or the model has no attention).

    weights (N, T, S) in the encoder's input order, as decoding returns them; examples: DateExample
    or None per row.
    """
    if weights is None:
        return [None] * len(examples)
    return [None if e is None else
            alignment_score(reading_order(w, len(e.question), reversed_input), e.source_spans())
            for w, e in zip(weights, examples)]


def mean_score(values):
    known = [v for v in values if v is not None]
    return (float(np.mean(known)), len(known)) if known else (None, 0)
