"""Benchmark of the book setting: prints figures, never fails on them.

    python -m core.bench [--data FILE] [--iters 40] [--time-to 0.99,0.999 --preset fast --seed 0]

Prints the training worker count (``--workers``, default the config's; core/training/steppers.py), the cost of
the live snapshot the Train page draws from (live_snapshot_ms, and its share of training time), and
ends with four lines: train_s_per_iter (median after warm-up), eval_5000_s (batched greedy decoding of
5,000 examples by one worker process per core, kept from an earlier call as the app and the trainer keep
them; in brackets the first call, which starts them, and this process alone), translate_ms (median of single calls) and
train_peak_rss_mb (peak resident memory during training, worker processes included).
``--time-to`` first trains from scratch on the book's split, evaluating every ``--eval-every``
iterations (evaluation time excluded), and reports the training time to reach each accuracy
(tools/time_to_accuracy.py runs it over seeds beside PyTorch).
"""
import argparse
import resource
import statistics
import sys
import tempfile
import time

import numpy as np

from core.decoding import greedy
from core.decoding.translation import translate
from core.errors import OneLineParser, run_cli
from core.model.optimizer import Adam
from core.model.registry import build_model
from core.rundir import live
from core.training import steppers
from core.training.config import PRESETS, preset
from core.training.loop import encode, prepare_data


