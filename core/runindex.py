"""One row per run for the Runs page, re-read only when one of the run's files changed.

Listing 200 runs used to read every run's whole metrics.jsonl on every refresh. A RunIndex keeps
each row with the sizes and modification times of the files it came from; a refresh stats them and
rebuilds only the rows that changed (and the active ones, whose process may have died).
"""
import os
import threading

from core import runmeta, runs
from core.errors import UserError
from core.metrics import MetricsCache

_WATCHED = ("status.json", "config.json", runs.REQUEST, runmeta.META, "metrics.jsonl", "checkpoints")


def _signature(run_dir):
    stamp = []
    for name in _WATCHED:
        try:
            st = os.stat(os.path.join(run_dir, name))
            stamp.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def is_run_dir(path):
    return os.path.isfile(os.path.join(path, "config.json")) or os.path.isfile(os.path.join(path, runs.REQUEST))


def build_row(run_dir, metrics):
    """A run's row: state, progress, best accuracy, main settings, name, note, owner."""
    folder = os.path.basename(os.path.normpath(run_dir))
    checked = runs.summary(run_dir)   # every run file checked: a damaged run is one "damaged: reason" row
    if checked["state"].startswith("damaged"):
        return {**checked, "name": folder, "note": "", "owner": None, "hidden": None, "lr": None, "batch": None,
                "seed": None, "data_size": None, "lstm_biases": None}
    status = runs.read_status(run_dir)
    config = runs.read_config(run_dir)
    meta = runmeta.read(run_dir)
    return {
        "run": folder, "path": run_dir, "name": meta.get("name") or folder, "note": meta.get("note", ""),
        "owner": meta.get("owner"), "state": status.get("state", "unknown"), "error": status.get("error"),
        "epochs": len(runs.epochs(run_dir)), "planned_epochs": config.epochs,
        "best_accuracy": metrics.get(run_dir).best_accuracy(),
        "started_at": status.get("started_at") or status.get("queued_at"),
        "model": config.model + ("-bi" if config.bidirectional else ""), "hidden": config.hidden_size,
        "lr": config.lr, "batch": config.batch_size, "seed": config.seed,
        "data": config.data_name or ("generator" if config.data == "generator" else os.path.basename(config.data)),
        "data_size": config.data_size, "lstm_biases": config.lstm_biases,
    }


class RunIndex:
    def __init__(self, metrics=None):
        self.metrics = metrics or MetricsCache()
        self._rows = {}   # run_dir -> (signature, row)
        self._lock = threading.Lock()

    def row(self, run_dir):
        signature = _signature(run_dir)
        with self._lock:
            cached = self._rows.get(run_dir)
        if cached and cached[0] == signature and cached[1]["state"] not in runs.ACTIVE_STATES:
            return cached[1]
        try:
            row = build_row(run_dir, self.metrics)
        except UserError:
            return None   # a run being created this instant, or a broken one: not listable
        with self._lock:
            self._rows[run_dir] = (signature, row)
        return row

    def rows(self, *roots):
        """Rows of every run directly under the roots (or a root that is itself a run), in folder order."""
        found, seen = [], set()
        for root in roots:
            if is_run_dir(root):
                candidates = [root]
            elif os.path.isdir(root):
                candidates = [os.path.join(root, name) for name in sorted(os.listdir(root))]
            else:
                candidates = []
            for run_dir in candidates:
                if is_run_dir(run_dir):
                    seen.add(run_dir)
                    row = self.row(run_dir)
                    if row:
                        found.append(row)
        with self._lock:
            for gone in set(self._rows) - seen:
                del self._rows[gone]
        return found
