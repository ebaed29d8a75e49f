"""Accuracy of a checkpoint on a book-format file, overall and per input format.

    python -m core.evaluate artifacts/demo --data ../shared/data/date.txt
The last line is always ``accuracy: 0.99900 (4995/5000)``.
"""
import argparse
import sys
from dataclasses import dataclass

import numpy as np

from core import alignment, data, dates, decode, run_checkpoints, runs
from core.errors import run_cli


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

    def by_label(self, group=lambda label: label):
        """[(group, correct, total)] sorted by group; group maps a format label to its group."""
        groups = np.array([group(label) for label in self.labels])
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
    ids, weights = decode.generate(model, xs, vocab.start_id, vocab.output_length, on_progress=on_progress)
    correct = (ids == ts[:, 1:]).all(axis=1)
    predictions = vocab.decode_many(ids)
    labels = dataset.labels or ["all"] * len(dataset)
    examples = dataset.examples or [None] * len(dataset)
    scores = alignment.scores(weights, examples, config.reverse_input)
    return Evaluation(checkpoint, dataset.questions, dataset.answers, predictions, labels, correct, scores)


def evaluate_run(run_dir, data_path, checkpoint=None, split="all"):
    model, vocab, config, name = runs.load_model(run_dir, checkpoint)
    dataset = data.load_file(data_path)
    if split == "test":
        dataset = data.split(dataset)[1]
    return evaluate(model, vocab, config, dataset, name)


def table(title, groups):
    rows = [(title, "correct", "total", "accuracy")]
    rows += [(label, str(c), str(n), f"{c / n:.5f}") for label, c, n in groups]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
            for r in rows]


def report(result):
    """The per-format and per-case tables, the alignment score, and the final accuracy line."""
    lines = table("format", result.by_label())
    if len(result.by_case()) > 1:
        lines += [""] + table("case", result.by_case())
    mean, count = alignment.mean_score(result.alignment)
    if mean is not None:
        lines.append(f"alignment: {mean:.4f} (mean attention mass on the input character each output "
                     f"character is copied from, {count} dates)")
    total, correct = len(result.correct), int(result.correct.sum())
    lines.append(f"accuracy: {correct / total:.5f} ({correct}/{total})")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m core.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("--data", required=True, help="book-format file to evaluate on")
    run_checkpoints.add_cli_arguments(p)
    p.add_argument("--split", choices=("all", "test"), default="all",
                   help="all lines, or the book's 10%% test split of the file")
    args = p.parse_args(argv)
    result = evaluate_run(args.run_dir, args.data, run_checkpoints.from_cli(args), args.split)
    print(f"{args.run_dir}, {run_checkpoints.title(result.checkpoint)}, {args.data} ({args.split})")
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
