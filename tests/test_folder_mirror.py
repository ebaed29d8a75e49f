"""The two halves of a cluster run's file traffic, without Ray: what a node's FolderMirror sends, and
what the app server's ServerCopy writes (and refuses)."""
import json
import os

import pytest

from core import rundir
from core.errors import UserError
from core.jobs.dispatcher import ServerCopy
from core.jobs.remote import FolderMirror
from core.rundir.files import atomic_write


def write(folder, rel, content):
    path = os.path.join(folder, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write(path, lambda f: f.write(content))


def test_the_mirror_sends_new_files_whole_logs_by_their_new_bytes_and_removals(tmp_path):
    node = str(tmp_path)
    mirror = FolderMirror(node, live_every_s=3600)
    write(node, "config.json", b"{}")
    write(node, "checkpoints/iter_0000000.npz", b"w0")
    write(node, "metrics.jsonl", b'{"a": 1}\n')
    write(node, "live.npz", b"live-1")
    write(node, "status.json", b'{"state": "running"}')
    with open(os.path.join(node, "checkpoints", "epoch_001.npz.abc.7.tmp"), "wb") as f:
        f.write(b"half")   # a write in progress never travels
    first = mirror.changes()
    assert [(op, rel) for op, rel, _ in first] == [
        ("put", "config.json"), ("put", "checkpoints/iter_0000000.npz"), ("put", "live.npz"),
        ("append", "metrics.jsonl"), ("put", "status.json")]   # the status last: it reports the rest
    assert mirror.changes() == []   # nothing changed, nothing sent

    with open(os.path.join(node, "metrics.jsonl"), "ab") as f:
        f.write(b'{"a": 2}\n')
    write(node, "live.npz", b"live-2")   # within live_every_s of the last one: held back
    os.remove(os.path.join(node, "checkpoints", "iter_0000000.npz"))
    assert mirror.changes() == [("append", "metrics.jsonl", b'{"a": 2}\n'),
                                ("remove", "checkpoints/iter_0000000.npz", b"")]
    assert mirror.changes(final=True) == [("put", "live.npz", b"live-2")]   # the trainer ended: it goes


def test_the_server_copy_writes_the_run_with_its_own_pid_and_data_and_refuses_other_paths(tmp_path):
    run_dir = str(tmp_path / "run")
    os.makedirs(run_dir)
    copy = ServerCopy(run_dir, data_source="/srv/data/dates.txt")
    copy.apply([("put", "config.json", json.dumps({"data": "/tmp/node/data.txt", "seed": 3}).encode()),
                ("put", "checkpoints/epoch_001.npz", b"weights"),
                ("append", "metrics.jsonl", b'{"type": "loss"}\n'),
                ("put", "status.json", json.dumps({"state": "running", "pid": 1, "iteration": 5,
                                                   "unknown": "dropped"}).encode())], node="10.0.0.7 (abcd1234)")
    with open(os.path.join(run_dir, "config.json")) as f:
        assert json.load(f) == {"data": "/srv/data/dates.txt", "seed": 3}   # the data as this server knows it
    status = rundir.written_status(run_dir)
    assert status == {"state": "running", "pid": os.getpid(), "iteration": 5, "node": "10.0.0.7 (abcd1234)"}
    with open(os.path.join(run_dir, "checkpoints", "epoch_001.npz"), "rb") as f:
        assert f.read() == b"weights"
    assert copy.checkpoint_bytes == [7]
    for bad in ("../outside.json", "checkpoints/../../x.npz", "/etc/passwd", "checkpoints/.hidden.npz", "meta.json"):
        with pytest.raises(UserError, match="a file a run does not hold"):
            copy.apply([("put", bad, b"x")], node="n")
    assert not os.path.exists(str(tmp_path / "outside.json"))
