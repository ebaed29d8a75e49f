"""Queue a sweep (settings x seeds) through the training queue, or print a sweep's spread.

    python -m core.sweep --seeds 0-4 --lr 0.001,0.003 [--hidden-size 64,256] [--lstm-biases 1,2]
                         [--preset book,fast] [--model attention,peeky] [--batch-size ...] [--data-size ...]
                         [--bidirectional both] [--epochs 3] [--data FILE] [--workers 1] [--runs-root DIR]
                         [--ray-address ADDRESS]
    python -m core.sweep --summary SWEEP_ID [--runs-root DIR] [--csv FILE]

Each run of the grid is queued on its own (core.jobs), so the runs train as wide as the machine's cores
(or a Ray cluster's) allow; they carry the sweep's id and their setting in meta.json, and the Sweeps page (or --summary)
shows the spread over seeds per setting (core/training/sweep.py). The README's two-bias table is
    python -m core.sweep --data ../shared/data/date.txt --epochs 3 --seeds 0-19 --lstm-biases 1,2
"""
import csv
import datetime as dt
import os
import secrets
import sys

from core import PROJECT_ROOT, jobs, rundir
from core.jobs import cluster as ray_cluster
from core.errors import OneLineParser, UserError, run_cli
from core.rundir import listing, meta
from core.training import sweep
from core.training.config import PRESETS, TrainConfig

RUNS_ROOT = os.path.join(PROJECT_ROOT, "artifacts", "runs")


def number_list(kind):
    return lambda text: sweep.parse_values(text, kind)


def parse_args(argv):
    p = OneLineParser(prog="python -m core.sweep", description=__doc__,
                      formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    p.add_argument("--runs-root", default=RUNS_ROOT)
    p.add_argument("--summary", metavar="SWEEP_ID", help="print this sweep's spread instead of queueing one")
    p.add_argument("--csv", help="with --summary: also write the table to this file")
    p.add_argument("--seeds", type=sweep.parse_seeds, default=[0, 1, 2, 3, 4])
    p.add_argument("--lr", type=number_list(float))
    p.add_argument("--hidden-size", type=number_list(int))
    p.add_argument("--batch-size", type=number_list(int))
    p.add_argument("--data-size", type=number_list(int))
    p.add_argument("--lstm-biases", type=number_list(int))
    p.add_argument("--model", type=number_list(str))
    p.add_argument("--preset", type=number_list(str))
    p.add_argument("--bidirectional", choices=("both",), help="sweep the attention encoder both ways")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--data", help="book-format file (default: the built-in generator)")
    p.add_argument("--workers", type=int, default=1, help="workers (cores) per run (default 1: runs side by side)")
    p.add_argument("--ray-address", help="train on this Ray cluster (default: ATTENTION_LAB_RAY_ADDRESS, "
                                         "else this machine; README, \"A class on many machines\")")
    return p.parse_args(argv)


def queue_sweep(args):
    values = {n: getattr(args, n) for n in sweep.SWEPT if n not in ("bidirectional",) and getattr(args, n, None)}
    if args.bidirectional:
        values["bidirectional"] = [False, True]
    unknown = sorted(set(values.get("preset", [])) - set(PRESETS))
    if unknown:
        raise UserError(f"unknown preset {unknown[0]!r}; choose from {', '.join(PRESETS)}")
    base = TrainConfig(epochs=args.epochs, workers=args.workers, iter_checkpoints=0,
                       **({"data": os.path.abspath(args.data)} if args.data else {}))
    try:
        runs = sweep.grid(values, args.seeds, base, PRESETS)
    except ValueError as e:
        raise UserError(str(e)) from None
    sweep_id, _ = queue(args.runs_root, runs, cluster=args.ray_address or ray_cluster.address())
    print(f"queued {len(runs)} runs as {sweep_id}; follow it on the Sweeps page or with "
          f"`python -m core.sweep --summary {sweep_id}`")


def queue(root, runs, **start):
    """Queue a grid's runs [(setting, config)] (sweep.grid) as one sweep -> (sweep id, run directories).

    Each run is a group of its own in the queue (core.jobs.start_queue side_by_side), so the runs train
    side by side as wide as the cores (or a Ray cluster) allow, yet the sweep is one request against
    the visitor's limits, and stop_all(sweep=...) ends it whole. Each run's meta.json names the sweep
    and its own setting. start: more arguments of core.jobs.start_queue (requester, cores, upload,
    cluster).
    """
    # the second and 4 random hex digits: two visitors' sweeps queued in the same second stay apart
    sweep_id = f"{dt.datetime.now():sweep-%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    made = jobs.start_queue(root, [(config, f"sweep-s{config.seed}") for _, config in runs],
                            about={"sweep": sweep_id}, side_by_side=True, **start)
    for run_dir, (setting, _) in zip(made, runs):   # queued already: its first run may train meanwhile
        meta.update(run_dir, setting=sweep.setting_label(setting))
    return sweep_id, made


def sweep_runs(root, sweep_id):
    """[(setting label, epoch records)] of a sweep's runs, read from their run directories."""
    found = []
    for row in listing.RunIndex().rows(root):
        if row.get("sweep") == sweep_id:
            epochs = [r for r in rundir.read_metrics(row["path"]) if r.get("type") == "epoch"]
            found.append((row.get("setting") or "default", epochs))
    return found


def print_summary(args):
    runs = sweep_runs(args.runs_root, args.summary)
    if not runs:
        raise UserError(f"no runs of sweep {args.summary} in {args.runs_root}")
    rows = sweep.summary(runs)
    for row in rows:
        print(", ".join(f"{k}: {v:.4f}" if isinstance(v, float) else f"{k}: {v}" for k, v in row.items()))
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def main(argv=None):
    args = parse_args(argv)
    if args.summary:
        print_summary(args)
    else:
        queue_sweep(args)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
