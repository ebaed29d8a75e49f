"""What a rerun of a page costs with the demo alone and with many finished runs on the server.

    python -m tools.bench_pages [--runs 200] [--repeat 7]

DESIGN.md, "Scale": with 200 finished runs on the server, a rerun of any page (typing a date on
Attention) costs at most 1.5x what it costs with the demo alone. For each configuration (the demo
alone; the demo and --runs finished runs) this builds a temporary artifacts folder (the demo's files,
its checkpoints hard-linked; per run a config, vocabulary, "finished" status, a metrics.jsonl of 2,000
loss records with the demo's epoch and checkpoint records, and links to the demo's checkpoints, so the
run pickers list every run), then drives the real app with Streamlit's AppTest in a process of its
own and times --repeat reruns of each page after one untimed warm-up:
  attention  typing a different date each time (the case DESIGN.md names);
  compare    a plain rerun (at.run()) with the demo picked;
  runs       a plain rerun of the Runs page (pages/home.py), which lists and tables every run.
Prints median and minimum seconds per rerun, and the ratio many runs / demo alone. A measurement,
not a test: it never asserts on time (only that every page ran without an exception or an error).
"""
import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from core import PROJECT_ROOT

DEMO = os.path.join(PROJECT_ROOT, "artifacts", "demo")
LOSS_RECORDS = 2000
RESULT = "BENCH-PAGES-RESULT "   # marks the child's one line of results among Streamlit's own output
PAGES = ("attention", "compare", "runs")


def link(source, target):
    """A hard link (no disk, the same mtime as the demo's file), or a symlink across file systems."""
    try:
        os.link(source, target)
    except OSError:
        os.symlink(source, target)


def copy_demo(target):
    os.makedirs(os.path.join(target, "checkpoints"))
    for name in ("config.json", "vocab.json", "status.json", "metrics.jsonl"):
        shutil.copy2(os.path.join(DEMO, name), target)
    for name in os.listdir(os.path.join(DEMO, "checkpoints")):
        link(os.path.join(DEMO, "checkpoints", name), os.path.join(target, "checkpoints", name))


def make_runs(root, count):
    """count finished runs shaped like the demo: its epoch and checkpoint records (so each checkpoint
    has its score), 2,000 loss records (a run logging every 4 iterations), every checkpoint linked."""
    with open(os.path.join(DEMO, "status.json")) as f:
        status = json.load(f)
    with open(os.path.join(DEMO, "metrics.jsonl")) as f:
        scored = [line for line in f if json.loads(line)["type"] != "loss"]
    total, per_epoch = status["total_iters"], status["iters_per_epoch"]
    losses = []
    for i in range(1, LOSS_RECORDS + 1):
        iteration = i * total // LOSS_RECORDS
        losses.append(json.dumps({"type": "loss", "iteration": iteration, "epoch": 1 + (iteration - 1) // per_epoch,
                                  "loss": 4.0 / (1 + i / 20), "train_time": 0.2 * iteration}) + "\n")
    metrics = "".join(losses + scored)   # the order does not matter to the readers; the size does
    start = dt.datetime(2026, 11, 2, 9, 0, 0)
    for n in range(count):
        started = start + dt.timedelta(minutes=37 * n)   # time-ordered names, as core.jobs makes them
        run_dir = os.path.join(root, started.strftime("%Y%m%d-%H%M%S") + "-attention")
        os.makedirs(os.path.join(run_dir, "checkpoints"))
        for name in ("config.json", "vocab.json"):
            shutil.copy2(os.path.join(DEMO, name), run_dir)
        with open(os.path.join(run_dir, "status.json"), "w") as f:   # the fields of core.rundir.status
            json.dump({"state": "finished", "epoch": status["epoch"], "iteration": total, "epochs": status["epochs"],
                       "total_iters": total, "iters_per_epoch": per_epoch, "started_at": started.timestamp(),
                       "ended_at": started.timestamp() + 1900}, f)
        with open(os.path.join(run_dir, "metrics.jsonl"), "w") as f:
            f.write(metrics)
        for name in os.listdir(os.path.join(DEMO, "checkpoints")):
            link(os.path.join(DEMO, "checkpoints", name), os.path.join(run_dir, "checkpoints", name))


