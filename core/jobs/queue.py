"""The training queue's files: who trains now and who waits, in arrival order.

The queue lives in ROOT/.queue (ROOT: the runs folder):
    wait-<seq>.json   one ticket per waiting group: {"seq": int, "pid": int (its waiting process),
                      "runs": [run directory, ...], "owner": str or None, "queued_at": float};
                      written by core.jobs.launch at Start
    current.json      the ticket of the group that holds the trainer lock (written by the waiter
                      when its turn comes: promote)
    .trainer.lock     an flock held by the training process for as long as it lives
    seq               the ticket counter
A process killed at any moment leaves nothing stuck: a ticket whose process is gone is dropped by the
next reader, and the trainer lock is an flock, released by the kernel when its holder dies.
"""
import os

from core.errors import UserError
from core.rundir import is_training_process, read_json, write_json_atomic

QUEUE_DIR = ".queue"


# and the trainer lock is an flock, released by the kernel when its holder dies.

def queue_dir(root):
    return os.path.join(root, QUEUE_DIR)


def trainer_lock_path(root):
    return os.path.join(queue_dir(root), ".trainer.lock")


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


def current_group(root):
    """The group training now (its process holds the trainer lock), or None."""
    group = read_group(os.path.join(queue_dir(root), "current.json"))
    if group and _is_queue_process(group):
        return group
    return None


def queue_state(root):
    """{"current": group or None, "waiting": [group, ...]}; a group: pid, runs, owner, queued_at.

    Reads only the queue folder and its few files: its cost does not grow with the number of runs.
    """
    return {"current": current_group(root), "waiting": waiting_groups(root)}


def ticket_path(root, seq):
    return os.path.join(queue_dir(root), f"wait-{seq:012d}.json")


def write_ticket(ticket, seq, pid, runs, owner, queued_at):
    """A waiting group's ticket (the launcher writes it right after starting its waiting process)."""
    write_json_atomic(ticket, {"seq": seq, "pid": pid, "runs": runs, "owner": owner, "queued_at": queued_at})


def promote(root, ticket):
    """Called by a waiting process that got the trainer lock: its ticket becomes current.json."""
    group = read_group(ticket)
    write_json_atomic(os.path.join(queue_dir(root), "current.json"), group)
    remove_ticket(ticket)


def remove_ticket(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


