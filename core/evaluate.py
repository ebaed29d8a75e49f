"""Accuracy of a checkpoint on a book-format file, overall and per input format.

    python -m core.evaluate artifacts/demo --data ../shared/data/date.txt
The last line is always ``accuracy: 0.99900 (4995/5000)``.
"""
import argparse
import sys

from core import data, rundir
from core.decoding import alignment
from core.decoding.evaluation import evaluate
from core.errors import OneLineParser, run_cli
from core.rundir import checkpoints


def evaluate_run(run_dir, data_path, checkpoint=None, split="all"):
    model, vocab, config, name = rundir.load_model(run_dir, checkpoint)
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


def report(result, by="label"):
    """The per-format (and case: by "label"; or per format alone: by "format") and per-case tables, the
    alignment score, and the final accuracy line."""
    lines = table("format", result.by_label(None if by == "label" else lambda label: label.split("/")[0]))
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
    p = OneLineParser(prog="python -m core.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("--data", required=True, help="book-format file to evaluate on")
    checkpoints.add_cli_arguments(p)
    p.add_argument("--split", choices=("all", "test"), default="all",
                   help="all lines, or the book's 10%% test split of the file")
    p.add_argument("--by", choices=("label", "format"), default="label",
                   help="the first table's rows: format and case (\"long/lower\"), or format alone")
    args = p.parse_args(argv)
    result = evaluate_run(args.run_dir, args.data, checkpoints.from_cli(args), args.split)
    print(f"{args.run_dir}, {checkpoints.title(result.checkpoint)}, {args.data} ({args.split})")
    print(report(result, args.by))
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
