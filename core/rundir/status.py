"""status.json: where a run is (queued, running, finished, stopped, failed), why, and how far.

The file is a JSON object, replaced atomically by write_status, the only function that writes it.
Its fields, their types and who writes them:

    field            type    written by
    state            str     every writer: one of STATES
    reason           str     why a run stopped or failed ("disk full", "stopped before it started");
                             absent while it goes well. Runs of earlier versions wrote it as "error"
                             (failed) or "note" (stopped): read_status reads those as reason.
    traceback        str     training, on a failure other than a UserError (for the host's eyes)
    pid              int     the launcher (queued), then the training process: the process that
                             must be alive, and be this run's, for an active state to be true
    epoch, iteration int     training: finished epochs and iterations, refreshed twice a second
    epochs           int     training: planned epochs
    total_iters      int     training: planned iterations
    iters_per_epoch  int     training
    queued_at        float   the launcher (core.jobs), when Start was pressed (Unix time)
    started_at       float   training, when it began
    node             str     a cluster's run (core/jobs/dispatcher.py): the node it trains on
    ended_at         float   whoever ended it (training; the waiting process or Stop for a run that
                             never started), when it became finished, stopped or failed
Runs of earlier versions also hold eta_s, train_size, test_size, finished_at, stopped_at and updated_at,
which nothing reads; they are left as they are.

read_status checks every field's type: a damaged file makes the run state "damaged" with the reason,
never an exception. A "queued" or "running" status whose process is gone, or whose pid now belongs
to some other program, reads as "failed" (is_training_process).
"""
import os
import time

from core.errors import UserError
from core.rundir.files import read_json, run_lock, write_json_atomic

STATUS = "status.json"
STATES = ("queued", "running", "finished", "stopped", "failed")
ACTIVE_STATES = ("queued", "running")
DAMAGED = "damaged"   # what read_status reports for a file it cannot use; never written

FIELDS = {"state": (str,), "reason": (str,), "traceback": (str,), "pid": (int,), "epoch": (int,),
          "iteration": (int,), "epochs": (int,), "total_iters": (int,), "iters_per_epoch": (int,),
          "queued_at": (int, float), "started_at": (int, float), "ended_at": (int, float), "node": (str,)}
_OLD_REASONS = ("error", "note")   # what runs of earlier versions called the reason

# The process names of a run's training process (core/train.py) and of the process that waits its
# turn in the queue (core/jobs/waiter.py) or trains its runs on a Ray cluster (core/jobs/dispatcher.py;
# same arguments). "core.train_queue" is the waiter's name before the layout
# of 2026-12-02: a run queued by the previous version while the server is upgraded still reads as
# queued (kept for one release).
TRAINER_MODULE = "core.train"
WAITER_MODULES = ("core.jobs.waiter", "core.jobs.dispatcher", "core.train_queue")


def write_status(run_dir, **changes):
    """Merge changes into status.json (atomically); returns the new status.

    A field set to None is removed (a queued run that starts has no reason any more). Only the fields
    of FIELDS may be written: a typo would otherwise write a field nothing reads.
    """
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValueError(f"status.json has no field {unknown[0]!r}")
    path = os.path.join(run_dir, STATUS)
    with run_lock(run_dir):   # the trainer and a Stop in a tab may both update it
        try:
            status = read_json(path)
        except UserError:
            status = {}
        if not isinstance(status, dict):
            status = {}   # a damaged status is replaced by what the writer knows
        status = _with_reason(status)
        status.update(changes)
        status = {k: v for k, v in status.items() if v is not None}
        write_json_atomic(path, status)
    return status


def _with_reason(status):
    """An earlier version's "error" or "note" moved to "reason"."""
    status = dict(status)
    for old in _OLD_REASONS:
        value = status.pop(old, None)
        if isinstance(value, str) and value and not status.get("reason"):
            status["reason"] = value
    return status


def _problem(status):
    """Why a parsed status.json cannot be used, or None."""
    if not isinstance(status, dict):
        return "status.json is not a JSON object"
    if status.get("state") not in STATES:
        return "status.json has no known state"
    for name, types in FIELDS.items():
        value = status.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
            return f"status.json: {name} is not a {types[0].__name__}"
    return None


def read_status(run_dir):
    """status.json as a dict with "state" and, where there is one, "reason".

    A missing or unreadable file reads as state "failed", a file of the wrong shape as state DAMAGED
    (the reason says what is wrong), and an active state whose process is gone as "failed".
    """
    try:
        status = read_json(os.path.join(run_dir, STATUS))
    except UserError as e:
        return {"state": "failed", "reason": str(e)}
    if isinstance(status, dict):
        status = _with_reason(status)
    problem = _problem(status)
    if problem:
        return {"state": DAMAGED, "reason": problem}
    if status["state"] in ACTIVE_STATES and not is_training_process(status.get("pid"), run_dir):
        status["state"] = "failed"
        status["reason"] = status.get("reason") or "the training process ended without saying so (killed?)"
    return status


def written_status(run_dir):
    """status.json as written, not judged (read_status says "failed" once the process has ended, which a
    Stop or a waiting trainer must see past); {} when it cannot be read or is not an object."""
    try:
        status = read_json(os.path.join(run_dir, STATUS))
    except UserError:
        return {}
    return status if isinstance(status, dict) else {}


def written_pid(run_dir):
    pid = written_status(run_dir).get("pid")
    return pid if isinstance(pid, int) and not isinstance(pid, bool) else None


def written_state(run_dir):
    """The state as written, or None when status.json cannot be read."""
    return written_status(run_dir).get("state")


def process_alive(pid):
    """True when pid is a live (not zombie) process; on Linux, /proc also tells a zombie apart."""
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{int(pid)}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def is_training_process(pid, run_dir):
    """True when pid is a live `python -m core.train` process whose --run-dir or --queue names run_dir,
    or the waiting process (core.jobs.waiter) that will become one.

    A pid alone proves nothing: after a kill the number is reused by other programs, and a status
    file can say anything. /proc/PID/cmdline (and its cwd, for relative run directories) says.
    """
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or not process_alive(pid):
        return False
    for attempt in range(3):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = [a.decode("utf-8", "surrogateescape") for a in f.read().split(b"\0")]
        except OSError:
            return False
        module = next((b for a, b in zip(args, args[1:]) if a == "-m"), None)
        if module or args != [""]:
            break
        time.sleep(0.02)   # an empty command line: the waiter is exec'ing into the trainer this instant
    if module != TRAINER_MODULE and module not in WAITER_MODULES:
        return False
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        cwd = os.getcwd()
    if module in WAITER_MODULES:   # waiting its turn: ROOT TICKET RUN_DIR... (core.jobs)
        named = args[args.index(module) + 3:]
    else:
        named = _run_dirs_named(args)
    target = os.path.realpath(run_dir)
    return any(os.path.realpath(os.path.join(cwd, d)) == target for d in named)


def _run_dirs_named(args):
    """The run directories a core.train command line names with --run-dir or --queue."""
    named, taking = [], False
    for arg in args:
        if arg.startswith("--run-dir="):
            named.append(arg.split("=", 1)[1])
        elif arg in ("--run-dir", "--queue"):
            taking = True
        elif arg.startswith("-"):
            taking = False
        elif taking:
            named.append(arg)
    return named
