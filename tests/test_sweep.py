"""Sweeps (issue 19): a grid of settings x seeds queued as separate runs, summarised by its spread,
on the command line and on the Sweeps page."""
import json
import os
import time

import pytest
from streamlit.testing.v1 import AppTest

from core import jobs
from core.rundir import listing, meta
from core.training import sweep
from core.training.config import PRESETS, TrainConfig
from tests.conftest import run_module
from tests.test_app import APP


def test_the_grid_is_every_setting_on_every_seed():
    runs = sweep.grid({"lr": [0.001, 0.003], "lstm_biases": [1, 2]}, range(3), TrainConfig(epochs=2))
    assert len(runs) == 12 and len({s for s, _ in runs}) == 4
    assert {(c.lr, c.lstm_biases, c.seed) for _, c in runs} == {
        (lr, b, s) for lr in (0.001, 0.003) for b in (1, 2) for s in range(3)}
    fast = sweep.grid({"preset": ["fast"]}, [0], TrainConfig(), PRESETS)[0][1]
    assert fast.lr == PRESETS["fast"]["lr"]
    with pytest.raises(ValueError):
        sweep.grid({"lr": [0.001] * 50}, range(5), TrainConfig())   # 250 runs: over the limit


def epochs(*accuracies, per_epoch=100, seconds=10.0):
    return [{"epoch": k + 1, "iteration": per_epoch * (k + 1), "train_time": seconds * (k + 1),
             "test_accuracy": a} for k, a in enumerate(accuracies)]


def test_the_summary_is_the_spread_over_seeds():
    runs = [("a", epochs(0.5, 0.995)), ("a", epochs(0.991, 0.9995)), ("a", epochs(0.2, 0.3)), ("b", [])]
    a, b = sweep.summary(runs)
    assert (a["seeds"], a["finished"], a["median"], a["min"], a["max"]) == (3, 3, 0.995, 0.3, 0.9995)
    assert a["share 99.0%"] == pytest.approx(2 / 3) and a["median iterations to 99.0%"] == 150.0
    assert a["share 99.9%"] == pytest.approx(1 / 3) and a["median seconds to 99.9%"] == 20.0
    assert (b["seeds"], b["finished"], b["median"]) == (1, 0, None)


def test_a_sweep_from_the_command_line_to_the_sweeps_page(artifacts):
    root = os.path.join(artifacts, "runs")
    before = set(listing.run_dirs(root))
    result = run_module("core.sweep", "--runs-root", root, "--seeds", "0-1", "--hidden-size", "8,16",
                        "--data-size", "1000", "--epochs", "1", check=True)
    sweep_id = result.stdout.split(" as ")[1].split(";")[0]
    made = sorted(set(listing.run_dirs(root)) - before)
    try:
        assert len(made) == 4 and {meta.read(d)["sweep"] for d in made} == {sweep_id}
        # the command's own processes run them (not this one's children): wait for the runs to end
        deadline = time.monotonic() + 300
        while listing.active_runs(root) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not listing.active_runs(root)
        printed = run_module("core.sweep", "--summary", sweep_id, "--runs-root", root, check=True).stdout
        assert printed.count("finished: 2") == 2 and "hidden size 8" in printed and "hidden size 16" in printed

        at = AppTest.from_file(APP, default_timeout=60).run()
        at.switch_page("pages/sweeps.py").run()
        assert not at.exception, at.exception
        assert at.selectbox(key="sweeps.id").value == sweep_id
        table = at.dataframe[0].value
        assert list(table["seeds"]) == [2, 2] and set(table["finished"]) == {2}
        charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        boxes = [t for c in charts for t in c["data"] if t["type"] == "box"]
        assert len(boxes) == 2
    finally:
        jobs.stop_all(root, sweep=sweep_id)
        while listing.active_runs(root):
            time.sleep(0.2)
        for run_dir in made:
            meta.delete(run_dir, root)
