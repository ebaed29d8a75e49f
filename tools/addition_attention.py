"""Where an addition run's attention goes: `python -m tools.addition_attention RUN_DIR [--examples N]`.

For each answer digit of the run's test sums (its own test split, core/rundir/task.py), the attention
mass on the two operand digits of the same place value, and on those and the next lower place's (where
a carry comes from); with the checkpoint's accuracy on the same sums. A measurement, never a test.
"""
import argparse

import numpy as np

from core import rundir
from core.decoding import translation
from core.rundir.task import run_data


def place_columns(a, b, place):
    """Input positions (reading order, in "a+b") of the digits with this place value (0 = units)."""
    columns = []
    if 0 <= place < len(a):
        columns.append(len(a) - 1 - place)
    if 0 <= place < len(b):
        columns.append(len(a) + len(b) - place)
    return columns


def measure(run_dir, examples=1000):
    model, vocab, config, name = rundir.load_model(run_dir)
    found = run_data(run_dir)
    if found.task.kind != "addition":
        raise SystemExit(f"{run_dir} is not an addition run (its task: {found.task.kind})")
    questions = found.test_set.questions[:examples]
    results = translation.translate_many(model, vocab, config, questions, found.task)
    same, with_carry = [], []
    for question, result in zip(questions, results):
        a, b = question.split("+")
        for t in range(len(result.expected)):
            place = len(result.expected) - 1 - t
            row = result.attention[t]
            same.append(row[place_columns(a, b, place)].sum())
            with_carry.append(row[place_columns(a, b, place) + place_columns(a, b, place - 1)].sum())
    right = np.mean([bool(r.correct) for r in results])
    return name, len(questions), right, float(np.mean(same)), float(np.mean(with_carry))


def main():
    parser = argparse.ArgumentParser(prog="python -m tools.addition_attention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir")
    parser.add_argument("--examples", type=int, default=1000)
    args = parser.parse_args()
    name, n, right, same, with_carry = measure(args.run_dir, args.examples)
    print(f"{name}: {right:.1%} of {n} test sums right; attention mass on the same place's operand digits "
          f"{same:.3f}, on the same or the next lower place's {with_carry:.3f}")


if __name__ == "__main__":
    main()
