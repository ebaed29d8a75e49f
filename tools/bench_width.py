"""What the generator's longer input (issue 21: width 38 -> 48) costs a training step.

    python -m tools.bench_width [--steps 20] [--rounds 3]

One process, the book's setting, batches of 128, serial steps (forward, backward, clipping, Adam),
timed in alternating rounds so that load on the machine falls on every case alike. Three cases:
  - "old forms at 38": the forms before issue 21, padded to the old width 38;
  - "old forms at 48": the same batches padded to 48: the width's own cost;
  - "all forms at 48": the generator as it is now: what training the demo costs per step.
Prints the median seconds per step of each and its ratio to the first (a measurement, never a test),
and a count that load cannot blur: the distinct (prefix, step) pairs the encoder computes per batch
(core/model/prefixes.py: reversed input starts with padding, which rows share).
"""
import argparse
import statistics
import time

import numpy as np

from core import data
from core.data import dates
from core.model.optimizer import Adam
from core.model.prefixes import PrefixTree
from core.model.registry import build_model
from core.training.config import TrainConfig
from core.training.steppers import SerialStepper

BATCH = 128


def _batches(formats, width, steps, seed):
    examples = dates.generate(BATCH * steps, seed, formats)
    questions, answers = [e.question for e in examples], [e.answer for e in examples]
    vocab = data.Vocab(dates.alphabet(), width, dates.ANSWER_LENGTH)
    keep = [i for i, q in enumerate(questions) if len(q) <= width]
    xs = vocab.encode_questions([questions[i] for i in keep])
    ts = vocab.encode_answers([answers[i] for i in keep])
    return [(xs[k:k + BATCH], ts[k:k + BATCH]) for k in range(0, len(keep) - BATCH + 1, BATCH)]


def main():
    p = argparse.ArgumentParser(prog="python -m tools.bench_width", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    config = TrainConfig()
    cases = {"old forms at 38": _batches(dates.OLD_FORMATS, 38, args.steps, 1),
             "old forms at 48": _batches(dates.OLD_FORMATS, 48, args.steps, 1),
             "all forms at 48": _batches(None, 48, args.steps, 1)}
    times = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, batches in cases.items():
            model = build_model(config, len(dates.alphabet()))
            stepper = SerialStepper(model, Adam(config.lr), config)
            stepper.step(*batches[0])   # warm-up
            for xs, ts in batches[1:]:
                start = time.perf_counter()
                stepper.step(xs, ts)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["old forms at 38"])
    pairs = {name: statistics.mean(int(PrefixTree(xs).counts.sum()) for xs, _ in batches) for name, batches in cases.items()}
    for name, t in times.items():
        print(f"{name}: {statistics.median(t):.4f} s/step ({statistics.median(t) / base:.2f}x), "
              f"{pairs[name]:.0f} distinct encoder steps per batch ({pairs[name] / pairs['old forms at 38']:.3f}x)")


if __name__ == "__main__":
    main()
