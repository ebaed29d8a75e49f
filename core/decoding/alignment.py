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

# Which field each character of "YYYY-MM-DD" is written from; None for the separators.
ANSWER_FIELDS = ("year",) * 4 + (None,) + ("month",) * 2 + (None,) + ("day",) * 2
ROWS_AT_ONCE = 4096
# Per field, its answer positions from the last to the first (digits are matched right-aligned).
FIELD_POSITIONS = [(field, [i for i in reversed(range(len(ANSWER_FIELDS))) if ANSWER_FIELDS[i] == field])
                   for field in ("year", "month", "day")]


def char_sources(question, answer, spans):
    """Per answer character, the (start, end) input span it comes from, or None.

    spans: {"year"|"month"|"day": (start, end)} field spans in question. Digits of a numeric field are
    matched right-aligned ("16" -> the "16" of "2016"); ordinal suffixes ("22nd") are not digits.
    """
    sources = [None] * len(answer)
    for field, positions in FIELD_POSITIONS:
        start, end = spans[field]
        digits = [i for i in range(start, end) if question[i].isdigit()]
        for k, position in enumerate(positions):   # right-aligned: last answer digit <- last input digit
            if position < len(answer):
                sources[position] = (digits[-1 - k], digits[-1 - k] + 1) if k < len(digits) else (start, end)
    return sources


def alignment_score(attention, sources):
    """attention (T, S) in reading order; sources: per output character (start, end) or None."""
    masses = [float(attention[t, start:end].sum())
              for t, span in enumerate(sources[:len(attention)]) if span
              for start, end in [span]]
    return float(np.mean(masses)) if masses else None


def example_sources(example):
    """char_sources of a generated or parsed date example (core.data.dates.DateExample)."""
    return char_sources(example.question, example.answer, example.spans)


def scores(weights, examples, reversed_input):
    """Per example score (None where the example has no known spans or the model has no attention).

    weights (N, T, S) in the encoder's input order, as decoding returns them; examples: DateExample
    or None per row. The same as alignment_score row by row, in a few array operations: the mass on
    a span is a difference of cumulative sums over the input positions.
    """
    if weights is None:
        return [None] * len(examples)
    N, T, S = weights.shape
    starts, ends = np.zeros((N, T), dtype=np.int64), np.zeros((N, T), dtype=np.int64)   # empty: no source
    for row, example in enumerate(examples):
        if example is not None:
            for t, span in enumerate(example_sources(example)[:T]):
                if span:
                    starts[row, t], ends[row, t] = span
    mass = np.zeros((N, T))
    for a in range(0, N, ROWS_AT_ONCE):   # the cumulative sums of all rows at once would be 150 MB for 50,000
        block = weights[a:a + ROWS_AT_ONCE]
        reading = block[..., ::-1] if reversed_input else block   # position p of the question at index p
        cumulative = np.zeros(block.shape[:2] + (S + 1,))
        np.cumsum(reading, axis=2, out=cumulative[..., 1:])
        mass[a:a + ROWS_AT_ONCE] = (np.take_along_axis(cumulative, ends[a:a + ROWS_AT_ONCE, :, None], 2) -
                                    np.take_along_axis(cumulative, starts[a:a + ROWS_AT_ONCE, :, None], 2))[..., 0]
    scored = ends > starts
    counted = scored.sum(axis=1)
    means = (mass * scored).sum(axis=1) / np.maximum(counted, 1)
    return [float(m) if c else None for m, c in zip(means, counted)]


def mean_score(values):
    known = [v for v in values if v is not None]
    return (float(np.mean(known)), len(known)) if known else (None, 0)
