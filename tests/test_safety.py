"""Issue 10's probes, one test each: server files, uploads, damaged runs, process identity, limits."""
import errno
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from core import data, jobs, rundir
from core.data import server_files
from core.errors import UserError
from core.rundir import files, listing, npz
from core.training import loop as train_module
from core.training.config import TrainConfig
from tests.conftest import run_module
from tests.test_cli import assert_clean_failure

SECRET = "PASSWORD=hunter2-do-not-show"
GOOD_LINES = "".join(f"{a}+{b}_{a + b}\n" for a in range(8) for b in range(8))   # 64 tiny examples


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_LINES)
    (folder / ".hidden.txt").write_text(GOOD_LINES)
    (folder / "sub").mkdir()
    os.symlink("/etc/passwd", folder / "passwd-link")
    os.symlink(folder / "good.txt", folder / "inside-link.txt")
    os.mkfifo(folder / "fifo")
    return folder


def test_only_regular_files_inside_the_folder_are_offered(data_dir):
    names = [f.name for f in server_files.list_files([str(data_dir)])]
    assert names == ["good.txt", "inside-link.txt"]   # no FIFO, folder, hidden file, or link to /etc/passwd


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "passwd-link", "fifo", "sub", "good.txt\0"])
def test_a_name_outside_the_listing_is_refused(data_dir, name):
    with pytest.raises(UserError, match="choose|not in the allowed"):
        server_files.resolve(name, [str(data_dir)])


def test_the_host_adds_folders_in_one_setting(tmp_path, monkeypatch, data_dir):
    artifacts = tmp_path / "artifacts"
    monkeypatch.setenv(server_files.DATA_DIRS_ENV, str(data_dir))
    dirs = server_files.allowed_dirs(str(artifacts))
    assert dirs == [os.path.realpath(artifacts / "data"), os.path.realpath(data_dir)]
    assert server_files.resolve("good.txt", dirs).path == os.path.realpath(data_dir / "good.txt")


def test_dev_zero_and_a_fifo_are_refused_at_once(data_dir):
    with pytest.raises(UserError, match="not a regular file"):
        data.load_file("/dev/zero")
    start = time.monotonic()
    with pytest.raises(UserError, match="not a regular file"):
        data.load_file(str(data_dir / "fifo"))   # no writer: a blocking open would hang here forever
    assert time.monotonic() - start < 5


def test_a_file_over_the_size_cap_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setenv(server_files.MAX_MB_ENV, "0.01")
    big = tmp_path / "big.txt"
    big.write_text(("x" * 60 + "_y\n") * 400)   # 25 KB, all on lines that would be fine
    with pytest.raises(UserError, match="limit is 0.0 MB"):
        data.load_file(str(big))


def test_messages_about_a_file_never_show_its_content(tmp_path):
    env = tmp_path / ".env"
    env.write_text(f"1+1_2\n{SECRET}\n")
    with pytest.raises(UserError) as caught:
        data.load_file(str(env))
    assert "line 2" in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_50_mb_line_is_a_short_message(tmp_path):
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"a" * 50_000_000 + b"_b\n")
    with pytest.raises(UserError) as caught:
        data.load_file(str(huge))
    assert len(str(caught.value)) < 200


def test_a_200000_character_question_is_refused_before_training(tmp_path):
    wide = tmp_path / "wide.txt"
    wide.write_text("1+1_2\n" * 20 + "9" * 200_000 + "_1\n")
    with pytest.raises(UserError, match=r"line 21: the question is 200000 characters long; at most 100") as caught:
        data.load_file(str(wide))
    assert len(str(caught.value)) < 200


def test_an_upload_may_quote_its_own_line_short_and_escaped():
    with pytest.raises(UserError) as caught:
        data.checked_upload("mine.txt", b"1+1_2\n[click](http://x) " + b"y" * 100 + b"\n")
    message = str(caught.value)
    assert "mine.txt, line 2" in message and "[click](http://x)" in message and len(message) < 150


@pytest.mark.parametrize("name, shown", [(".", "upload"), ("..", "upload"), ("a\0b.txt", "ab.txt"),
                                         ("../../config.json", "config.json"), ("x" * 300, "x" * 79 + "…")])
def test_upload_names_are_only_labels(name, shown):
    upload = data.checked_upload(name, GOOD_LINES.encode())
    assert upload.name == shown and upload.sha256 == server_files.sha256(GOOD_LINES.encode())


