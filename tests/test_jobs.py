"""Training processes started for the UI: queued in order, even when two tabs press Start together,
and side by side while cores remain."""
import os
import threading
import time
from dataclasses import replace

import pytest

from core import jobs, rundir
from core.errors import UserError
from core.jobs import launch
from core.rundir import listing
from core.training.config import TrainConfig
from core.training.loop import run_queue

LONG_TINY = TrainConfig(data_size=20000, epochs=50, hidden_size=8, wordvec_size=4)


def test_two_starts_at_once_start_one_run(tmp_path):
    """Two tabs of one visitor (one request per visitor): the lock lets exactly one through."""
    root = str(tmp_path / "runs")
    results, barrier = [], threading.Barrier(2)

    def press_start():
        barrier.wait()
        try:
            results.append(jobs.start(root, LONG_TINY, owner="same-browser", max_per_owner=1))
        except UserError as e:
            results.append(e)

    threads = [threading.Thread(target=press_start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    started = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, UserError)]
    try:
        assert len(started) == 1 and len(refused) == 1
        assert "limit is 1 per visitor" in str(refused[0])
        assert listing.active_runs(root) == started
    finally:
        for run_dir in started:
            jobs.stop(run_dir)
            jobs.wait(run_dir, timeout=60)
    assert rundir.read_status(started[0])["state"] == "stopped"


def test_a_failing_run_does_not_stop_the_queue(tmp_path):
    bad, good = str(tmp_path / "bad"), str(tmp_path / "good")
    for run_dir, config in ((bad, TrainConfig(data=str(tmp_path / "missing.txt"))),
                            (good, TrainConfig(data_size=200, epochs=1, hidden_size=8, wordvec_size=4))):
        os.makedirs(run_dir)
        rundir.write_json_atomic(os.path.join(run_dir, rundir.REQUEST), config.to_json())
    assert run_queue([bad, good], should_stop=lambda: False, on_progress=None) == 1
    assert rundir.read_status(bad)["state"] == "failed"
    assert "not found" in rundir.read_status(bad)["reason"]
    assert rundir.read_status(good)["state"] == "finished" and rundir.epochs(good) == [1]


def test_stop_before_start_cancels_the_rest(tmp_path):
    first = str(tmp_path / "first")
    os.makedirs(first)
    rundir.write_json_atomic(os.path.join(first, rundir.REQUEST), TrainConfig().to_json())
    run_queue([first], should_stop=lambda: True, on_progress=None)
    status = rundir.read_status(first)
    assert status["state"] == "stopped" and status["reason"] == "stopped before it started"


def test_runs_train_side_by_side_while_cores_remain(tmp_path):
    """A pool of 2 cores: two runs of one worker each train at once; a run that uses both cores waits
    for both, and a run behind it waits its turn (first come, first served)."""
    root = str(tmp_path / "runs")
    one = replace(LONG_TINY, workers=1)
    try:
        first = jobs.start_queue(root, [(one, "a")], cores=2)[0]
        second = jobs.start_queue(root, [(one, "b")], cores=2)[0]
        assert wait_until(lambda: len(jobs.queue_state(root)["running"]) == 2)
        assert {rundir.read_status(d)["state"] for d in (first, second)} <= {"queued", "running"}
        both = jobs.start_queue(root, [(replace(LONG_TINY, workers=2), "c")], cores=2)[0]
        behind = jobs.start_queue(root, [(one, "d")], cores=2)[0]
        time.sleep(2)
        state = jobs.queue_state(root)
        assert [g["runs"] for g in state["waiting"]] == [[both], [behind]]   # no overtaking into a free core
        assert [g["cores"] for g in state["running"]] == [1, 1]
        jobs.stop(first)
        jobs.wait(first, timeout=30)
        time.sleep(1)
        assert [g["runs"] for g in jobs.queue_state(root)["waiting"]][0] == [both]   # one core free: not enough
        jobs.stop(second)
        assert wait_until(lambda: [g["runs"] for g in jobs.queue_state(root)["running"]] == [[both]])
    finally:
        jobs.stop_all(root)
        for run_dir in listing.run_dirs(root):
            jobs.wait(run_dir, timeout=30)


def wait_until(condition, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_sweep_trains_side_by_side_as_one_request(tmp_path):
    """A sweep's runs are queued one group each (both cores of a 2-core pool busy at once), yet they are
    one request against the visitor's limit, and the sweep stops whole."""
    root = str(tmp_path / "runs")
    one = replace(LONG_TINY, workers=1)
    me = jobs.Requester(owner="visitor", max_per_owner=1)
    try:
        runs = jobs.start_queue(root, [(replace(one, seed=s), f"s{s}") for s in range(3)], requester=me, cores=2,
                                about={"sweep": "sweep-test"}, side_by_side=True)
        assert wait_until(lambda: len(jobs.queue_state(root)["running"]) == 2)
        state = jobs.queue_state(root)
        assert sorted(g["runs"][0] for g in state["running"] + state["waiting"]) == sorted(runs)
        assert launch.requests(state["running"] + state["waiting"]) == 1
        with pytest.raises(UserError, match="1 training request"):   # the sweep is this visitor's one request
            jobs.start_queue(root, [(one, "more")], requester=me, cores=2)
        assert jobs.stop_all(root, sweep="sweep-test") == 3
        assert wait_until(lambda: not listing.active_runs(root))
        assert {rundir.read_status(d)["state"] for d in runs} == {"stopped"}
    finally:
        jobs.stop_all(root)
        for run_dir in listing.run_dirs(root):
            jobs.wait(run_dir, timeout=30)
