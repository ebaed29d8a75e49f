"""A run's task (core.data.tasks.Task), derived once from the data it trained on.

Nothing is written for it: config.json already names the data (the generator, a server file, or an
upload's copy upload.txt inside the run, with its SHA-256). A generator run is a date task at once; a
file run's file is read once per server process (and again only when the config or the file changes):
its kind, its test split's first questions as examples, and every question's answer for the lookup.
A file that is gone or changed since training leaves a task with no answers and says why (`note`).
"""
import os
import threading
from collections import OrderedDict

from core import data
from core.data import server_files, tasks
from core.errors import UserError
from core.rundir.definition import CONFIG, REQUEST, UPLOAD, read_config, read_vocab

_CACHE = OrderedDict()    # (run_dir, config mtime, data path, data mtime, size) -> RunData
_MAX_ENTRIES = 16
_LOCK = threading.Lock()


class RunData:
    """A run's Task, and for file runs its test split (the book's split of the file it trained on)."""

    def __init__(self, task, test_set=None):
        self.task, self.test_set = task, test_set


def data_path(run_dir, config):
    """The file a run trained on: its own upload.txt for an upload (wherever the run folder has moved
    since), else the path config.json names; None for the generator."""
    if config.data == "generator":
        return None
    own = os.path.join(run_dir, UPLOAD)
    if os.path.basename(config.data) == UPLOAD and os.path.isfile(own):
        return own
    return config.data


def run_data(run_dir):
    """The RunData of a run (a queued one: of its request); UserError for a run with no config."""
    config_file = os.path.join(run_dir, CONFIG)
    if not os.path.isfile(config_file):
        config_file = os.path.join(run_dir, REQUEST)
    try:
        config_mtime = os.stat(config_file).st_mtime_ns
    except OSError:
        raise UserError(f"{run_dir} is not a run directory (no config.json)")
    config = read_config(run_dir)
    path = data_path(run_dir, config)
    if path is None:
        return RunData(tasks.DATES)
    try:
        info = os.stat(path)
        key = (run_dir, config_mtime, path, info.st_mtime_ns, info.st_size)
    except OSError:
        key = (run_dir, config_mtime, path, None, None)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    made = _read(run_dir, config, path)
    with _LOCK:
        _CACHE[key] = made
        while len(_CACHE) > _MAX_ENTRIES:
            _CACHE.popitem(last=False)
    return made


def run_task(run_dir):
    return run_data(run_dir).task


def _read(run_dir, config, path):
    shown = config.data_name or os.path.basename(path)
    try:
        raw = server_files.read_bounded(path, shown=shown)
        if config.data_sha256 and server_files.sha256(raw) != config.data_sha256:
            raise UserError(f"the data file {shown} changed since the run trained")
        dataset = data.parse_book_format(raw, shown)
    except UserError as e:
        return RunData(tasks.Task(_kind_from_vocab(run_dir), (), {}, note=str(e)))
    test_set = data.split(dataset)[1] if len(dataset) >= 10 else dataset
    return RunData(tasks.of_dataset(dataset, test_set), test_set)


def _kind_from_vocab(run_dir):
    """Without its data: "dates" when the vocabulary spells the month names, else "text"."""
    try:
        chars = read_vocab(run_dir).chars.lower()
    except UserError:
        return "text"
    return "dates" if set("januaryfebmchpilgstovd") <= set(chars) else "text"
