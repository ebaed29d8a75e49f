"""Training time to 99% and 99.9% test accuracy on the book's split, over seeds, for our presets and
for PyTorch (../shared/bench/torch_ref.py), one after another on the same machine.

    python -m tools.time_to_accuracy ../shared/data/date.txt [--seeds 0,1,2,3,4] [--eval-every 25]

Each run trains from scratch and evaluates on the whole test split every --eval-every iterations;
evaluation time is left out of the clock on both sides. A run that has not reached a target within
--epochs epochs counts as not reached (shown as ">" the time it trained). Prints one line per run as it
ends, then a table of medians. Heavy: about half an hour on 2 cores. Run it on a quiet machine.
"""
import argparse
import os
import re
import subprocess
import sys

from core import bench
from core.training.config import preset
from core.training.loop import encode, prepare_data

TORCH_REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "torch_ref.py")
# its evaluation lines, inside an epoch and at an epoch's end, in the order printed
TORCH_EVAL = re.compile(r"test acc ([\d.]+)\s+(?:train-time|eval [\d.]+s\s+cumulative train-time) ([\d.]+)s")


def ours(data_path, preset_name, seed, targets, eval_every, epochs):
    config = preset(preset_name, data=data_path, seed=seed)
    train_set, test_set, vocab = prepare_data(config)
    data = (encode(train_set, vocab, config), encode(test_set, vocab, config), vocab)
    iterations = epochs * (len(train_set) // config.batch_size)
    reached, trained = bench.time_to_accuracy(config, data, targets, eval_every, max_seconds=float("inf"),
                                              log=lambda line: None, max_iterations=iterations)
    return {target: seconds for target, (seconds, _) in reached.items()}, trained


def torch(data_path, seed, targets, eval_every, epochs):
    """{target: train seconds or None} from torch_ref's --epochs mode (its per-evaluation lines)."""
    out = subprocess.run([sys.executable, TORCH_REF, data_path, "--epochs", str(epochs), "--seed", str(seed),
                          "--eval-every", str(eval_every)], capture_output=True, text=True, check=True).stdout
    evaluations = [(float(a), float(t)) for a, t in TORCH_EVAL.findall(out)]
    reached = {}
    for target in targets:
        reached[target] = next((t for a, t in evaluations if a >= target), None)
    return reached, evaluations[-1][1] if evaluations else None


def shown(seconds, trained):
    return f"{seconds:7.1f}" if seconds is not None else f">{trained:6.0f}"


def median_shown(values):
    """The median, where runs not reached count as slower than every run that was."""
    ordered = sorted(values, key=lambda v: (v is None, v or 0))
    middle = ordered[len(ordered) // 2]
    return f"{middle:7.1f}" if middle is not None else "not reached"


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.time_to_accuracy", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("--seeds", default="0,1,2,3,4")
    p.add_argument("--targets", default="0.99,0.999")
    p.add_argument("--eval-every", type=int, default=25)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--only", choices=("book", "fast", "torch"), action="append",
                   help="run only these (repeatable; default all three)")
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    targets = [float(t) for t in args.targets.split(",")]
    kinds = args.only or ["book", "fast", "torch"]
    results = {kind: {target: [] for target in targets} for kind in kinds}
    for kind in kinds:
        for seed in seeds:
            if kind == "torch":
                reached, trained = torch(args.data, seed, targets, args.eval_every, args.epochs)
            else:
                reached, trained = ours(args.data, kind, seed, targets, args.eval_every, args.epochs)
            for target in targets:
                results[kind][target].append(reached[target])
            print(f"{kind:5} seed {seed}: " + ", ".join(
                f"{target:.1%} {shown(reached[target], trained)} s" for target in targets), flush=True)
    print("\nmedian training seconds over seeds " + ",".join(map(str, seeds)))
    print("run    " + "".join(f"{target:>14.1%}" for target in targets))
    for kind in kinds:
        print(f"{kind:6} " + "".join(f"{median_shown(results[kind][target]):>14}" for target in targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
