"""Start and stop training processes for run directories (the UI's only way to train).

A training run is a separate process, ``python -m core.train``, so it survives page reloads and closed
tabs and never blocks the web server. At most ``max_running`` runs go at once (2 cores); the check and
the launch happen under a file lock, so two tabs pressing Start together still start only one.

An uploaded data file belongs to its runs: start_queue writes a copy into each run directory under a
fixed name (UPLOAD_FILE; the user's file name is only recorded, never used as a path) and records its
size and SHA-256 in the run's config, so no upload can overwrite another run's data or a run file.
"""
import datetime as dt
import fcntl
import os
import signal
import subprocess
import sys
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace

from core import runs
from core.errors import UserError

UPLOAD_FILE = "upload.txt"   # an upload's copy inside each of its run directories
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_children = {}     # pid -> Popen, so finished children are reaped instead of lingering as zombies
_exit_codes = {}   # pid -> exit status of the children reaped so far


@contextmanager
def _start_lock(root):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, ".start.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _reap():
    for pid, child in list(_children.items()):
        if child.poll() is not None:
            _exit_codes[pid] = child.returncode
            del _children[pid]


def active_runs(root):
    """Run directories under root whose status is queued or running with a live process."""
    _reap()
    if not os.path.isdir(root):
        return []
    found = []
    for name in sorted(os.listdir(root)):
        run_dir = os.path.join(root, name)
        if os.path.isfile(os.path.join(run_dir, "status.json")):
            if runs.read_status(run_dir).get("state") in runs.ACTIVE_STATES:
                found.append(run_dir)
    return found


def new_run_id(root, label="run"):
    """A fresh, time-ordered directory name: 20261127-093000-label (a counter if that is taken)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_id, n = f"{stamp}-{label}", 2
    while any(name.startswith(run_id) for name in os.listdir(root)):
        run_id, n = f"{stamp}-{n}-{label}", n + 1
    return run_id


def start(root, config, label=None, max_running=1, upload=None):
    """Launch a training process in a new run directory under root; returns its path.

    Raises UserError when max_running runs are already going.
    """
    return start_queue(root, [(config, label or config.model)], max_running, upload)[0]


def start_queue(root, configs, max_running=1, upload=None):
    """One process that trains [(config, label), ...] one after another; returns the run directories.

    Every run directory exists (state "queued") before this returns, so other tabs see the whole
    queue at once; a Stop on any of them stops the process and the runs that had not started.
    upload: a validated datafiles.Upload the runs train on; each run directory gets its own copy.
    Nothing is left behind when the start is refused or fails.
    """
    try:
        with _start_lock(root):
            return _start_locked(root, configs, max_running, upload)
    except OSError as e:   # a read-only or full disk: one clear line, not a traceback
        raise UserError(f"cannot create a run in the runs folder: {e.strerror or type(e).__name__}")


def _start_locked(root, configs, max_running, upload):
    busy = active_runs(root)
    if len(busy) >= max_running:
        names = ", ".join(os.path.basename(b) for b in busy)
        raise UserError(f"a training run is already going ({names}); stop it or wait for it to finish")
    stamp = new_run_id(root, "")
    run_dirs = []
    try:
        for n, (config, label) in enumerate(configs, start=1):
            suffix = f"{n}-{label}" if len(configs) > 1 else label
            run_dir = os.path.join(root, f"{stamp}{suffix}")
            os.makedirs(run_dir)
            run_dirs.append(run_dir)
            if upload is not None:
                config = replace(config, data=_keep_upload(run_dir, upload), data_name=upload.name,
                                 data_size_bytes=len(upload.content), data_sha256=upload.sha256)
            runs.write_json_atomic(os.path.join(run_dir, runs.REQUEST), config.to_json())
        return _launch(run_dirs)
    except BaseException:
        for run_dir in run_dirs:
            shutil.rmtree(run_dir, ignore_errors=True)
        raise


def _keep_upload(run_dir, upload):
    path = os.path.join(run_dir, UPLOAD_FILE)
    with open(f"{path}.tmp", "wb") as f:
        f.write(upload.content)
    os.replace(f"{path}.tmp", path)
    return os.path.abspath(path)   # absolute: the training process has its own working directory


def _launch(run_dirs):
    log = open(os.path.join(run_dirs[0], "train.log"), "wb")
    child = subprocess.Popen(
        [sys.executable, "-m", "core.train", "--quiet", "--queue", *run_dirs],
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)   # its own session: a Ctrl-C on the server does not kill the run
    log.close()
    _children[child.pid] = child
    try:
        # Written before the child gets going, so the next Start (or another tab) already sees it.
        for run_dir in run_dirs:
            runs.write_status(run_dir, state="queued", pid=child.pid, epoch=0, iteration=0,
                              queued_at=time.time())   # the child waits for these (train.wait_for_launcher)
    except BaseException:
        child.kill()   # the caller removes the run directories: no process may train into them
        child.wait()
        raise
    return run_dirs


@dataclass(frozen=True)
class StopOutcome:
    """What Stop did: stopped is True when a signal went to the run's training process."""
    stopped: bool
    message: str

    def __bool__(self):
        return self.stopped

    def __str__(self):
        return self.message


def stop(run_dir):
    """Ask a run's process to stop (SIGTERM): it finishes the current iteration and says "stopped".

    Returns a StopOutcome saying what really happened (true only when the signal was sent). Runs of
    the same process that are still waiting in its queue are marked stopped here too, so they read
    right even if the signal lands before the process has set up its handler.
    """
    status = runs.read_status(run_dir)   # a pid that is not this run's training process reads "failed"
    pid = status.get("pid")
    state = status.get("state")
    if state not in runs.ACTIVE_STATES:
        return StopOutcome(False, f"Nothing to stop: the run is {state}"
                                  + (" (its training process is gone)" if state == "failed" else "") + ".")
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return StopOutcome(False, "Nothing to stop: the training process had already ended.")
    except PermissionError:
        return StopOutcome(False, "Cannot stop it: the training process belongs to another user.")
    cancelled = _cancel_queued_siblings(run_dir, pid)
    return StopOutcome(True, "Stopping after the current iteration; finished epochs stay."
                       + (f" {cancelled} queued run(s) cancelled." if cancelled else ""))


def _cancel_queued_siblings(run_dir, pid):
    cancelled = 0
    root = os.path.dirname(os.path.abspath(run_dir))
    for name in sorted(os.listdir(root)):
        other = os.path.join(root, name)
        status_path = os.path.join(other, "status.json")
        if not os.path.isfile(status_path):
            continue
        try:   # as written, not read_status: the process may already be gone, which reads as "failed"
            other_status = runs.read_json(status_path)
        except UserError:
            continue
        if (isinstance(other_status, dict) and other_status.get("pid") == pid
                and other_status.get("state") == "queued"):
            runs.write_status(other, state="stopped", stopped_at=time.time(), note="stopped before it started")
            cancelled += other != os.path.abspath(run_dir)
    return cancelled


def wait(run_dir, timeout=None):
    """Wait for a run started by this process to exit (tests and scripts); returns its exit code."""
    try:
        pid = runs.read_json(os.path.join(run_dir, "status.json")).get("pid")   # as written: it may have ended
    except (UserError, AttributeError):
        return None
    child = _children.get(pid)
    if child is None:
        return _exit_codes.get(pid)   # already reaped, or not started by this process (None)
    code = child.wait(timeout)
    _reap()
    return code