def quick_config():
    return TrainConfig(epochs=1, hidden_size=8, wordvec_size=4, batch_size=16)


def test_an_upload_lives_in_each_of_its_runs(tmp_path):
    root = str(tmp_path / "runs")
    upload = data.checked_upload("status.json", GOOD_LINES.encode())   # the name cannot reach a run file
    run_dirs = jobs.start_queue(root, [(quick_config(), "a"), (quick_config(), "b")], upload=upload)
    try:
        for run_dir in run_dirs:
            config = rundir.read_config(run_dir)
            assert config.data == os.path.join(os.path.abspath(run_dir), jobs.UPLOAD_FILE)
            assert (config.data_name, config.data_size_bytes) == ("status.json", len(GOOD_LINES))
            assert config.data_sha256 == server_files.sha256(open(config.data, "rb").read())
        jobs.wait(run_dirs[0], timeout=120)
        assert [rundir.read_status(d)["state"] for d in run_dirs] == ["finished", "finished"]
        assert all(r["state"] != rundir.DAMAGED for r in listing.RunIndex().rows(root))
    finally:
        jobs.stop(run_dirs[0])


def test_a_refused_start_leaves_nothing_and_overwrites_nothing(tmp_path):
    root = str(tmp_path / "runs")
    first = data.checked_upload("same.txt", GOOD_LINES.encode())
    [run_dir] = jobs.start_queue(root, [(TrainConfig(epochs=50, hidden_size=8, wordvec_size=4, batch_size=1), "a")],
                                 upload=first, owner="visitor", max_per_owner=1)
    try:
        before = sorted(os.listdir(root))
        other = data.checked_upload("same.txt", GOOD_LINES.replace("_", "_1").encode())
        with pytest.raises(UserError, match="the limit is 1 per visitor"):   # the same visitor, again
            jobs.start_queue(root, [(quick_config(), "b")], upload=other, owner="visitor", max_per_owner=1)
        assert sorted(os.listdir(root)) == before
        assert open(os.path.join(run_dir, jobs.UPLOAD_FILE), "rb").read() == GOOD_LINES.encode()
    finally:
        jobs.stop(run_dir)
        jobs.wait(run_dir, timeout=60)


def test_a_runs_folder_that_cannot_be_written_is_one_message(tmp_path):
    blocker = tmp_path / "runs"
    blocker.write_text("a file where the runs folder should be")
    with pytest.raises(UserError, match="cannot create a run"):
        jobs.start(str(blocker), quick_config())


def damage(run_dir, kind):
    path = lambda name: os.path.join(run_dir, name)
    write = lambda name, obj: rundir.write_json_atomic(path(name), obj)
    config = rundir.read_json(path("config.json"))
    if kind == "status is a list":
        write("status.json", [])
    elif kind == "pid is text":
        write("status.json", {"state": "running", "pid": "abc"})
    elif kind == "config is [1]":
        write("config.json", [1])
    elif kind == "hidden_size is text":
        write("config.json", {**config, "hidden_size": "32"})
    elif kind == "unknown model":
        write("config.json", {**config, "model": "transformer"})
    elif kind == "checkpoints is a file":
        import shutil
        shutil.rmtree(path("checkpoints"))
        open(path("checkpoints"), "w").close()
    elif kind == "vocab is wrong":
        write("vocab.json", {"chars": ["ab"], "input_width": -1})


DAMAGES = ["status is a list", "pid is text", "config is [1]", "hidden_size is text", "unknown model",
           "checkpoints is a file", "vocab is wrong"]


@pytest.mark.parametrize("kind", DAMAGES)
def test_a_damaged_run_is_one_row_beside_the_good_ones(tiny_run, tmp_path, kind):
    import shutil
    root = tmp_path / "runs"
    shutil.copytree(tiny_run, root / "good")
    shutil.copytree(tiny_run, root / "bad")
    damage(str(root / "bad"), kind)
    rows = {r["run"]: r for r in listing.RunIndex().rows(str(root))}
    assert rows["good"]["state"] == "finished"
    assert rows["bad"]["state"] == rundir.DAMAGED and rows["bad"]["reason"] and rows["bad"]["epochs"] == 0, rows["bad"]
    assert listing.active_runs(str(root)) == []