def workers_peak_rss_mb(stepper):
    """Peak resident memory of the training worker processes, read while they are alive."""
    total = 0.0
    for process in getattr(stepper, "processes", []):
        with open(f"/proc/{process.pid}/status") as f:
            total += sum(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    return total


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux reports KiB


def train_steps(stepper, config, xs, ts, rng):
    """Endless training iterations over shuffled epochs; yields the seconds each one took."""
    batch = config.batch_size
    while True:
        order = rng.permutation(len(xs))
        for start in range(0, len(xs) - batch + 1, batch):
            index = order[start:start + batch]
            tick = time.perf_counter()
            stepper.step(xs[index], ts[index])
            yield time.perf_counter() - tick


def time_to_accuracy(config, data, targets, eval_every, max_seconds, log=print, max_iterations=None):
    """Train from scratch, evaluating every eval_every iterations (evaluation time excluded from the
    clock) -> ({target: (training seconds, iteration) or (None, last iteration)}, seconds trained);
    stops once every target is reached, after max_seconds of training or after max_iterations."""
    (x_train, t_train), (x_test, t_test), vocab = data
    rng = np.random.default_rng(config.seed)
    model = build_model(config, len(vocab.chars), rng=rng)
    stepper = steppers.make_stepper(model, Adam(config.lr), config, len(vocab.chars))
    steps = train_steps(stepper, config, x_train, t_train, rng)
    reached, clock = {}, 0.0
    try:
        for iteration in range(1, 10 ** 9):
            clock += next(steps)
            last = iteration >= (max_iterations or 10 ** 9)
            if iteration % eval_every and not last:
                continue
            accuracy = greedy.accuracy(model, x_test, t_test)
            log(f"  iteration {iteration}: train time {clock:6.1f} s, test accuracy {accuracy:.4f}")
            for target in targets:
                if accuracy >= target and target not in reached:
                    reached[target] = (clock, iteration)
            if len(reached) == len(targets) or clock > max_seconds or last:
                return {target: reached.get(target, (None, iteration)) for target in targets}, clock
    finally:
        stepper.close()


def accuracies(text):
    """"0.99,0.999" -> [0.99, 0.999]: argparse's type for --time-to (each a number in (0, 1])."""
    try:
        values = [float(t) for t in text.split(",")]
    except ValueError:
        values = []
    if not values or not all(0 < v <= 1 for v in values):   # also refuses nan
        raise argparse.ArgumentTypeError("expected test accuracies in (0, 1] separated by commas, e.g. 0.99,0.999")
    return values


def main(argv=None):
    p = OneLineParser(prog="python -m core.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="book-format file (default: the built-in generator, 50,000 examples)")
    p.add_argument("--iters", type=int, default=40, help="timed training iterations")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--preset", choices=sorted(PRESETS), default="book")
    p.add_argument("--workers", type=int, help="training processes sharing each batch; 0: one per core "
                                               "(default: the config's)")
    p.add_argument("--time-to", type=accuracies,
                   help="also train until these test accuracies, e.g. 0.99,0.999")
    p.add_argument("--seed", type=int, help="the run's seed (default: the preset's)")
    p.add_argument("--eval-every", type=int, default=25)
    p.add_argument("--max-seconds", type=float, default=300)
    args = p.parse_args(argv)

    overrides = {"data": args.data} if args.data else {}
    if args.workers is not None:
        overrides["workers"] = args.workers
    if args.seed is not None:
        overrides["seed"] = args.seed
    config = preset(args.preset, **overrides)
    train_set, test_set, vocab = prepare_data(config)
    data = (encode(train_set, vocab, config), encode(test_set, vocab, config), vocab)
    print(f"preset {args.preset}: hidden {config.hidden_size}, wordvec {config.wordvec_size}, "
          f"batch {config.batch_size}, lr {config.lr}; train {len(train_set)}, test {len(test_set)}, "
          f"vocab {len(vocab.chars)}, data {config.data}", flush=True)
    print(f"workers: {steppers.resolve_workers(config)}", flush=True)

    if args.time_to:
        reached, _ = time_to_accuracy(config, data, args.time_to, args.eval_every, args.max_seconds,
                                      log=lambda line: print(line, flush=True))
        for target, (seconds, iteration) in reached.items():
            shown = f"{seconds:.1f}" if seconds is not None else f"not reached in {args.max_seconds:.0f}"
            print(f"time_to_{target:g}_s: {shown} (iteration {iteration})", flush=True)

    (x_train, t_train), (x_test, t_test), vocab = data
    rng = np.random.default_rng(config.seed)
    model = build_model(config, len(vocab.chars), rng=rng)
    stepper = steppers.make_stepper(model, Adam(config.lr), config, len(vocab.chars))
    steps = train_steps(stepper, config, x_train, t_train, rng)
    times = [next(steps) for _ in range(args.warmup + args.iters)][args.warmup:]
    train_rss = peak_rss_mb() + workers_peak_rss_mb(stepper)
    stepper.close()

    n_eval = min(5000, len(x_test))
    eval_s = {}
    # this process alone; then one worker process per core (the default): the first call starts the
    # workers, the next finds them kept (core/decoding/worker_pool.py)
    for case, workers in (("alone", 1), ("first", None), ("kept", None)):
        start = time.perf_counter()
        greedy.accuracy(model, x_test[:n_eval], t_test[:n_eval], workers=workers)
        eval_s[case] = (time.perf_counter() - start) * 5000 / n_eval

    text = test_set.questions[0]
    calls = []
    for _ in range(21):
        start = time.perf_counter()
        translate(model, vocab, config, text)
        calls.append(time.perf_counter() - start)

    # The live snapshot (core.rundir.live) is written at most every EVERY_S seconds while training: its cost
    # as a share of training time is the write time over that interval.
    with tempfile.TemporaryDirectory() as folder:
        writes = []
        for iteration in range(11):
            start = time.perf_counter()
            live.write(folder, iteration, model.params)
            writes.append(time.perf_counter() - start)
    live_ms = statistics.median(writes) * 1000

    print(f"live_snapshot_ms: {live_ms:.1f} (one write every {live.EVERY_S:g} s: "
          f"{live_ms / (live.EVERY_S * 1000) * 100:.2f}% of training time)")
    print(f"train_s_per_iter: {statistics.median(times):.4f}")
    print(f"eval_5000_s: {eval_s['kept']:.2f} ({steppers.default_workers()} worker processes, kept from an "
          f"earlier call; {eval_s['first']:.2f} when the call starts them; {eval_s['alone']:.2f} in this process alone)")
    print(f"translate_ms: {statistics.median(calls) * 1000:.1f}")
    print(f"train_peak_rss_mb: {train_rss:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
