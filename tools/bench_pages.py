"""What one refresh of the Train page (and of the Runs list) costs, before and after issue 11.

    python tools/bench_pages.py [--runs 200] [--records 500000]

Builds a temporary runs folder with --runs finished runs (2,000 loss records each) and one run with
--records loss records, then times the data work of one refresh, figure JSON included (what the
server sends to the browser), without Streamlit:
  before: the old page (list every run to find the one to show, re-read its whole metrics.jsonl,
          draw every point: core.runs + core.viz);
  after:  the new page (the queue folder only, the metrics read incrementally and shared,
          at most 2,000 points drawn: core.jobs.queue_state + core.metrics + core.curves).
A measurement, not a test; the figures go to stdout.
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from core import curves, jobs, runs, viz                     # noqa: E402
from core.config import TrainConfig                          # noqa: E402
from core.metrics import MetricsCache                        # noqa: E402
from core.runindex import RunIndex                           # noqa: E402


def make_run(root, name, loss_records, started_at):
    run_dir = os.path.join(root, name)
    os.makedirs(os.path.join(run_dir, "checkpoints"))
    runs.write_json_atomic(os.path.join(run_dir, "config.json"), TrainConfig().to_json())
    runs.write_json_atomic(os.path.join(run_dir, "status.json"), {
        "state": "finished", "pid": None, "epoch": 5, "iteration": loss_records * 10, "epochs": 5,
        "total_iters": loss_records * 10, "iters_per_epoch": loss_records * 2, "started_at": started_at})
    lines = [json.dumps({"type": "loss", "iteration": 10 * i, "epoch": 1 + (i * 5) // (loss_records + 1),
                         "loss": 3.0 / (1 + i / 100), "train_time": 0.06 * 10 * i}) for i in range(1, loss_records + 1)]
    lines += [json.dumps({"type": "epoch", "epoch": e, "iteration": e * loss_records * 2, "test_accuracy": e / 5,
                          "alignment": e / 6, "train_time": e * 10.0, "eval_time": 1.0}) for e in range(1, 6)]
    with open(os.path.join(run_dir, "metrics.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return run_dir


def before(root, watch):
    """The old Train page's live_view, tick by tick (pages/train.py before issue 11)."""
    active = jobs.active_runs(root)
    if not active:   # nothing active: the old page listed every run (reading all their metrics)
        listed = sorted(runs.list_runs(root), key=lambda r: r["started_at"] or 0)
        assert listed
    status = runs.read_status(watch)
    metrics = runs.read_metrics(watch)
    epochs = [r for r in metrics if r.get("type") == "epoch"]
    series = {"test accuracy": [(r["epoch"], r["test_accuracy"]) for r in epochs]}
    payload = viz.loss_curve(metrics).to_json() + viz.accuracy_curves(series).to_json()
    return status, len(payload)


def after(root, watch, cache):
    """The new Train page's live view: the queue folder, the incremental log, a downsampled figure."""
    jobs.queue_state(root)
    status = runs.read_status(watch)
    config = runs.read_config(watch)
    log = cache.get(watch)
    series = [curves.series_from_log(os.path.basename(watch), log, config.batch_size, status.get("iters_per_epoch"))]
    payload = (curves.loss_figure(series, x="epoch").to_json()
               + curves.score_figure(series, x="epoch", x_max=5).to_json())
    return status, len(payload)


def timed(fn, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def append_records(run_dir, n, start_iteration):
    with open(os.path.join(run_dir, "metrics.jsonl"), "a") as f:
        for i in range(n):
            f.write(json.dumps({"type": "loss", "iteration": start_iteration + 10 * i, "loss": 0.01,
                                "train_time": 1e5 + i}) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--records", type=int, default=500_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        root = os.path.join(tmp, "runs")
        os.makedirs(root)
        print(f"building {args.runs} runs of 2,000 loss records and one of {args.records:,}...", flush=True)
        small = [make_run(root, f"run-{n:04d}", 2000, 1000.0 + n) for n in range(args.runs)]
        big = make_run(root, "big", args.records, 0.0)
        cache = MetricsCache()

        print(f"\nTrain page, one refresh, watching a small run among {args.runs + 1} runs (best of {args.repeat}):")
        t_before, (_, size_before) = timed(lambda: before(root, small[-1]), args.repeat)
        cache.get(small[-1])
        t_after, (_, size_after) = timed(lambda: after(root, small[-1], cache), args.repeat)
        print(f"  before: {t_before * 1000:8.1f} ms  figure JSON {size_before / 1e6:6.2f} MB")
        print(f"  after:  {t_after * 1000:8.1f} ms  figure JSON {size_after / 1e6:6.2f} MB")

        print(f"\nTrain page, one refresh, watching the {args.records:,}-record run:")
        t_before, (_, size_before) = timed(lambda: before(root, big), max(1, args.repeat - 1))
        start = time.perf_counter()
        cache.get(big)
        t_first = time.perf_counter() - start
        n = [args.records * 10]

        def grow_then_refresh():   # the run goes on: 10 new records between two refreshes
            n[0] += 100
            append_records(big, 10, n[0])
            return after(root, big, cache)
        t_after, (_, size_after) = timed(grow_then_refresh, args.repeat)
        print(f"  before: {t_before * 1000:8.1f} ms  figure JSON {size_before / 1e6:6.2f} MB")
        print(f"  after:  {t_after * 1000:8.1f} ms  figure JSON {size_after / 1e6:6.2f} MB "
              f"(the first read of the file, once per server: {t_first * 1000:.0f} ms)")

        print(f"\nRuns page, listing {args.runs + 1} runs:")
        t_before, _ = timed(lambda: runs.list_runs(root), max(1, args.repeat - 1))
        index = RunIndex(cache)
        start = time.perf_counter()
        index.rows(root)
        t_first = time.perf_counter() - start
        t_after, rows = timed(lambda: index.rows(root), args.repeat)
        print(f"  before: {t_before * 1000:8.1f} ms")
        print(f"  after:  {t_after * 1000:8.1f} ms (first listing, once per server: {t_first * 1000:.0f} ms)")
        assert len(rows) == args.runs + 1


if __name__ == "__main__":
    main()
