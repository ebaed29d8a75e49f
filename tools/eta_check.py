"""The Train page's ETA against what really remained, on finished runs: `python -m tools.eta_check RUN_DIR...`

Each run's metrics.jsonl is replayed cut at several points (as the page read it while the run trained)
and the ETA then (core.rundir.metrics.eta_seconds) is set against the wall-clock time that was in fact
left: the last record's wall_time minus the cut's. Runs written before wall_time existed are cut at
epoch ends only, where the epochs' own wall times (epoch_time) say what was left.
Prints one line per cut and the worst ratio per run; a ratio of 1 is exact.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

from core.rundir import metrics, read_config, read_status
from core.training.schedule import planned_checkpoints

FRACTIONS = (0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9)


def replay(records, status, planned, cut, old=False):
    """The ETA a page would have shown with the records up to index cut (exclusive) in the file; old:
    the estimate from training time alone, which the pages used before wall_time existed."""
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, metrics.METRICS), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in records[:cut])
        log = metrics.MetricsLog(folder).update()
        return metrics._eta_from_train_time(log, status) if old else metrics.eta_seconds(log, status, planned)


def cuts(records, status):
    """[(cut index, seconds really left)] at about FRACTIONS of the iterations (or at epoch ends)."""
    total = status["total_iters"]
    timed = [r for r in records if isinstance(r.get("wall_time"), (int, float))]
    if timed:
        end = max(r["wall_time"] for r in timed)
        found = []
        for fraction in FRACTIONS:
            index = next((n for n, r in enumerate(records) if r.get("type") == "loss"
                          and r["iteration"] >= fraction * total), None)
            if index is not None:
                found.append((index + 1, end - records[index]["wall_time"]))
        return found
    ends = [n for n, r in enumerate(records) if r.get("type") == "epoch"]
    times = [records[n].get("epoch_time") or 0.0 for n in ends]
    return [(n + 1, float(sum(times[k + 1:]))) for k, n in enumerate(ends[:-1])]


def check(run_dir, out=sys.stdout):
    """-> [(iteration, eta, actual, eta from training time alone)] for one finished run, printed."""
    status, records = read_status(run_dir), metrics.read_metrics(run_dir)
    config = read_config(run_dir)
    planned = planned_checkpoints(config, status["iters_per_epoch"], status["total_iters"])
    rows = []
    for cut, actual in cuts(records, status):
        iteration = max(r.get("iteration", 0) for r in records[:cut])
        rows.append((iteration, replay(records, status, planned, cut), actual,
                     replay(records, status, planned, cut, old=True)))
    print(f"{run_dir}: {status['total_iters']} iterations, wall_time "
          f"{'recorded' if any('wall_time' in r for r in records) else 'missing (epoch ends only)'}", file=out)
    for iteration, eta, actual, old in rows:
        print(f"  at iteration {iteration:7d}: ETA {_s(eta)} s, really left {actual:8.1f} s, ratio "
              f"{_ratio(eta, actual)} (training time alone: {_ratio(old, actual)})", file=out)
    for name, column in (("ETA", 1), ("training time alone", 3)):
        ratios = [row[column] / row[2] for row in rows if row[column] is not None and row[2] > 0]
        if ratios:
            print(f"  worst ratio, {name}: {max(ratios, key=lambda r: abs(np.log(r))):.2f}", file=out)
    return rows


def _s(seconds):
    return f"{seconds:8.1f}" if seconds is not None else "    None"


def _ratio(eta, actual):
    return f"{eta / actual:5.2f}" if eta is not None and actual > 0 else "  -  "


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="finished run directories")
    for run_dir in parser.parse_args(argv).runs:
        check(run_dir)


if __name__ == "__main__":
    main()
