"""The one list of runs: a row per run directory, re-read only when one of the run's files changed.

Every page that lists runs (the Runs table, the run pickers, Compare's overlay) reads these rows, so
they agree on every field; "best_accuracy" is the best test accuracy at an epoch's end, on the whole
test split (MetricsLog.best_accuracy). A RunIndex keeps each row with the sizes and modification times
of the files it came from; a refresh stats them and rebuilds only the rows that changed (and the
active ones, whose process may have died), so listing 200 runs costs 200 stats, not 200 file reads.

A run whose files are damaged is a row too, with state "damaged" and the reason, so one broken run
never breaks a page.
"""
import os
import threading

from core.errors import UserError
from core.rundir import checkpoints, meta
from core.rundir.definition import CONFIG, REQUEST, is_run_dir, read_config, read_vocab
from core.rundir.files import clean_tmp
from core.rundir.metrics import METRICS, MetricsCache
from core.rundir.status import ACTIVE_STATES, DAMAGED, STATUS, read_status

_WATCHED = (STATUS, CONFIG, REQUEST, meta.META, METRICS, "checkpoints")


def _signature(run_dir):
    stamp = []
    for name in _WATCHED:
        try:
            st = os.stat(os.path.join(run_dir, name))
            stamp.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def build_row(run_dir, metrics):
    """A run's row (see _row); a damaged run's row has state DAMAGED and the reason."""
    try:
        return _row(run_dir, metrics)
    except UserError as e:
        return damaged_row(run_dir, str(e))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        return damaged_row(run_dir, f"unreadable ({type(e).__name__})")


def damaged_row(run_dir, reason):
    folder = os.path.basename(os.path.normpath(run_dir))
    return {"run": folder, "path": run_dir, "name": folder, "note": "", "owner": None, "state": DAMAGED,
            "reason": reason, "epochs": 0, "planned_epochs": 0, "best_accuracy": None, "started_at": None,
            "ended_at": None, "model": "?", "hidden": None, "lr": None, "batch": None, "seed": None, "data": "?",
            "data_size": None, "data_label": "?", "lstm_biases": None, "sweep": None, "setting": None}


def _row(run_dir, metrics):
    status = read_status(run_dir)
    if status["state"] == DAMAGED:
        raise UserError(status["reason"])
    config = read_config(run_dir)
    if os.path.exists(os.path.join(run_dir, "checkpoints")) and not os.path.isdir(os.path.join(run_dir, "checkpoints")):
        raise UserError("checkpoints is a file, not a folder")
    if os.path.isfile(os.path.join(run_dir, CONFIG)):
        read_vocab(run_dir)   # a run with checkpoints needs its vocabulary to be loadable
    for name in checkpoints.names_on_disk(run_dir):   # a FIFO or a link out would hang or leak a loader
        path = checkpoints.path(run_dir, name)
        folder = os.path.realpath(os.path.dirname(path))
        if not os.path.isfile(path) or os.path.dirname(os.path.realpath(path)) != folder:
            raise UserError(f"checkpoints/{name}.npz is not a regular file of the run")
    if status["state"] not in ACTIVE_STATES:
        clean_tmp(run_dir)   # leftovers of an interrupted write; nobody writes this run now
    log = metrics.get(run_dir)
    if log.problem:
        raise UserError(log.problem)
    folder = os.path.basename(os.path.normpath(run_dir))
    about = meta.read(run_dir)
    return {
        "run": folder, "path": run_dir, "name": about.get("name") or folder, "note": about.get("note", ""),
        "owner": about.get("owner"), "state": status["state"], "reason": status.get("reason"),
        "epochs": len(checkpoints.epochs(run_dir)), "planned_epochs": config.epochs,
        "best_accuracy": log.best_accuracy(),
        "started_at": status.get("started_at") or status.get("queued_at"), "ended_at": status.get("ended_at"),
        "model": config.model + ("-bi" if config.bidirectional else ""), "hidden": config.hidden_size,
        "lr": config.lr, "batch": config.batch_size, "seed": config.seed,
        "data": config.data_name or ("generator" if config.data == "generator" else os.path.basename(config.data)),
        "data_size": config.data_size, "data_label": data_label(config), "lstm_biases": config.lstm_biases,
        "sweep": about.get("sweep"), "setting": about.get("setting"),
    }


def data_label(config):
    """What a run trained on, with its size: "generator, 20,000" (examples) or "date.txt, 1.3 MB"."""
    if config.data == "generator":
        return f"generator, {config.data_size:,}"
    name = config.data_name or os.path.basename(config.data)
    size = config.data_size_bytes
    return name if size is None else f"{name}, {size / 1e6:.1f} MB" if size >= 100_000 else f"{name}, {size / 1e3:.0f} kB"


def run_dirs(root):
    """The run directories directly under root, in folder order. Hidden folders are not runs: the
    queue's (.queue) and a run being deleted (renamed to .deleted-..., see meta.delete)."""
    try:
        names = sorted(n for n in os.listdir(root) if not n.startswith("."))
    except OSError:
        return []
    return [os.path.join(root, name) for name in names if is_run_dir(os.path.join(root, name))]


def active_runs(root):
    """Run directories under root that are queued or running, with a live process (read now, not cached)."""
    return [run_dir for run_dir in run_dirs(root) if read_status(run_dir)["state"] in ACTIVE_STATES]


class RunIndex:
    """Rows of the runs under some roots, cached by their files' signatures (one per server)."""

    def __init__(self, metrics=None):
        self.metrics = metrics or MetricsCache()
        self._rows = {}   # run_dir -> (signature, row)
        self._lock = threading.Lock()

    def row(self, run_dir):
        signature = _signature(run_dir)
        with self._lock:
            cached = self._rows.get(run_dir)
        if cached and cached[0] == signature and cached[1]["state"] not in ACTIVE_STATES:
            return cached[1]
        row = build_row(run_dir, self.metrics)
        with self._lock:
            self._rows[run_dir] = (signature, row)
        return row

    def rows(self, *roots):
        """Rows of every run directly under the roots (or a root that is itself a run), in folder order."""
        found, seen, scanned = [], set(), set()
        for root in roots:
            candidates = [root] if is_run_dir(root) else run_dirs(root)
            scanned.add(os.path.normpath(root))
            for run_dir in candidates:
                seen.add(run_dir)
                found.append(self.row(run_dir))
        with self._lock:   # forget the runs gone from the roots scanned (a deleted run); keep the others
            for gone in [d for d in self._rows if d not in seen and (os.path.normpath(d) in scanned
                         or os.path.normpath(os.path.dirname(d)) in scanned)]:
                del self._rows[gone]
        return found
