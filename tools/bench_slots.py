"""Finished runs per hour through the queue, for the ways a machine's cores can be shared out.

    python -m tools.bench_slots [--runs 4] [--data-size 20000] [--epochs 2] [--workers 2,1]

For each worker count W, queues --runs identical runs (the book's model on the built-in generator) into
a temporary runs folder with a pool of every core (core/jobs/queue.py): with W = the core count one
run trains at a time on all cores; with W = 1 as many runs train side by side as there are cores.
Prints the wall time from the first Start to the last run finished, and runs per hour. A measurement,
never a test: run it on a quiet machine and compare the figures of one session.
"""
import argparse
import os
import tempfile
import time

from core import jobs
from core.rundir import listing, read_status
from core.training.config import TrainConfig


def finished_per_hour(workers, runs, data_size, epochs):
    """-> (wall seconds, runs per hour) for `runs` runs of `workers` workers each."""
    with tempfile.TemporaryDirectory(prefix="bench-slots-") as root:
        config = TrainConfig(data_size=data_size, epochs=epochs, workers=workers, iter_checkpoints=0)
        start = time.perf_counter()
        run_dirs = [jobs.start_queue(root, [(config, f"w{workers}-{n}")], cores=os.cpu_count())[0]
                    for n in range(runs)]
        while listing.active_runs(root):
            time.sleep(0.5)
        wall = time.perf_counter() - start
        states = [read_status(d)["state"] for d in run_dirs]
        if states != ["finished"] * runs:
            raise SystemExit(f"not every run finished: {states}")
        return wall, runs * 3600 / wall


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.bench_slots", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=4)
    p.add_argument("--data-size", type=int, default=20000)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--workers", default=f"{os.cpu_count()},1", help="worker counts to compare, e.g. 2,1")
    args = p.parse_args(argv)
    print(f"{args.runs} runs of {args.data_size:,} examples x {args.epochs} epochs on {os.cpu_count()} cores")
    for workers in [int(w) for w in args.workers.split(",")]:
        wall, per_hour = finished_per_hour(workers, args.runs, args.data_size, args.epochs)
        side_by_side = max(1, os.cpu_count() // workers)
        print(f"workers per run {workers} ({side_by_side} at a time): {wall:.1f} s, {per_hour:.1f} runs/hour",
              flush=True)


if __name__ == "__main__":
    main()
