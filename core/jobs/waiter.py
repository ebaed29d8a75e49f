"""A queued group of runs waiting its turn: `python -m core.jobs.waiter ROOT TICKET RUN_DIR...`.

Started by core.jobs.launch.start_queue. It waits until its ticket is first in line and the cores its
runs use are free (flocks on ROOT/.queue/core-<k>.lock, core/jobs/queue.py), then replaces itself
(exec, same pid) with `python -m core.train --quiet --queue RUN_DIR...`, which inherits the locked
files: the cores are held exactly as long as that trainer lives, however it ends (finished, stopped,
killed), and the next ticket's process goes on. A SIGTERM while waiting (Stop) marks the group's runs
stopped.
"""
import os
import signal
import sys
import time

from core.jobs import queue
from core.worker_processes import THREAD_VARIABLES
from core.rundir import write_status, written_state

POLL_S = 0.3
TICKET_WAIT_S = 60   # start_queue writes the ticket right after launching this process
TICKET_FIELDS = ("seq", "pid", "runs", "owner", "queued_at", "client", "cores", "sweep")


def cancel(run_dirs, ticket, note):
    for run_dir in run_dirs:
        if written_state(run_dir) in ("queued", None):   # None: a damaged status, say stopped all the same
            write_status(run_dir, state="stopped", ended_at=time.time(), reason=note)
    queue.remove_ticket(ticket)


def wait_for_turn(root, ticket, should_stop):
    """-> the open, locked files of this group's cores once its ticket is first in line and that many
    cores are free; None when stopped."""
    deadline = time.time() + TICKET_WAIT_S
    while not os.path.exists(ticket):
        if should_stop() or time.time() > deadline:
            return None
        time.sleep(0.05)
    written = queue.read_group(ticket) or {}
    need = written.get("cores") if isinstance(written.get("cores"), int) else queue.pool_size(root)
    while not should_stop():
        if written and not os.path.exists(ticket):
            # A waiter of the version before 2026-12-02 drops tickets whose process name it does not know
            # (core.jobs.waiter): write ours again, same place in line (kept for one release).
            queue.write_ticket(ticket, **{k: written.get(k) for k in TICKET_FIELDS})
        waiting = [g for g in queue.waiting_groups(root) if not g.get("cluster")]   # those wait for Ray's CPUs
        if waiting and waiting[0]["ticket"] == ticket:
            locks = queue.reserve_cores(root, max(1, min(need, queue.pool_size(root))))
            if locks:
                return locks
        time.sleep(POLL_S)
    return None


def main(argv):
    root, ticket, run_dirs = argv[0], argv[1], argv[2:]
    stop = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.append(True))
    locks = wait_for_turn(root, ticket, lambda: bool(stop))
    if locks is None or stop:
        cancel(run_dirs, ticket, "stopped before it started")
        return 0
    queue.promote(root, ticket)
    for lock in locks:
        os.set_inheritable(lock.fileno(), True)   # the trainer holds its cores from here on
    for name in THREAD_VARIABLES:   # its matrix products use the cores it reserved, not its neighbours'
        os.environ[name] = str(len(locks))
    os.execv(sys.executable, [sys.executable, "-m", "core.train", "--quiet", "--queue", *run_dirs])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