def measure(repeat):
    """In the child process: time each page's reruns through AppTest; prints {page: [seconds, ...]}
    and the number of runs the Runs table lists, as one marked JSON line.

    Runs in its own process because ui.paths reads ATTENTION_LAB_ARTIFACTS once, when ui is first
    imported, and because Streamlit's caches (the run index, loaded models) live for the process:
    a fresh process per configuration is a fresh server."""
    from streamlit.testing.v1 import AppTest

    def timed(rerun):
        seconds = []
        for n in range(repeat + 1):
            start = time.perf_counter()
            rerun(n)
            elapsed = time.perf_counter() - start
            assert not at.exception and not at.error, (at.exception, at.error)   # a page that failed is no figure
            if n:   # rerun 0 is an untimed warm-up: once-per-server work (loading, first draws) stays out
                seconds.append(elapsed)
        return seconds

    at = AppTest.from_file(os.path.join(PROJECT_ROOT, "app.py"), default_timeout=60)
    at.run()
    times = {}
    at.switch_page("pages/attention.py").run()
    # a new date every rerun, so each one decodes as a visitor's typing does (no translation cached)
    times["attention"] = timed(lambda n: at.text_input(key="attention.text").set_value(
        f"{['March', 'July', 'October'][n % 3]} {1 + n % 28}, {1990 + n}").run())
    at.switch_page("pages/compare.py").run()
    times["compare"] = timed(lambda n: at.run())
    at.switch_page("pages/home.py").run()
    times["runs"] = timed(lambda n: at.run())
    listed = len(at.dataframe[0].value) if at.dataframe else 0
    print(RESULT + json.dumps({"times": times, "listed": listed}), flush=True)


def configuration(runs, repeat):
    """Build one configuration's artifacts folder and measure it in a child process -> its results."""
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as artifacts:
        copy_demo(os.path.join(artifacts, "demo"))
        os.makedirs(os.path.join(artifacts, "runs"))
        start = time.perf_counter()
        make_runs(os.path.join(artifacts, "runs"), runs)
        built = time.perf_counter() - start
        child = subprocess.run([sys.executable, "-m", "tools.bench_pages", "--child", "--repeat", str(repeat)],
                               cwd=PROJECT_ROOT, env={**os.environ, "ATTENTION_LAB_ARTIFACTS": artifacts},
                               capture_output=True, text=True, check=False)   # its failure is reported below
        lines = [line for line in child.stdout.splitlines() if line.startswith(RESULT)]
        if child.returncode or not lines:
            sys.exit(f"the measuring process failed ({child.returncode}):\n{child.stderr[-3000:]}")
        result = json.loads(lines[-1][len(RESULT):])
        result["built"] = built
        return result


def main():
    p = argparse.ArgumentParser(prog="python -m tools.bench_pages", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=200, help="finished runs besides the demo (default 200)")
    p.add_argument("--repeat", type=int, default=7, help="timed reruns per page (default 7)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)   # the measuring process
    args = p.parse_args()
    if args.runs < 1 or args.repeat < 1:
        p.error("--runs and --repeat must be at least 1")
    if args.child:
        return measure(args.repeat)
    if not os.path.isdir(os.path.join(DEMO, "checkpoints")):
        sys.exit(f"no demo run at {DEMO}: the benchmark copies it")
    print(f"Page reruns through AppTest, {args.repeat} timed after one warm-up; seconds per rerun.", flush=True)
    results = {}
    for runs in (0, args.runs):
        label = "demo alone" if runs == 0 else f"demo + {runs} runs"
        results[runs] = configuration(runs, args.repeat)
        print(f"  {label}: built in {results[runs]['built']:.1f} s, the Runs table lists "
              f"{results[runs]['listed']} run(s)", flush=True)
    many = f"demo + {args.runs} runs"
    print(f"\n{'seconds per rerun':18}{'demo alone':>18}{many:>22}{'ratio':>18}")
    print(f"{'page':18}{'median     min':>18}{'median     min':>22}{'median     min':>18}")
    for page in PAGES:
        alone, crowded = results[0]["times"][page], results[args.runs]["times"][page]
        a_med, a_min = statistics.median(alone), min(alone)
        c_med, c_min = statistics.median(crowded), min(crowded)
        print(f"{page:18}{a_med:10.3f}{a_min:8.3f}{c_med:14.3f}{c_min:8.3f}"
              f"{c_med / a_med:9.2f}x{c_min / a_min:7.2f}x")
    print("\nDESIGN.md asks for at most 1.5x (typing a date on Attention).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
