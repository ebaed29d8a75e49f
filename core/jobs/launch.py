"""Start and stop training processes for run directories (the UI's only way to train).

A training run is a separate process, ``python -m core.train``, so it survives page reloads and closed
tabs and never blocks the web server. One trainer at a time on the server (2 cores): a Start while
another run goes joins a first-come, first-served queue (core.jobs.waiter waits its turn, then becomes
the trainer). Queueing happens under a file lock, so two tabs pressing Start together queue in order.

An uploaded data file belongs to its runs: start_queue writes a copy into each run directory under a
fixed name (upload.txt; the user's file name is only recorded, never used as a path) and records its
size and SHA-256 in the run's config, so no upload can overwrite another run's data or a run file.
"""
import datetime as dt
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace

from core.errors import UserError
from core.jobs import cluster as ray_cluster
from core.jobs import queue
from core import PROJECT_ROOT
from core.training.steppers import resolve_workers
from core.rundir import (ACTIVE_STATES, definition, listing, meta, read_status, write_status, written_pid,
                         written_status)

UPLOAD_FILE = definition.UPLOAD   # an upload's copy inside each of its run directories
MAX_WAITING = 20   # requests waiting at once (a guard against one page flooding the server)
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


def queue_state(root):
    """core.jobs.queue.queue_state, reaping this process's ended children on the way: the pages ask for
    it at every refresh, and without it every Start left a zombie process under the web server."""
    _reap()
    return queue.queue_state(root)


