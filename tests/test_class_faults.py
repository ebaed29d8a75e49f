"""Issue 18's faults in the run directory, one test each: damaged metrics files, racing writers,
Delete against Save, a full disk, leftovers of a failed run, server paths in messages."""
import errno
import os
import threading
import time

import numpy as np
import pytest

from core import rundir
from core.errors import UserError
from core.rundir import files, listing, meta, metrics, npz


def listed(run_dir, timeout=10):
    """The run's listing row, read in a thread: a reader that blocks (a FIFO) fails the test, not the suite."""
    result = {}
    reader = threading.Thread(target=lambda: result.setdefault("row", listing.RunIndex().row(run_dir)), daemon=True)
    reader.start()
    reader.join(timeout)
    assert "row" in result, "listing the run blocked"
    return result["row"]


def test_a_metrics_line_of_nested_brackets_is_skipped_not_a_recursion_error(run_copy):
    with open(os.path.join(run_copy, "metrics.jsonl"), "a") as f:
        f.write("[" * 100_000 + "]" * 100_000 + "\n")
    log = metrics.MetricsLog(run_copy).update()
    assert log.problem is None and log.best_accuracy() is not None
    assert listed(run_copy)["state"] == "finished"


@pytest.mark.parametrize("plant", ["fifo", "dev_zero", "outside"])
def test_a_metrics_file_that_is_no_file_of_the_run_makes_it_damaged_without_blocking(run_copy, tmp_path, plant):
    path = os.path.join(run_copy, "metrics.jsonl")
    os.remove(path)
    if plant == "fifo":
        os.mkfifo(path)
    elif plant == "dev_zero":
        os.symlink("/dev/zero", path)
    else:
        secret = tmp_path / "secret.jsonl"
        secret.write_text('{"type": "epoch", "epoch": 1, "test_accuracy": 0.5}\n')
        os.symlink(secret, path)
    row = listed(run_copy)
    assert row["state"] == rundir.DAMAGED and "metrics.jsonl" in row["reason"], row


def test_a_json_file_that_is_a_fifo_reads_as_an_error_at_once(run_copy):
    os.remove(os.path.join(run_copy, "config.json"))
    os.mkfifo(os.path.join(run_copy, "config.json"))
    row = listed(run_copy)
    assert row["state"] == rundir.DAMAGED and "not a regular file" in row["reason"]


def test_tabs_saving_one_run_at_once_lose_nothing(run_copy):
    meta.update(run_copy, owner="a" * 64)
    errors = []

    def save(n):
        try:
            for k in range(20):
                meta.rename(run_copy, f"name {n}.{k}")
                meta.set_note(run_copy, f"note {n}.{k}")
        except Exception as e:   # noqa: BLE001 - any exception is the failure this test looks for
            errors.append(e)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    saved = meta.read(run_copy)
    assert saved["owner"] == "a" * 64 and saved["name"].startswith("name ") and saved["note"].startswith("note ")


def test_delete_is_one_step_for_every_reader_and_a_late_save_recreates_nothing(run_copy):
    root = os.path.dirname(run_copy)
    renames = []
    real_rename = os.rename

    def watching_rename(src, dst):   # at the moment the run leaves, it leaves whole
        renames.append((src, dst))
        real_rename(src, dst)
        assert listing.run_dirs(root) == [] and os.path.isfile(os.path.join(dst, "config.json"))

    os.rename = watching_rename
    try:
        meta.delete(run_copy, root)
    finally:
        os.rename = real_rename
    assert len(renames) == 1 and not os.path.exists(run_copy) and os.listdir(root) == []
    with pytest.raises(UserError, match="no longer exists"):
        meta.rename(run_copy, "too late")
    assert not os.path.exists(run_copy)


def test_rename_on_a_full_disk_is_one_line_and_changes_nothing(run_copy, monkeypatch):
    meta.rename(run_copy, "before")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "atomic_write", full)
    monkeypatch.setattr("core.rundir.meta.write_json_atomic", lambda path, obj: full())
    with pytest.raises(UserError, match="disk is full"):
        meta.rename(run_copy, "after")
    assert meta.read(run_copy)["name"] == "before"


