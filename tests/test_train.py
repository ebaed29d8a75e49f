"""Training end to end: accuracy rises, and a stopped or killed run keeps its finished epochs."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np

from core import rundir
from core.data import dates
from core.model.registry import build_model
from core.training.config import TrainConfig
from core.training.loop import train
from core.training.schedule import iteration_checkpoints
from tests.conftest import PROJECT_ROOT


def write_book_file(path, examples):
    width = max(len(e.question) for e in examples)
    path.write_text("".join(f"{e.question.ljust(width)}_{e.answer}\n" for e in examples))
    return str(path)


def test_accuracy_rises_while_training(tmp_path):
    """A small model on ISO and M/D/YY dates: test accuracy climbs from nothing to most answers."""
    data = write_book_file(tmp_path / "dates.txt", dates.generate(3000, seed=5, formats=["iso", "short"]))
    config = TrainConfig(data=data, epochs=6, hidden_size=48, wordvec_size=12, batch_size=32, lr=0.01, seed=3)
    status = train(config, str(tmp_path / "run"))
    assert status["state"] == "finished"
    accuracy = [r["test_accuracy"] for r in rundir.read_metrics(str(tmp_path / "run")) if r["type"] == "epoch"]
    losses = [r["loss"] for r in rundir.read_metrics(str(tmp_path / "run")) if r["type"] == "loss"]
    assert len(accuracy) == 6
    assert accuracy[0] < 0.5 and accuracy[-1] > 0.8 and accuracy[-1] > accuracy[0] + 0.3, accuracy
    assert losses[-1] < losses[0] / 3
    assert rundir.epochs(str(tmp_path / "run")) == [1, 2, 3, 4, 5, 6]
    assert not os.path.exists(os.path.join(tmp_path, "run", "live.npz"))   # removed once finished


def test_checkpoints_inside_training_follow_the_schedule_and_are_scored(tmp_path):
    """Iteration checkpoints at the scheduled iterations, each with a metrics record, in training order."""
    data = write_book_file(tmp_path / "dates.txt", dates.generate(2000, seed=5, formats=["iso", "short"]))
    config = TrainConfig(data=data, epochs=3, hidden_size=32, wordvec_size=8, batch_size=32, lr=0.01, seed=3,
                         iter_checkpoints=6)
    run_dir = str(tmp_path / "run")
    train(config, run_dir)
    status = rundir.read_status(run_dir)
    planned = iteration_checkpoints(status["iters_per_epoch"], status["total_iters"], 6)
    assert planned[0] == 0 and 4 <= len(planned) <= 6      # points on an epoch end are left to it
    listing = rundir.list_checkpoints(run_dir)
    inside = [c for c in listing if c.epoch is None]
    assert [c.iteration for c in inside] == planned
    assert [c.iteration for c in listing] == sorted(c.iteration for c in listing)     # training order
    assert [c.epoch for c in listing if c.epoch is not None] == [1, 2, 3]
    records = {r["iteration"]: r for r in rundir.read_metrics(run_dir) if r["type"] == "checkpoint"}
    assert sorted(records) == planned
    for c in inside:
        assert c.accuracy == records[c.iteration]["test_accuracy"] and c.alignment is not None
        assert records[c.iteration]["loss"] > 0
        assert c.label.startswith(f"iteration {c.iteration:,} - ")
    assert inside[0].accuracy == 0.0                                        # the initial weights know nothing
    model, _, _, name = rundir.load_model(run_dir, inside[0].name)
    assert name == f"iter_{0:07d}"
    untrained = TrainConfig(**{**config.to_json(), "iter_checkpoints": 0})
    fresh = build_model(untrained, len(rundir.read_vocab(run_dir).chars), rng=np.random.default_rng(3))
    for key, value in fresh.params.items():                                # iteration 0 = initial weights
        np.testing.assert_array_equal(model.params[key], value)


def test_no_checkpoints_inside_training_when_turned_off(tmp_path):
    data = write_book_file(tmp_path / "dates.txt", dates.generate(600, seed=5, formats=["iso"]))
    run_dir = str(tmp_path / "run")
    train(TrainConfig(data=data, epochs=1, hidden_size=8, wordvec_size=4, batch_size=32, iter_checkpoints=0), run_dir)
    assert [c.name for c in rundir.list_checkpoints(run_dir)] == ["epoch_001"]


def start_training(run_dir, *extra):
    return subprocess.Popen([sys.executable, "-m", "core.train", "--run-dir", run_dir, "--quiet",
                             "--data-size", "20000", "--hidden-size", "32", "--batch-size", "16",
                             "--epochs", "50", *extra],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def mid_epoch(run_dir, epochs_done):
    status_path = os.path.join(run_dir, "status.json")
    if len(rundir.epochs(run_dir)) < epochs_done or not os.path.exists(status_path):
        return False
    with open(status_path) as f:
        status = json.load(f)
    per_epoch = status.get("iters_per_epoch") or 10 ** 9
    return status.get("iteration", 0) > epochs_done * per_epoch + 20


def test_sigkill_mid_epoch_leaves_finished_epochs_loadable(tmp_path):
    run_dir = str(tmp_path / "run")
    process = start_training(run_dir)
    try:
        wait_for(lambda: mid_epoch(run_dir, 1))
    finally:
        process.kill()
        process.wait()
    assert rundir.epochs(run_dir) == [1]
    model, vocab, config, epoch = rundir.load_model(run_dir, 1)
    assert epoch == "epoch_001"
    status = rundir.read_status(run_dir)
    assert status["state"] == "failed" and "without saying so" in status["reason"]
    assert not [name for name in os.listdir(os.path.join(run_dir, "checkpoints")) if name.endswith(".tmp")]


def test_sigterm_stops_cleanly(tmp_path):
    run_dir = str(tmp_path / "run")
    process = start_training(run_dir)
    wait_for(lambda: mid_epoch(run_dir, 1))
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "stopped by SIGTERM" in stderr
    status = rundir.read_status(run_dir)
    assert status["state"] == "stopped"
    assert rundir.epochs(run_dir) and rundir.load_model(run_dir)
