"""Translate one string with a run's checkpoint: the `python -m core.translate` command.

    python -m core.translate artifacts/demo "Tuesday, November 22, 2016" [--epoch K | --iteration N]

Prints the prediction and the attention matrix as a text heatmap (core/decoding/translation.py).
"""
import argparse
import sys

from core import rundir
from core.decoding.translation import translate
from core.rundir.task import run_task
from core.errors import OneLineParser, run_cli
from core.rundir import checkpoints

SHADES = " .:-=+*#%@"


def text_heatmap(result):
    """The attention matrix as characters: one row per output char, one column per input char."""
    if result.attention is None:
        return "(this model has no attention to show)"
    lines = ["    " + result.text]
    for char, row in zip(result.prediction, result.attention):
        cells = "".join(SHADES[min(int(w * len(SHADES)), len(SHADES) - 1)] for w in row)
        lines.append(f" {char!s:>2} {cells}")
    return "\n".join(lines)


def main(argv=None):
    p = OneLineParser(prog="python -m core.translate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("text")
    checkpoints.add_cli_arguments(p)
    args = p.parse_args(argv)
    model, vocab, config, name = rundir.load_model(args.run_dir, checkpoints.from_cli(args))
    result = translate(model, vocab, config, args.text, run_task(args.run_dir))   # the run's own answers
    print(result.prediction)
    print(f"({checkpoints.title(name)}; attention: rows are output characters, columns input characters, "
          f"darker = more weight, '{SHADES[-1]}' >= 0.9)")
    print(text_heatmap(result))
    if result.expected is not None:
        print(f"expected {result.expected}: {'correct' if result.correct else 'WRONG'}")
    if result.impossible:
        print(f"impossible date: {result.impossible}")
    if result.confidence is not None:
        print("confidence: " + " ".join(f"{c}:{p:.2f}" for c, p in zip(result.prediction, result.confidence)))
    if result.alignment is not None:
        print(f"alignment score: {result.alignment:.4f} (attention mass on the characters each answer "
              f"character comes from; 1 = perfect)")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
