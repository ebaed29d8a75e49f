"""Accuracy of a checkpoint on a book-format file, overall and per input format.

    python -m core.evaluate artifacts/demo --data ../shared/data/date.txt
The last line is always ``accuracy: 0.99900 (4995/5000)``.
"""
import argparse
import sys
from dataclasses import dataclass

import numpy as np

from core import data, decode, runs
from core.errors import run_cli


@dataclass
class Evaluation:
    epoch: int
    questions: list
    answers: list
    predictions: list
    labels: list          # format label per example ("all" when the file has none)
    correct: np.ndarray   # bool per example

    @property
    def accuracy(self):
        return float(self.correct.mean())

    def by_label(self):
        """[(label, correct, total)] sorted by label."""
        labels = np.array(self.labels)
        return [(label, int(self.correct[labels == label].sum()), int((labels == label).sum()))
                for label in sorted(set(self.labels))]

    def mistakes(self):
        """[(question, expected, predicted, label)] of the wrong predictions."""
        return [(q, a, p, l) for q, a, p, l, ok in
                zip(self.questions, self.answers, self.predictions, self.labels, self.correct) if not ok]


def evaluate(model, vocab, config, dataset, epoch=None, batch_size=500):
    """Batched greedy decoding of a whole Dataset with a loaded model."""
    xs = vocab.encode_questions(dataset.questions, config.reverse_input)
    ts = vocab.encode_answers(dataset.answers)
    ids, _ = decode.generate(model, xs, vocab.start_id, vocab.output_length, batch_size)
    correct = (ids == ts[:, 1:]).all(axis=1)
    predictions = [vocab.decode(row) for row in ids]
    labels = dataset.labels or ["all"] * len(dataset)
    return Evaluation(epoch, dataset.questions, dataset.answers, predictions, labels, correct)


def evaluate_run(run_dir, data_path, epoch=None, split="all"):
    model, vocab, config, epoch = runs.load_model(run_dir, epoch)
    dataset = data.load_file(data_path)
    if split == "test":
        dataset = data.split(dataset)[1]
    return evaluate(model, vocab, config, dataset, epoch)


def report(result):
    """The per-format table and the final accuracy line."""
    rows = [("format", "correct", "total", "accuracy")]
    rows += [(label, str(c), str(n), f"{c / n:.5f}") for label, c, n in result.by_label()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths)))
             for r in rows]
    total, correct = len(result.correct), int(result.correct.sum())
    lines.append(f"accuracy: {correct / total:.5f} ({correct}/{total})")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m core.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("--data", required=True, help="book-format file to evaluate on")
    p.add_argument("--epoch", type=int, help="checkpoint epoch (default: the latest)")
    p.add_argument("--split", choices=("all", "test"), default="all",
                   help="all lines, or the book's 10%% test split of the file")
    args = p.parse_args(argv)
    result = evaluate_run(args.run_dir, args.data, args.epoch, args.split)
    print(f"{args.run_dir}, epoch {result.epoch}, {args.data} ({args.split})")
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
