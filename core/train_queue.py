"""A queued group of runs waiting its turn: `python -m core.train_queue ROOT TICKET RUN_DIR...`.

Started by core.jobs.start_queue. It waits until its ticket is first in line and it gets the
trainer lock (an flock on ROOT/.queue/.trainer.lock), then replaces itself (exec, same pid) with
`python -m core.train --quiet --queue RUN_DIR...`, which inherits the locked file: the lock is held
exactly as long as that trainer lives, however it ends (finished, stopped, killed), and the next
ticket's process goes on. A SIGTERM while waiting (Stop) marks the group's runs stopped.
"""
import fcntl
import os
import signal
import sys
import time

from core import jobs, runs

POLL_S = 0.3
TICKET_WAIT_S = 60   # start_queue writes the ticket right after launching this process


def cancel(run_dirs, ticket, note):
    for run_dir in run_dirs:
        try:
            state = runs.read_json(os.path.join(run_dir, "status.json")).get("state")
        except Exception:   # a damaged status: say stopped all the same
            state = "queued"
        if state == "queued":
            runs.write_status(run_dir, state="stopped", stopped_at=time.time(), note=note)
    jobs._remove(ticket)


def wait_for_turn(root, ticket, should_stop):
    """-> the open, locked trainer-lock file once this ticket is first in line; None when stopped."""
    deadline = time.time() + TICKET_WAIT_S
    while not os.path.exists(ticket):
        if should_stop() or time.time() > deadline:
            return None
        time.sleep(0.05)
    lock = open(jobs.trainer_lock_path(root), "a")
    while not should_stop():
        waiting = jobs.waiting_groups(root)
        if waiting and waiting[0]["ticket"] == ticket:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return lock
            except BlockingIOError:
                pass   # the trainer before us is still going
        time.sleep(POLL_S)
    lock.close()
    return None


def main(argv):
    root, ticket, run_dirs = argv[0], argv[1], argv[2:]
    stop = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.append(True))
    lock = wait_for_turn(root, ticket, lambda: bool(stop))
    if lock is None or stop:
        cancel(run_dirs, ticket, "stopped before it started")
        return 0
    jobs.promote(root, ticket)
    os.set_inheritable(lock.fileno(), True)   # the trainer holds the lock from here on
    os.execv(sys.executable, [sys.executable, "-m", "core.train", "--quiet", "--queue", *run_dirs])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