def test_a_metrics_line_of_the_wrong_shape_is_skipped(run_copy):
    before = rundir.read_metrics(run_copy)
    with open(os.path.join(run_copy, "metrics.jsonl"), "a") as f:
        f.write('5\n{"type": "epoch", "epoch": 9, "test_accuracy": "high"}\n[]\n')
    assert rundir.read_metrics(run_copy) == before
    assert listing.RunIndex().row(run_copy)["state"] == "finished"


@pytest.fixture
def stranger():
    """A live process that is not a training process (as a reused pid would be)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process.pid
    process.kill()
    process.wait()


@pytest.mark.parametrize("whose", ["stranger", "init"])
def test_a_pid_that_is_not_the_runs_training_process_blocks_nothing(run_copy, stranger, whose):
    pid = stranger if whose == "stranger" else 1
    rundir.write_status(run_copy, state="running", pid=pid)
    status = rundir.read_status(run_copy)
    assert status["state"] == "failed" and "killed?" in status["reason"]
    assert listing.active_runs(os.path.dirname(run_copy)) == []
    outcome = jobs.stop(run_copy)
    assert not outcome and "Nothing to stop" in str(outcome)
    assert rundir.process_alive(pid)   # never signalled


def test_a_training_process_of_another_run_is_not_this_runs(tmp_path, run_copy):
    other = str(tmp_path / "other")
    process = subprocess.Popen([sys.executable, "-m", "core.train", "--run-dir", other, "--quiet",
                                "--data-size", "20000", "--hidden-size", "8", "--wordvec-size", "4",
                                "--epochs", "50"], cwd=os.path.dirname(os.path.dirname(__file__)))
    try:
        deadline = time.time() + 60
        while not rundir.is_training_process(process.pid, other) and time.time() < deadline:
            time.sleep(0.05)
        assert rundir.is_training_process(process.pid, other)
        assert not rundir.is_training_process(process.pid, run_copy)
        rundir.write_status(run_copy, state="running", pid=process.pid)
        assert rundir.read_status(run_copy)["state"] == "failed"
    finally:
        process.kill()
        process.wait()


def bomb(path, declared_bytes):
    """A small .npz whose one float32 array declares declared_bytes of zeros (deflated)."""
    header = {"descr": "<f4", "fortran_order": False, "shape": (declared_bytes // 4,)}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("encoder.W.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(f, header)
            zeros = bytes(1 << 22)
            for _ in range(declared_bytes // len(zeros)):
                f.write(zeros)


def test_a_crafted_checkpoint_is_refused_before_decompression(tmp_path):
    path = str(tmp_path / "epoch_001.npz")
    bomb(path, 256 << 20)
    assert os.path.getsize(path) < 2 << 20
    tracemalloc.start()
    with pytest.raises(UserError, match="corrupt or truncated"):
        npz.load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 << 20, peak


def test_a_checkpoint_header_that_lies_about_its_shape_is_refused(tmp_path):
    path = str(tmp_path / "epoch_001.npz")
    npz.save(path, {"W": np.zeros(4, dtype=np.float32)})
    with zipfile.ZipFile(path) as archive:
        raw = archive.read("W.npy")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("W.npy", raw.replace(b"(4,)", b"(9,)"))   # 9 floats declared, 4 stored
    with pytest.raises(UserError, match="corrupt or truncated"):
        npz.load(path)


def test_expected_shapes_are_checked_from_the_headers(run_copy):
    model, vocab, config, epoch = rundir.load_model(run_copy)
    path = rundir.checkpoint_path(run_copy, epoch)
    expected = {name: p.shape for name, p in model.params.items()}
    assert set(npz.load(path, expected)) == set(expected)
    name = next(iter(expected))
    with pytest.raises(UserError, match="the model expects"):
        npz.load(path, {**expected, name: (1, 2, 3)})


@pytest.mark.parametrize("args, pattern", [
    (["--seed", "-1"], "seed must be at least 0"),
    (["--hidden-size", "100000"], "hidden size must be at most"),
    (["--data-size", "2000000000"], "data size must be at most"),
    (["--lr", "nan"], "positive finite"),
    (["--lr", "inf"], "positive finite"),
    (["--epochs", "many"], "invalid int value"),
    (["--data", "/dev/zero"], "not a regular file"),
])
def test_cli_arguments_are_validated_in_one_line(tmp_path, args, pattern):
    result = run_module("core.train", "--run-dir", tmp_path / "run", "--quiet", *args)
    assert result.returncode == 2
    assert_clean_failure(result, pattern)


@pytest.mark.parametrize("target", ["/etc/passwd", "file"])
def test_cli_run_dir_that_is_a_file(tmp_path, target):
    if target == "file":
        target = tmp_path / "a-file"
        target.write_text("x")
    result = run_module("core.train", "--run-dir", target, "--quiet")
    assert result.returncode == 2
    assert_clean_failure(result, "is a file, not a directory")


def tiny_file_config(tmp_path, **changes):
    path = tmp_path / "sums.txt"
    path.write_text(GOOD_LINES)
    return TrainConfig(data=str(path), epochs=2, hidden_size=8, wordvec_size=4, batch_size=8, **changes)


def test_a_nan_loss_ends_the_run_as_failed(tmp_path, monkeypatch):
    from core.training import steppers
    real_step, calls = steppers.SerialStepper.step, []

    def diverging(self, xs, ts):
        calls.append(1)
        return float("nan") if len(calls) == 3 else real_step(self, xs, ts)

    monkeypatch.setattr(steppers.SerialStepper, "step", diverging)
    run_dir = str(tmp_path / "run")
    with pytest.raises(UserError, match="loss became nan at iteration 3"):
        train_module.train(tiny_file_config(tmp_path, workers=1), run_dir)
    status = rundir.read_status(run_dir)
    assert status["state"] == "failed" and "loss became nan" in status["reason"]
    assert len(calls) == 3


def test_disk_full_ends_the_run_as_failed_with_no_tmp_left(tmp_path, monkeypatch):
    def full_disk(f, **arrays):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(npz.np, "savez", full_disk)
    run_dir = str(tmp_path / "run")
    with pytest.raises(OSError):
        train_module.train(tiny_file_config(tmp_path, workers=1), run_dir)
    status = rundir.read_status(run_dir)
    assert (status["state"], status["reason"]) == ("failed", "disk full")
    leftovers = [n for folder in (run_dir, os.path.join(run_dir, "checkpoints")) for n in os.listdir(folder)]
    assert not [n for n in leftovers if n.endswith(".tmp")] and rundir.epochs(run_dir) == []


def test_leftover_tmp_files_are_cleaned_when_listing(run_copy):
    for name in ("status.json.tmp", os.path.join("checkpoints", "epoch_009.npz.tmp")):
        open(os.path.join(run_copy, name), "wb").close()
    listing.RunIndex().rows(os.path.dirname(run_copy))
    assert not os.path.exists(os.path.join(run_copy, "status.json.tmp"))
    assert not os.path.exists(os.path.join(run_copy, "checkpoints", "epoch_009.npz.tmp"))


def replace_spy(monkeypatch, module, check):
    """Wrap module.os.replace: check(src, dst) runs at the moment of the swap; returns the call list."""
    calls, real = [], os.replace

    def spy(src, dst):
        check(src, dst)
        calls.append((src, dst))
        real(src, dst)

    monkeypatch.setattr(module.os, "replace", spy)
    return calls


def test_checkpoint_writes_are_atomic(tmp_path, monkeypatch):
    path = str(tmp_path / "epoch_001.npz")
    old = {"W": np.zeros(3, dtype=np.float32)}
    new = {"W": np.arange(3, dtype=np.float32)}
    npz.save(path, old)

    def at_swap(src, dst):   # until the rename, readers see the old file whole, and the new one is complete
        assert dst == path and src != path
        np.testing.assert_array_equal(npz.load(path)["W"], old["W"])
        np.testing.assert_array_equal(npz.load(src)["W"], new["W"])

    calls = replace_spy(monkeypatch, files, at_swap)
    npz.save(path, new)
    assert len(calls) == 1
    np.testing.assert_array_equal(npz.load(path)["W"], new["W"])


def test_status_writes_are_atomic(tmp_path, monkeypatch):
    run_dir = str(tmp_path)
    rundir.write_status(run_dir, state="running", epoch=1)
    path = os.path.join(run_dir, "status.json")

    def at_swap(src, dst):
        assert dst == path and src != path
        assert json.load(open(path))["epoch"] == 1 and json.load(open(src))["epoch"] == 2

    calls = replace_spy(monkeypatch, files, at_swap)
    rundir.write_status(run_dir, epoch=2)
    assert len(calls) == 1 and json.load(open(path))["epoch"] == 2


def test_core_messages_in_runs_never_name_server_paths(run_copy):
    os.remove(os.path.join(run_copy, "status.json"))
    assert run_copy not in rundir.read_status(run_copy)["reason"]
