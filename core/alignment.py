"""Alignment score: how much attention each output character puts on the input it is copied from.

Each output character of a date has a source we know at the level where it is decided:
- a digit copied from a number in the input comes from that one input character (the year's '1' of
  "2016" from the '1' of "16" in "11/22/16");
- a digit the input does not spell out has its whole field as source: the month digits of "November"
  come from the word, the '0' of day "07" written "7" from the "7", the century "20" of "16" from "16";
- the separators '-' come from nowhere and are not scored.
The score of one prediction is the mean, over the output characters with a source, of the attention
mass on that source: 1.0 when every such character looks only at its source. Uniform attention over
a 26-character input scores about 0.06, and attention shifted by one character scores 0 on copied
digits, so the score rises as attention forms.
"""
import numpy as np

from core.decode import reading_order

# Which field each character of "YYYY-MM-DD" is written from; None for the separators.
ANSWER_FIELDS = ("year",) * 4 + (None,) + ("month",) * 2 + (None,) + ("day",) * 2


def char_sources(question, answer, spans):
    """Per answer character, the (start, end) input span it comes from, or None.

    spans: {"year"|"month"|"day": (start, end)} field spans in question. Digits of a numeric field are
    matched right-aligned ("16" -> the "16" of "2016"); ordinal suffixes ("22nd") are not digits.
    """
    sources = []
    for field, group in ((f, [i for i, g in enumerate(ANSWER_FIELDS) if g == f]) for f in ("year", "month", "day")):
        start, end = spans[field]
        digits = [start + i for i, c in enumerate(question[start:end]) if c.isdigit()]
        for k, position in enumerate(reversed(group)):   # right-aligned: last answer digit <- last input digit
            if k < len(digits):
                copied = digits[-1 - k]
                sources.append((position, (copied, copied + 1)))
            else:
                sources.append((position, (start, end)))
    by_position = dict(sources)
    return [by_position.get(i) for i in range(len(answer))]


def alignment_score(attention, sources):
    """attention (T, S) in reading order; sources: per output character (start, end) or None."""
    masses = [float(attention[t, start:end].sum())
              for t, span in enumerate(sources[:len(attention)]) if span
              for start, end in [span]]
    return float(np.mean(masses)) if masses else None


def example_sources(example):
    """char_sources of a generated or parsed date example (core.dates.DateExample)."""
    return char_sources(example.question, example.answer, example.spans)


def scores(weights, examples, reversed_input):
    """Per example score (None where the example has no known spans or the model has no attention).

    weights (N, T, S) in the encoder's input order, as decoding returns them; examples: DateExample
    or None per row.
    """
    if weights is None:
        return [None] * len(examples)
    return [None if e is None else
            alignment_score(reading_order(w, len(e.question), reversed_input), example_sources(e))
            for w, e in zip(weights, examples)]


def mean_score(values):
    known = [v for v in values if v is not None]
    return (float(np.mean(known)), len(known)) if known else (None, 0)