def test_temp_names_are_unique_per_write(tmp_path, monkeypatch):
    seen = []
    real_open = open

    def spy(path, *args, **kwargs):
        if str(path).endswith(".tmp"):
            seen.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    for _ in range(3):
        files.write_json_atomic(str(tmp_path / "meta.json"), {"a": 1})
    assert len(seen) == len(set(seen)) == 3 and all(s.endswith(f".{os.getpid()}.tmp") for s in seen)


def test_checkpoint_messages_name_the_run_and_file_not_the_server_path(run_copy):
    path = os.path.join(run_copy, "checkpoints", "epoch_001.npz")
    with open(path, "r+b") as f:
        f.truncate(100)
    with pytest.raises(UserError) as error:
        npz.load(path)
    message = str(error.value)
    assert f"{os.path.basename(run_copy)}/checkpoints/epoch_001.npz" in message
    assert os.path.dirname(run_copy) not in message


def test_a_failed_run_leaves_no_live_snapshot(tmp_path):
    from core.rundir import live
    from core.training import loop
    run_dir = str(tmp_path)
    live.write(run_dir, 5, {"w": np.zeros(2, dtype=np.float32)})
    loop.record_failure(run_dir, OSError(errno.ENOSPC, "No space left on device"))
    assert not os.path.exists(live.path(run_dir)) and rundir.read_status(run_dir)["reason"] == "disk full"


def test_listing_a_run_never_removes_a_save_in_progress_of_this_process(run_copy):
    """A refresh's clean_tmp ran beside another tab's Save in the same server process and deleted its
    half-written meta.json temp file: the Save said the run no longer existed (the fault probe)."""
    stop, errors = threading.Event(), []

    def refresh():
        while not stop.is_set():
            files.clean_tmp(run_copy)

    cleaner = threading.Thread(target=refresh)
    cleaner.start()
    try:
        for n in range(200):
            try:
                meta.rename(run_copy, f"name {n}")
            except UserError as e:
                errors.append(str(e))
    finally:
        stop.set()
        cleaner.join()
    assert errors == [] and meta.read(run_copy)["name"] == "name 199"


def test_ended_training_processes_leave_no_zombie_under_the_web_server(tmp_path):
    from core import jobs
    from core.training.config import TrainConfig
    root = str(tmp_path / "runs")
    run_dir = jobs.start(root, TrainConfig(data_size=200, epochs=1, hidden_size=4, wordvec_size=2, workers=1))
    pid = rundir.written_pid(run_dir)
    deadline = time.monotonic() + 60
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        jobs.queue_state(root)   # what a page does at every refresh
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{pid}")   # ended and reaped: no zombie left under the server


@pytest.mark.parametrize("plant", ["fifo", "outside"])
def test_a_checkpoint_that_is_no_file_of_the_run_makes_it_damaged(run_copy, tmp_path, plant):
    path = os.path.join(run_copy, "checkpoints", "epoch_001.npz")
    os.remove(path)
    if plant == "fifo":
        os.mkfifo(path)
    else:
        (tmp_path / "elsewhere.npz").write_bytes(b"x")
        os.symlink(tmp_path / "elsewhere.npz", path)
    row = listed(run_copy)
    assert row["state"] == rundir.DAMAGED and "epoch_001.npz" in row["reason"], row


def test_a_link_to_a_damaged_run_says_so_in_one_line(run_copy, artifacts):
    import shutil

    from streamlit.testing.v1 import AppTest

    from tests.test_app import APP
    planted = os.path.join(artifacts, "runs", "planted-fifo")
    shutil.copytree(run_copy, planted)
    os.remove(os.path.join(planted, "checkpoints", "epoch_001.npz"))
    os.mkfifo(os.path.join(planted, "checkpoints", "epoch_001.npz"))
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["run"], at.query_params["epoch"] = "planted-fifo", "1"
        at.run()
        at.switch_page("pages/attention.py").run()
        assert not at.exception
        shown = [w.value.replace("\\", "") for w in at.warning]
        assert any("planted-fifo" in w and "damaged" in w and "epoch_001.npz" in w for w in shown), shown
    finally:
        shutil.rmtree(planted)
