"""What runs on a Ray cluster's node for one run: the node half of core/jobs/dispatcher.py.

RemoteRun is a plain class; the dispatcher makes it a Ray actor (ray.remote), reserving the run's
CPUs, so this module imports nothing of Ray and the app runs without it. The actor trains exactly as
the app server would: `python -m core.train --quiet --queue DIR` in a run directory of its own on the
node's disk, then hands back what that trainer writes, file by file, whenever the dispatcher polls.
Nothing assumes a file system shared with the app server: the server's run directory is the record,
and the node's copy is deleted when the actor ends.

What travels, server -> node: the run's request (its TrainConfig, a few hundred bytes) and, for a run
on a data file, that file's bytes (at most server_files' limit); the project's code travels once per
cluster as Ray's working_dir package. Node -> server: FolderMirror's changes (below).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from core import PROJECT_ROOT
from core.rundir import definition, write_json_atomic, write_status
from core.worker_processes import THREAD_VARIABLES

# The trainer rewrites live.npz (every weight, 2.4 MB for the default model) every 2 s for the live
# heatmap; shipping each one would cost a run about 1.2 MB/s. One every LIVE_EVERY_S seconds keeps the
# view live at a fifth of that.
LIVE = "live.npz"
LIVE_EVERY_S = 10.0
DATA_FILE = "data.txt"   # a data file's copy in the node's run directory
# The order a poll reads files in: a status never arrives before the checkpoints and metrics it reports.
ORDER = (definition.CONFIG, definition.VOCAB, "checkpoints", LIVE, definition.LOG, "metrics.jsonl",
         "status.json")
APPENDED = ("metrics.jsonl", definition.LOG)   # only ever grow: their new bytes travel, not the whole file


class FolderMirror:
    """The changes of a run directory since the last call, as a list of (op, relative path, bytes):
    ("put", path, whole content) for a new or replaced file, ("append", path, new bytes) for the
    append-only logs, ("remove", path, b"") for a file that went (live.npz at the end).

    Atomic writes (temp file + rename) mean a file that is seen is whole; *.tmp files are skipped."""

    def __init__(self, folder, live_every_s=LIVE_EVERY_S):
        self.folder = folder
        self.sent = {}   # relative path -> (size, mtime_ns, inode) for put files, bytes sent for appended
        self.live_every_s = live_every_s
        self.live_sent_at = float("-inf")

    def _files(self):
        for name in ORDER:
            path = os.path.join(self.folder, name)
            if name == "checkpoints":
                names = sorted(n for n in os.listdir(path) if n.endswith(".npz")) if os.path.isdir(path) else []
                yield from (os.path.join(name, n) for n in names)
            elif os.path.isfile(path):
                yield name

    def changes(self, final=False):
        """final: the trainer has ended: everything goes, the latest live snapshot included."""
        found, seen = [], set()
        for rel in self._files():
            seen.add(rel)
            path = os.path.join(self.folder, rel)
            try:
                if rel in APPENDED:
                    found.extend(self._appended(rel, path))
                    continue
                info = os.stat(path)
                key = (info.st_size, info.st_mtime_ns, info.st_ino)
                if self.sent.get(rel) != key and (final or not self._live_too_soon(rel)):
                    with open(path, "rb") as f:
                        found.append(("put", rel, f.read()))
                    self.sent[rel] = key
            except FileNotFoundError:   # replaced or removed between listing and reading: next poll
                seen.discard(rel)
        for rel in sorted(set(self.sent) - seen - set(APPENDED)):
            found.append(("remove", rel, b""))
            del self.sent[rel]
        return found

    def _live_too_soon(self, rel):
        if rel != LIVE:
            return False
        if time.monotonic() - self.live_sent_at < self.live_every_s:
            return True
        self.live_sent_at = time.monotonic()
        return False

    def _appended(self, rel, path):
        offset = self.sent.get(rel, 0)
        with open(path, "rb") as f:
            f.seek(offset)
            new = f.read()
        self.sent[rel] = offset + len(new)
        return [("append", rel, new)] if new else []


class RemoteRun:
    """One run training on a cluster node (a Ray actor, holding the run's CPUs while it lives).

    RemoteRun(request, data) starts the trainer at once; poll() returns {"changes": [...], "ended": exit
    code or None, "node": where}; stop() asks the trainer to stop after its current iteration (SIGTERM:
    it saves the weights at the stop as a checkpoint, as on the app server)."""

    def __init__(self, request, data, cpus):
        self.folder = tempfile.mkdtemp(prefix="attention-lab-run-")
        if data is not None:
            path = os.path.join(self.folder, DATA_FILE)
            with open(path, "wb") as f:
                f.write(data)
            request = {**request, "data": path}
        write_json_atomic(os.path.join(self.folder, definition.REQUEST), request)
        env = {**os.environ, **{name: str(cpus) for name in THREAD_VARIABLES},
               "PYTHONPATH": os.pathsep.join(filter(None, (PROJECT_ROOT, os.environ.get("PYTHONPATH"))))}
        log = open(os.path.join(self.folder, definition.LOG), "wb")
        self.trainer = subprocess.Popen([sys.executable, "-m", "core.train", "--quiet", "--queue", self.folder],
                                        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        log.close()
        # The trainer waits for its launcher's "queued" status with its own pid (core.training.loop).
        write_status(self.folder, state="queued", pid=self.trainer.pid, epoch=0, iteration=0, queued_at=time.time())
        self.mirror = FolderMirror(self.folder)
        self.where = node_name()

    def poll(self):
        ended = self.trainer.poll()
        changes = self.mirror.changes(final=ended is not None)   # after poll(): an ended trainer's last files
        return {"changes": changes, "ended": ended, "node": self.where}

    def stop(self):
        if self.trainer.poll() is None:
            self.trainer.send_signal(signal.SIGTERM)

    def close(self):
        """Called before the actor is killed: no trainer outlives it, no run directory stays on the node."""
        if self.trainer.poll() is None:
            self.trainer.kill()
            self.trainer.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _die_with_parent():
    """In the trainer, before it starts (Linux): the kernel kills it when the actor's process dies, as it
    does when Ray kills the actor (its dispatcher ended) or the node goes; no orphan trains on."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # 1: PR_SET_PDEATHSIG
    except OSError:
        pass   # not Linux: the actor's close() is then the only guard


def node_name():
    """The node a run trains on, as the queue view shows it: its address and the start of Ray's node id."""
    import ray   # only ever called inside a Ray worker
    context = ray.get_runtime_context()
    return f"{ray.util.get_node_ip_address()} ({context.get_node_id()[:8]})"
