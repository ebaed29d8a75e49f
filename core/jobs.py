"""Start and stop training processes for run directories (the UI's only way to train).

A training run is a separate process, ``python -m core.train``, so it survives page reloads and closed
tabs and never blocks the web server. At most ``max_running`` runs go at once (2 cores); the check and
the launch happen under a file lock, so two tabs pressing Start together still start only one.
"""
import datetime as dt
import fcntl
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

from core import runs
from core.errors import UserError

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


def start(root, config, label=None, max_running=1):
    """Launch a training process in a new run directory under root; returns its path.

    Raises UserError when max_running runs are already going.
    """
    return start_queue(root, [(config, label or config.model)], max_running)[0]


def start_queue(root, configs, max_running=1):
    """One process that trains [(config, label), ...] one after another; returns the run directories.

    Every run directory exists (state "queued") before this returns, so other tabs see the whole
    queue at once; a Stop on any of them stops the process and the runs that had not started.
    """
    with _start_lock(root):
        busy = active_runs(root)
        if len(busy) >= max_running:
            names = ", ".join(os.path.basename(b) for b in busy)
            raise UserError(f"a training run is already going ({names}); stop it or wait for it to finish")
        stamp = new_run_id(root, "")
        run_dirs = []
        for n, (config, label) in enumerate(configs, start=1):
            suffix = f"{n}-{label}" if len(configs) > 1 else label
            run_dir = os.path.join(root, f"{stamp}{suffix}")
            os.makedirs(run_dir)
            runs.write_json_atomic(os.path.join(run_dir, runs.REQUEST), config.to_json())
            run_dirs.append(run_dir)
        log = open(os.path.join(run_dirs[0], "train.log"), "wb")
        child = subprocess.Popen(
            [sys.executable, "-m", "core.train", "--quiet", "--queue", *run_dirs],
            cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)   # its own session: a Ctrl-C on the server does not kill the run
        log.close()
        _children[child.pid] = child
        # Written before the child gets going, so the next Start (or another tab) already sees it.
        for run_dir in run_dirs:
            runs.write_status(run_dir, state="queued", pid=child.pid, epoch=0, iteration=0,
                              queued_at=time.time())
        return run_dirs


def _is_training_process(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"core.train" in f.read()
    except OSError:
        return runs.process_alive(pid)


def stop(run_dir):
    """Ask a run's process to stop (SIGTERM): it finishes the current iteration and says "stopped".

    Runs of the same process that are still waiting in its queue are marked stopped here too, so
    they read right even if the signal lands before the process has set up its handler.
    """
    status = runs.read_status(run_dir)
    pid = status.get("pid")
    if status.get("state") not in runs.ACTIVE_STATES or not pid:
        return False
    if not _is_training_process(pid):   # never signal a process that merely reuses the pid
        return False
    try:
        os.kill(int(pid), signal.SIGTERM)
    except ProcessLookupError:
        return False
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
        if other_status.get("pid") == pid and other_status.get("state") == "queued":
            runs.write_status(other, state="stopped", stopped_at=time.time(), note="stopped before it started")
    return True


def wait(run_dir, timeout=None):
    """Wait for a run started by this process to exit (tests and scripts); returns its exit code."""
    pid = runs.read_status(run_dir).get("pid")
    child = _children.get(pid)
    if child is None:
        return _exit_codes.get(pid)   # already reaped, or not started by this process (None)
    code = child.wait(timeout)
    _reap()
    return code