def new_run_id(root, label="run"):
    """A fresh, time-ordered directory name: 20261127-093000-label (a counter if that is taken)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_id, n = f"{stamp}-{label}", 2
    while any(name.startswith(run_id) for name in os.listdir(root)):
        run_id, n = f"{stamp}-{n}-{label}", n + 1
    return run_id


@dataclass(frozen=True)
class Requester:
    """Who asks for training, and the host's limits on them (README, "A class on one server").

    owner: the hash of the browser's token (core.rundir.meta.owner_hash), stored in each run's meta.json;
    client: a hash of the client's address (None for this machine), so that a person who makes new
    sessions (no cookie, private windows, a script) still counts as one; max_per_owner and
    max_per_client: groups going or waiting at once; starts_per_minute: new groups per client and
    minute. None means no limit (the host, the command line).
    """
    owner: str | None = None
    client: str | None = None
    max_per_owner: int | None = None
    max_per_client: int | None = None
    starts_per_minute: int | None = None


def start(root, config, label=None, owner=None, max_per_owner=None, upload=None):
    """Queue a training run in a new run directory under root; returns its path (see start_queue)."""
    return start_queue(root, [(config, label or config.model)], owner, max_per_owner, upload=upload)[0]


def start_queue(root, configs, owner=None, max_per_owner=None, max_waiting=MAX_WAITING, upload=None,
                requester=None, cores=None, about=None, cluster=None, side_by_side=False):
    """Queue runs [(config, label), ...] as one group, trained one after another (or side by side,
    below); returns their directories.

    The group's process (core.jobs.waiter) waits its turn in the queue and its cores, then becomes the
    training process (same pid) and trains the group. Every run directory
    exists (state "queued") before this returns, so other tabs see the whole queue at once; a Stop
    on any run of the group stops its process and the runs that had not started.

    requester: a Requester (or owner and max_per_owner alone, as the command line and tests give them).
    cores: the pool the queue fills (the host's setting; default: every core). The group reserves as
    many as its runs use worker processes (core/jobs/queue.py).
    about: more fields for each run's meta.json (a sweep's id and the run's setting, core/sweep.py).
    upload: a validated core.data.server_files.Upload the runs train on; each run directory gets its own copy.
    side_by_side: each run is queued as a group of its own, so they train as wide as the cores (or the
    cluster) allow; still one request against the limits when about names a sweep (a sweep's runs).
    cluster: a Ray address (core/jobs/cluster.py): the group trains there, through a dispatcher process
    here (core/jobs/dispatcher.py), instead of on this server's cores.
    Raises UserError when a limit is reached, the queue is full or the cluster does not answer;
    nothing is left behind when the start is refused or fails.
    """
    requester = requester or Requester(owner=owner, max_per_owner=max_per_owner)
    if cluster:   # asked before anything is written: a cluster that is down queues nothing
        ray_cluster.check(cluster, max(resolve_workers(config) for config, _ in configs))
    try:
        with _start_lock(root):
            os.makedirs(queue.queue_dir(root), exist_ok=True)
            queue.set_pool_size(root, cores or queue.default_cores())
            return _start_locked(root, configs, requester, max_waiting, upload, about or {}, cluster, side_by_side)
    except OSError as e:   # a read-only or full disk: one clear line, not a traceback
        raise UserError(f"cannot create a run in the runs folder: {e.strerror or type(e).__name__}")


def requests(groups):
    """How many training requests the groups are: a sweep's runs, queued side by side, are one."""
    return len({g.get("sweep") or ("group", g.get("seq"), g.get("pid")) for g in groups})


def _check_limits(root, requester, max_waiting):
    """UserError when the requester may not queue another request now (called under the start lock)."""
    state = queue.queue_state(root)
    groups = state["running"] + state["waiting"]
    for field, limit, whom in (("owner", requester.max_per_owner, "visitor"),
                               ("client", requester.max_per_client, "address")):
        value = getattr(requester, field)
        if value and limit is not None:
            mine = [g for g in groups if g.get(field) == value]
            if requests(mine) >= limit:
                names = ", ".join(sorted({g.get("sweep") or os.path.basename(g["runs"][0]) for g in mine}))
                raise UserError(f"you already have {requests(mine)} training request(s) going or queued ({names}); "
                                f"the limit is {limit} per {whom}: stop one or wait for it to finish")
    if requester.client and requester.starts_per_minute is not None:
        if queue.recent_starts(root, requester.client) >= requester.starts_per_minute:
            raise UserError(f"at most {requester.starts_per_minute} new training requests a minute from one "
                            f"address: try again in a minute")
    if requests(state["waiting"]) >= max_waiting:
        raise UserError(f"the training queue is full ({max_waiting} requests waiting); try again later")


def _start_locked(root, configs, requester, max_waiting, upload, about, cluster, side_by_side):
    _check_limits(root, requester, max_waiting)
    owner = requester.owner
    stamp = new_run_id(root, "")
    run_dirs = []
    try:
        for n, (config, label) in enumerate(configs, start=1):
            suffix = f"{n}-{label}" if len(configs) > 1 else label
            run_dir = os.path.abspath(os.path.join(root, f"{stamp}{suffix}"))
            os.makedirs(run_dir)
            run_dirs.append(run_dir)
            if upload is not None:
                config = replace(config, data=definition.keep_upload(run_dir, upload.content), data_name=upload.name,
                                 data_size_bytes=len(upload.content), data_sha256=upload.sha256)
            definition.write_request(run_dir, config)
            if owner or about:
                meta.update(run_dir, **({"owner": owner} if owner else {}), **about)
        # one group trains its runs one after another; side by side, each run is a group of its own
        groups = [[n] for n in range(len(configs))] if side_by_side else [list(range(len(configs)))]
        for members in groups:
            need = max(resolve_workers(configs[n][0]) for n in members)
            cores = need if cluster else min(need, queue.pool_size(root))   # a cluster's nodes may be bigger
            _launch(root, [run_dirs[n] for n in members], owner, requester.client, cores, about.get("sweep"),
                    cluster)
        if requester.client:
            queue.note_start(root, requester.client)
        return run_dirs
    except BaseException:
        for run_dir in run_dirs:   # a group launched already is stopped first: nothing trains into a removed run
            if written_pid(run_dir) in _children:
                _children[written_pid(run_dir)].kill()
            shutil.rmtree(run_dir, ignore_errors=True)
        raise


def _launch(root, run_dirs, owner, client=None, cores=1, sweep=None, cluster=None):
    """Start the group's waiting process (its dispatcher, for a cluster) and write its ticket and queued
    statuses (which it waits for)."""
    os.makedirs(queue.queue_dir(root), exist_ok=True)
    seq = queue.next_seq(root)
    ticket = queue.ticket_path(root, seq)
    log = open(os.path.join(run_dirs[0], definition.LOG), "wb")
    module = "core.jobs.dispatcher" if cluster else "core.jobs.waiter"
    env = {**os.environ, ray_cluster.ADDRESS_ENV: cluster} if cluster else None
    child = subprocess.Popen(
        [sys.executable, "-m", module, os.path.abspath(root), ticket, *run_dirs],
        cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        start_new_session=True)   # its own session: a Ctrl-C or restart of the server does not end the run
    log.close()
    _children[child.pid] = child
    queued_at = time.time()
    try:
        # Written before the child may start, so the next Start (or another tab) already sees it.
        queue.write_ticket(ticket, seq, child.pid, run_dirs, owner, queued_at, client, cores, sweep, cluster)
        for run_dir in run_dirs:   # the trainer waits for these (core.training.loop.wait_for_launcher)
            write_status(run_dir, state="queued", pid=child.pid, epoch=0, iteration=0, queued_at=queued_at)
    except BaseException:
        child.kill()   # the caller removes the run directories: no process may train into them
        child.wait()
        queue.remove_ticket(ticket)
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
    status = read_status(run_dir)   # a pid that is not this run's training process reads "failed"
    pid = status.get("pid")
    state = status.get("state")
    if state not in ACTIVE_STATES:
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


def stop_all(root, owner=None, sweep=None):
    """Stop every group in the queue (training or waiting), or only those of one owner (the host's one
    action against a visitor who floods the trainer), or of one sweep. Returns how many were stopped."""
    state = queue.queue_state(root)
    groups = state["running"] + state["waiting"]
    stopped = 0
    for group in groups:
        if ((owner is None or group.get("owner") == owner) and (sweep is None or group.get("sweep") == sweep)
                and group.get("runs")):
            # through a run still going: a group's first run may have ended (a sweep queued as one group)
            going = [r for r in group["runs"] if read_status(r).get("state") in ACTIVE_STATES]
            stopped += bool(going) and bool(stop(going[0]))
    return stopped


def _cancel_queued_siblings(run_dir, pid):
    cancelled = 0
    root = os.path.dirname(os.path.abspath(run_dir))
    for other in listing.run_dirs(root):
        # as written, not read_status: the process may already be gone, which reads as "failed"
        written = written_status(other)
        if written.get("pid") == pid and written.get("state") == "queued":
            write_status(other, state="stopped", ended_at=time.time(), reason="stopped before it started")
            cancelled += other != os.path.abspath(run_dir)
    return cancelled


def wait(run_dir, timeout=None):
    """Wait for a run started by this process to exit (tests and scripts); returns its exit code."""
    pid = written_pid(run_dir)   # as written: it may have ended
    child = _children.get(pid)
    if child is None:
        return _exit_codes.get(pid)   # already reaped, or not started by this process (None)
    code = child.wait(timeout)
    _reap()
    return code
