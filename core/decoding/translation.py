"""One string in -> the model's prediction and its attention matrix, in reading order (and many
strings at once, for the variants view). The `python -m core.translate` command prints these.
"""
from dataclasses import dataclass

import numpy as np

from core.data import tasks
from core.decoding.alignment import alignment_score, example_sources
from core.decoding.greedy import reading_order
from core.errors import UserError


@dataclass
class Translation:
    text: str               # the input as the model read it (surrounding spaces removed)
    prediction: str         # the generated output characters
    attention: np.ndarray   # (T, len(text)): row t = weights of output char t over input chars; None
                            # for models without attention
    expected: str = None    # the right answer: from the run's own data, or the date the input means
                            # when the generator's forms read it (core.data.tasks.Task.answer_of)
    spans: list = None      # per output character, the input span it comes from (core.decoding.alignment)
    confidence: np.ndarray = None   # (T,) softmax probability of each output character
    impossible: str = None  # why the input, written in a known form, names no real date
    label: str = None       # the input's format label ("long/title"), when the generator's forms read it

    @property
    def correct(self):
        return None if self.expected is None else self.prediction.strip() == self.expected

    @property
    def wrong(self):
        """Per output character, True where it differs from the right answer; None when unknown."""
        if self.expected is None:
            return None
        expected = self.expected.ljust(len(self.prediction))
        return [p != e for p, e in zip(self.prediction, expected)]

    @property
    def alignment(self):
        """The alignment score (core.decoding.alignment) of this prediction, when spans and attention exist."""
        if self.spans is None or self.attention is None:
            return None
        return alignment_score(self.attention, self.spans)


def refused_characters(vocab, text):
    """The characters of text outside the model's vocabulary, in order of first appearance."""
    allowed = set(vocab.chars)
    return list(dict.fromkeys(c for c in text.strip() if c not in allowed))


def translate(model, vocab, config, text, task=tasks.DATES):
    """Translate one string; a bad string raises UserError with a one-line reason. task (the run's
    core.data.tasks.Task) gives the right answer; the default reads dates only."""
    text = text.strip()
    vocab.check_question(text)
    return _translate_checked(model, vocab, config, [text], task)[0]


def translate_many(model, vocab, config, texts, task=tasks.DATES):
    """Translate several strings in one batch -> per text a Translation, or the UserError that
    says why the model cannot read it."""
    texts = [t.strip() for t in texts]
    errors = {}
    for i, text in enumerate(texts):
        try:
            vocab.check_question(text)
        except UserError as e:
            errors[i] = e
    readable = [i for i in range(len(texts)) if i not in errors]
    done = dict(zip(readable, _translate_checked(model, vocab, config, [texts[i] for i in readable], task)))
    return [errors[i] if i in errors else done[i] for i in range(len(texts))]


def _translate_checked(model, vocab, config, texts, task):
    if not texts:
        return []
    xs = vocab.encode_questions(texts, config.reverse_input)
    ids = model.generate(xs, vocab.start_id, vocab.output_length)
    weights, probabilities = model.attention_weights, model.output_probabilities
    results = []
    for row, text in enumerate(texts):
        attention = None
        if weights is not None:
            attention = np.ascontiguousarray(reading_order(weights[row], len(text), config.reverse_input))
        answer = task.answer_of(text)
        parsed = answer.parsed
        results.append(Translation(
            text, vocab.decode(ids[row]), attention, answer.expected,
            example_sources(parsed) if parsed else None,
            None if probabilities is None else np.asarray(probabilities[row], dtype=float),
            answer.impossible, parsed.label if parsed else None))
    return results
