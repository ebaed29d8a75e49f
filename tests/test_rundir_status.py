"""status.json as core/rundir/status.py writes it down: known fields only, state and reason apart, and
runs of earlier versions (reason written as "error" or "note") still read right."""
import json
import os

import pytest

from core import rundir
from core.rundir import listing


def write_raw(run_dir, status):
    with open(os.path.join(run_dir, "status.json"), "w") as f:
        json.dump(status, f)


def test_only_the_schemas_fields_can_be_written(tmp_path):
    with pytest.raises(ValueError, match="eta_s"):
        rundir.write_status(str(tmp_path), state="running", eta_s=3.0)   # a field nothing reads
    assert not os.path.exists(tmp_path / "status.json")


def test_state_and_reason_are_separate_fields_and_none_removes_one(tmp_path):
    run_dir = str(tmp_path)
    rundir.write_status(run_dir, state="stopped", reason="stopped before it started", ended_at=1.0)
    status = rundir.read_status(run_dir)
    assert (status["state"], status["reason"]) == ("stopped", "stopped before it started")
    rundir.write_status(run_dir, reason=None)
    assert "reason" not in rundir.read_status(run_dir)


@pytest.mark.parametrize("old", ["error", "note"])
def test_an_earlier_versions_reason_reads_as_reason(tmp_path, old):
    run_dir = str(tmp_path)
    write_raw(run_dir, {"state": "failed", old: "disk full", "updated_at": 1.0})
    assert rundir.read_status(run_dir)["reason"] == "disk full"
    rundir.write_status(run_dir, ended_at=2.0)                   # the next write keeps it, under its new name
    with open(os.path.join(run_dir, "status.json")) as f:
        written = json.load(f)
    assert written["reason"] == "disk full" and old not in written


def test_a_damaged_status_is_state_damaged_with_the_reason_apart(run_copy):
    write_raw(run_copy, {"state": "running", "pid": "not a number"})
    status = rundir.read_status(run_copy)
    assert status == {"state": rundir.DAMAGED, "reason": "status.json: pid is not a int"}
    row = listing.RunIndex().row(run_copy)
    assert (row["state"], row["reason"]) == (rundir.DAMAGED, "status.json: pid is not a int")
    assert row["epochs"] == 0 and row["best_accuracy"] is None


def test_a_run_queued_by_the_previous_version_is_not_failed_by_the_upgrade(tmp_path):
    """Its waiting process still runs under the old module name core.train_queue (one release)."""
    import subprocess
    import sys
    run_dir = str(tmp_path / "run")
    os.makedirs(run_dir)
    # a stand-in with the old waiter's command line: python -m core.train_queue ROOT TICKET RUN_DIR
    waiter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "-m", "core.train_queue",
                               str(tmp_path), "ticket", run_dir])
    try:
        rundir.write_status(run_dir, state="queued", pid=waiter.pid)
        assert rundir.read_status(run_dir)["state"] == "queued"
    finally:
        waiter.kill()
        waiter.wait()
    assert rundir.read_status(run_dir)["state"] == "failed"
