"""Accuracy of a model on a dataset, per example and per input format and case: what the
`python -m core.evaluate` command prints and the Errors page draws."""
from dataclasses import dataclass

import numpy as np

from core.data import dates
from core.decoding import alignment, greedy


@dataclass
class Evaluation:
    checkpoint: str       # the checkpoint's name ("epoch_003", "iter_0000150"), or None
    questions: list
    answers: list
    predictions: list
    labels: list          # format label per example ("all" when the file has none)
    correct: np.ndarray   # bool per example
    alignment: list       # alignment score per example (None where unknown)

    @property
    def accuracy(self):
        return float(self.correct.mean())

    def by_label(self, group=None):
        """[(group, correct, total)] sorted by group; group maps a format label to its group (None: the label)."""
        groups = np.array(self.labels if group is None else [group(label) for label in self.labels])
        return [(g, int(self.correct[groups == g].sum()), int((groups == g).sum())) for g in sorted(set(groups))]

    def by_case(self):
        return self.by_label(case_of)

    def mistakes(self):
        """[(question, expected, predicted, label)] of the wrong predictions."""
        return [(q, a, p, l) for q, a, p, l, ok in
                zip(self.questions, self.answers, self.predictions, self.labels, self.correct) if not ok]


def case_of(label):
    """"full/title" -> "title"; formats written without letters ("short", "dot", ...) -> "numeric"."""
    if "/" in label:
        return label.split("/")[1]
    return "numeric" if label in dates.NUMERIC_FORMATS else label


def evaluate(model, vocab, config, dataset, checkpoint=None, on_progress=None):
    """Batched greedy decoding of a whole Dataset with a loaded model; on_progress(done, total)."""
    xs = vocab.encode_questions(dataset.questions, config.reverse_input)
    ts = vocab.encode_answers(dataset.answers)
    ids, weights = greedy.generate(model, xs, vocab.start_id, vocab.output_length, on_progress=on_progress)
    correct = (ids == ts[:, 1:]).all(axis=1)
    predictions = vocab.decode_many(ids)
    labels = dataset.labels or ["all"] * len(dataset)
    examples = dataset.examples or [None] * len(dataset)
    scores = alignment.scores(weights, examples, config.reverse_input)
    return Evaluation(checkpoint, dataset.questions, dataset.answers, predictions, labels, correct, scores)


DATE_FIELDS = ("year", "month", "day")


def wrong_fields(expected, predicted):
    """Which fields of a YYYY-MM-DD answer a prediction gets wrong: ("month",), ("year", "day"), ...;
    None when the expected answer is not a date of that shape (another task). A prediction of the
    wrong shape (a separator misplaced) is wrong in every field whose characters differ."""
    if len(expected) != len(dates.ANSWER_FIELDS) or expected[4] != "-" or expected[7] != "-":
        return None
    predicted = predicted.ljust(len(expected))
    return tuple(f for f in DATE_FIELDS
                 if any(e != p for e, p, field in zip(expected, predicted, dates.ANSWER_FIELDS) if field == f))


def field_breakdown(mistakes):
    """{field: how many mistakes get it wrong} over (question, expected, predicted, label) rows, for
    the date fields; {} when the answers are not dates."""
    counts = dict.fromkeys(DATE_FIELDS, 0)
    for _, expected, predicted, _ in mistakes:
        fields = wrong_fields(expected.strip(), predicted.strip())
        if fields is None:
            return {}
        for f in fields:
            counts[f] += 1
    return counts
