"""The training queue's files: who trains now and who waits, in arrival order, and the cores.

Several groups train at once while cores remain: each group reserves as many of the pool's cores as
its runs use worker processes (a run with one worker per core takes the whole pool: one at a time on
a 2-core server; runs of one worker each: two at once). The head of the line starts as soon as its
cores are free; the others keep their places (first come, first served, no overtaking).

The queue lives in ROOT/.queue (ROOT: the runs folder):
    wait-<seq>.json     one ticket per waiting group: {"seq": int, "pid": int (its waiting process),
                        "runs": [run directory, ...], "owner": str or None, "queued_at": float,
                        "client": str or None (a hash of the client's address), "cores": int,
                        "sweep": str or None (the sweep the run belongs to),
                        "cluster": the Ray address its runs train on, or absent (this server)};
                        written by core.jobs.launch at Start
    running-<seq>.json  the same ticket once its group trains (the waiter moves it: promote), with
                        "node": the cluster node it trains on, for a cluster's run
    core-<k>.lock       one flock per core of the pool (local runs only: a cluster's runs reserve Ray's CPUs), held by the training process that reserved it
                        for as long as it lives
    cores.json          {"cores": the pool's size}, the host's setting, written at each Start
    seq                 the ticket counter
    starts.json         recent starts per client address, for the rate limit
A process killed at any moment leaves nothing stuck: a ticket whose process is gone is dropped by the
next reader, and a core's flock is released by the kernel when its holder dies. (current.json and
.trainer.lock are the one-trainer queue of the version before 2026-12-02; current.json is still read.)
"""
import fcntl
import os
import time

from core.errors import UserError
from core.rundir import is_training_process, read_json, write_json_atomic

QUEUE_DIR = ".queue"
CORES = "cores.json"     # {"cores": how many cores the queue may fill at once}
STARTS = "starts.json"   # {client hash: [Unix times of its recent starts]}, for the rate limit


def queue_dir(root):
    return os.path.join(root, QUEUE_DIR)


def pool_size(root):
    """The cores the queue may fill (cores.json, written at each Start from the host's setting)."""
    try:
        cores = read_json(os.path.join(queue_dir(root), CORES)).get("cores")
    except (UserError, AttributeError):
        cores = None
    return cores if isinstance(cores, int) and not isinstance(cores, bool) and cores > 0 else default_cores()


def default_cores():
    return os.cpu_count() or 1


def set_pool_size(root, cores):
    write_json_atomic(os.path.join(queue_dir(root), CORES), {"cores": int(cores)})


def reserve_cores(root, need):
    """Open, flock-locked files for `need` of the pool's cores, or None when fewer are free (nothing
    held then). A lock is released by the kernel when its holder ends, however it ends."""
    held = []
    for core in range(pool_size(root)):
        lock = open(os.path.join(queue_dir(root), f"core-{core}.lock"), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        held.append(lock)
        if len(held) >= need:
            return held
    for lock in held:
        lock.close()   # closing releases the flock
    return None


def next_seq(root):
    """A counter kept in .queue/seq (called under the start lock): tickets sort in arrival order."""
    path = os.path.join(queue_dir(root), "seq")
    try:
        with open(path) as f:
            seq = int(f.read().strip() or 0) + 1
    except (FileNotFoundError, ValueError):
        seq = 1
    with open(path, "w") as f:
        f.write(str(seq))
    return seq


def _is_queue_process(group):
    """The group's process is alive and is its runs' core.jobs.waiter or core.train process (the first
    becomes the second by exec, same pid); a reused pid is not."""
    return bool(group["runs"]) and is_training_process(group.get("pid"), group["runs"][0])


def read_group(path):
    try:
        group = read_json(path)
    except UserError:
        return None
    if not isinstance(group, dict) or not isinstance(group.get("runs"), list):
        return None
    return group


def waiting_groups(root):
    """The groups waiting for the trainer, first in line first; tickets of dead processes are dropped."""
    folder = queue_dir(root)
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("wait-") and n.endswith(".json"))
    except FileNotFoundError:
        return []
    groups = []
    for name in names:
        path = os.path.join(folder, name)
        group = read_group(path)
        if group is None and os.path.exists(path):
            continue   # being written this instant
        if group is None or not _is_queue_process(group):
            remove_ticket(path)
            continue
        groups.append({**group, "ticket": path})
    return groups


def running_groups(root):
    """The groups training now (each holds its cores' locks), in the order they were queued.
    current.json is where the version before 2026-12-02 put its one trainer's ticket."""
    folder = queue_dir(root)
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("running-") and n.endswith(".json"))
    except FileNotFoundError:
        return []
    groups = [read_group(os.path.join(folder, name)) for name in names + ["current.json"]]
    return [g for g in groups if g and _is_queue_process(g)]


def queue_state(root):
    """{"running": [group, ...], "waiting": [group, ...], "current": the first running group or None};
    a group: pid, runs, owner, client, cores, queued_at.

    Reads only the queue folder and its few files: its cost does not grow with the number of runs.
    """
    running = running_groups(root)
    return {"running": running, "current": running[0] if running else None, "waiting": waiting_groups(root)}


def ticket_path(root, seq):
    return os.path.join(queue_dir(root), f"wait-{seq:012d}.json")


def write_ticket(ticket, seq, pid, runs, owner, queued_at, client=None, cores=1, sweep=None, cluster=None):
    """A waiting group's ticket (the launcher writes it right after starting its waiting process)."""
    write_json_atomic(ticket, {"seq": seq, "pid": pid, "runs": runs, "owner": owner, "queued_at": queued_at,
                               "client": client, "cores": cores, "sweep": sweep,
                               **({"cluster": cluster} if cluster else {})})


def recent_starts(root, client, window_s=60.0):
    """How many groups a client address queued in the last window_s seconds (under the start lock)."""
    now = time.time()
    return sum(1 for t in _starts(root).get(client, []) if now - t < window_s)


def note_start(root, client, window_s=60.0):
    """Remember a client's start (under the start lock); older entries are dropped."""
    now = time.time()
    starts = {c: [t for t in times if now - t < window_s] for c, times in _starts(root).items()}
    starts[client] = starts.get(client, []) + [now]
    write_json_atomic(os.path.join(queue_dir(root), STARTS), {c: t for c, t in starts.items() if t})


def _starts(root):
    try:
        starts = read_json(os.path.join(queue_dir(root), STARTS))
    except UserError:
        return {}
    if not isinstance(starts, dict):
        return {}
    return {c: [t for t in times if isinstance(t, (int, float))] for c, times in starts.items()
            if isinstance(times, list)}


def promote(root, ticket, **more):
    """Called by a waiting process that got its cores (or a dispatcher whose run started on a cluster
    node, more: node): its ticket becomes running-<seq>.json."""
    group = read_group(ticket)
    name = os.path.basename(ticket).replace("wait-", "running-", 1)
    write_json_atomic(os.path.join(queue_dir(root), name), {**(group or {}), **more})
    remove_ticket(ticket)


def remove_ticket(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


