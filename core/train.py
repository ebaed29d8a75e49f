"""Train a model into a run directory: the `python -m core.train` command.

    python -m core.train --run-dir artifacts/runs/my-run --epochs 5
    python -m core.train --run-dir artifacts/runs/book --data ../shared/data/date.txt --epochs 3

SIGTERM or SIGINT stops after the current iteration: finished epochs stay, status says "stopped".
The dashboard's queue runs it as `python -m core.train --quiet --queue RUN_DIR...` (core/jobs).
"""
import argparse
import os
import signal
import sys

from core import rundir
from core.data import server_files
from core.errors import OneLineParser, UserError, run_cli
from core.model.registry import MODELS
from core.training.config import LIMITS, PRESETS, TrainConfig, preset
from core.training.loop import run_queue, train, wait_for_launcher
from core.training.progress import ProgressBar


QUEUE_NICENESS = 10   # a trainer started from the dashboard: interactive views stay fast while it trains


def parse_args(argv=None):
    defaults = TrainConfig()
    p = OneLineParser(prog="python -m core.train", description=__doc__,
                      formatter_class=argparse.RawDescriptionHelpFormatter,
                      epilog="Limits: " + ", ".join(f"{k.replace('_', '-')} {lo}-{hi:,}" for k, (lo, hi) in
                                                   LIMITS.items() if k != "loss_every")
                             + "; lr finite, > 0 and <= 10; a data file at most "
                               f"{server_files.DEFAULT_MAX_MB} MB ({server_files.MAX_MB_ENV}).")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--run-dir", help="directory to write (created; must not hold a run)")
    target.add_argument("--queue", nargs="+", metavar="RUN_DIR",
                        help="train run directories one after another, each from its request.json "
                             "(how the dashboard starts runs)")
    p.add_argument("--preset", choices=sorted(PRESETS), default="book",
                   help="named setting; explicit options below override it (default: book)")
    p.add_argument("--data", help="book-format file (default: the built-in date generator)")
    p.add_argument("--data-size", type=int, help=f"generator examples (default {defaults.data_size})")
    p.add_argument("--data-seed", type=int)
    p.add_argument("--model", choices=sorted(MODELS))
    p.add_argument("--bidirectional", action="store_true", default=None,
                   help="attention model: encoder reads the input both ways")
    p.add_argument("--lstm-biases", type=int, choices=(1, 2),
                   help="2: PyTorch's LSTM with two biases (default, trains faster); 1: the book's")
    p.add_argument("--epochs", type=int)
    p.add_argument("--hidden-size", type=int)
    p.add_argument("--wordvec-size", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--max-grad", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--iter-checkpoints", type=int, metavar="COUNT",
                   help="checkpoints saved inside training besides epoch ends, iteration 0 included, "
                        f"spaced geometrically (default {defaults.iter_checkpoints}; 0: none)")
    p.add_argument("--checkpoint-iterations", type=iteration_list, metavar="N,N,...",
                   help="save the checkpoints inside training at exactly these iterations instead")
    p.add_argument("--workers", type=int, help="processes sharing each batch; 0: one per core; 1: serial "
                                               f"(default {defaults.workers})")
    p.add_argument("--max-minutes", type=float, help="stop the run (\"time cap\") after this much training")
    p.add_argument("--max-checkpoint-mb", type=float,
                   help="stop the run (\"disk cap\") rather than write checkpoints beyond this size")
    p.add_argument("--no-reverse", action="store_true", help="feed the input in reading order")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def iteration_list(text):
    """"0,500,1000" -> [0, 500, 1000]: argparse's type for --checkpoint-iterations."""
    try:
        values = sorted({int(v) for v in text.split(",") if v.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError("expected iterations separated by commas, e.g. 0,500,1000")
    if not values or values[0] < 0 or len(values) > 100:
        raise argparse.ArgumentTypeError("expected 1 to 100 iterations, none negative")
    return values


def config_from_args(args):
    overrides = {k: v for k, v in vars(args).items()
                 if v is not None and k not in ("run_dir", "queue", "preset", "no_reverse", "quiet")}
    if args.no_reverse:
        overrides["reverse_input"] = False
    return preset(args.preset, **overrides).checked()


def usable_run_dir(path):
    """Create --run-dir, or say in one line why it cannot be a run directory (a file, /etc/passwd, ...)."""
    if "\0" in path:
        raise UserError("--run-dir contains a NUL character")
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"--run-dir {path} is a file, not a directory")
    if rundir.definition.holds_a_run(path):
        raise UserError(f"{path} already holds a run; choose a new --run-dir")
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".write-test.tmp")
        with open(probe, "wb"):
            pass
        os.remove(probe)
    except OSError as e:
        raise UserError(f"cannot write to --run-dir {path}: {e.strerror or type(e).__name__}")
    return path


def main(argv=None):
    stop = {"signal": None}

    def request_stop(signum, _frame):
        stop["signal"] = signal.Signals(signum).name

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    should_stop = lambda: stop["signal"] is not None
    args = parse_args(argv)
    bar = None if args.quiet else ProgressBar(sys.stderr)
    on_progress = bar.update if bar else None
    if args.queue:
        missing = [d for d in args.queue if not os.path.isdir(d)]
        if missing:
            raise UserError(f"--queue: no run directory {missing[0]}")
        os.nice(QUEUE_NICENESS)   # the dashboard's trainer yields to the pages (its workers inherit it)
        wait_for_launcher(args.queue)
        return 1 if run_queue(args.queue, should_stop, on_progress) else 0
    config = config_from_args(args)
    usable_run_dir(args.run_dir)
    try:
        status = train(config, args.run_dir, should_stop=should_stop, on_progress=on_progress)
    except OSError as e:   # recorded in status.json by train(); here one line instead of a traceback
        if server_files.is_disk_full(e):
            raise UserError(f"disk full while writing {args.run_dir}") from e
        raise UserError(f"cannot write {args.run_dir}: {e.strerror or type(e).__name__}") from e
    if bar:
        bar.close()
    if status["state"] == "stopped":
        print(f"stopped by {stop['signal']}; finished epochs: {rundir.epochs(args.run_dir)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
