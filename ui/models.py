"""Models on the server: each checkpoint loaded once and shared by every session (ui/shared.py), and
translations through them (core.decoding.translation underneath)."""
import os
import threading

from core import rundir
from core.data import tasks
from core.decoding import translation
from core.errors import UserError
from core.model.registry import build_model
from core.rundir import checkpoints, live
from core.rundir.task import run_task
from ui.shared import SharedCache

# The model keeps per-call state (LSTM buffers), and Streamlit runs sessions in threads: each entry
# carries a lock that lets one translation at a time use it. The mtime in the key reloads a replaced file.
_MODELS = SharedCache(max_entries=32)
_LIVE_MODELS = SharedCache(max_entries=4)


def _loaded(run_dir, checkpoint, mtime):
    """(model, vocab, config, lock) for one checkpoint."""
    def make():
        model, vocab, config, _ = rundir.load_model(run_dir, checkpoint)
        return model, vocab, config, threading.Lock()
    return _MODELS.get_or_make((run_dir, checkpoint, mtime), make)


def checkpoint_mtime(run_dir, checkpoint):
    path = checkpoints.path(run_dir, checkpoint)
    return os.path.getmtime(path) if os.path.exists(path) else 0


def load(run_dir, checkpoint):
    return _loaded(run_dir, checkpoint, checkpoint_mtime(run_dir, checkpoint))


def _live_model(run_dir, mtime):
    """(model, vocab, config, iteration, lock) from a training run's live snapshot (core.rundir.live)."""
    def make():
        config, vocab = rundir.read_config(run_dir), rundir.read_vocab(run_dir)
        model = build_model(config, len(vocab.chars))
        iteration = live.load_into(model.params, run_dir)
        return model, vocab, config, iteration, threading.Lock()
    return _LIVE_MODELS.get_or_make((run_dir, mtime), make)


def task(run_dir):
    """The run's task (core/rundir/task.py: read once per server from the data it trained on); the date
    task for a run whose config cannot be read (its pages say why elsewhere)."""
    try:
        return run_task(run_dir)
    except UserError:
        return tasks.DATES


def translate_live(run_dir, text):
    """(Translation, iteration) from the run's latest live snapshot, or None when it has none."""
    mtime = live.mtime(run_dir)
    if not mtime:
        return None
    model, vocab, config, iteration, lock = _live_model(run_dir, mtime)
    known = task(run_dir)   # read before taking the lock: the first read of a big file takes a moment
    with lock:
        return translation.translate(model, vocab, config, text, known), iteration


def translate(run_dir, checkpoint, text):
    """core.decoding.translation.translate through the cached model; UserError for bad text or checkpoint."""
    model, vocab, config, lock = load(run_dir, checkpoint)
    known = task(run_dir)
    with lock:
        return translation.translate(model, vocab, config, text, known)


def translate_many(run_dir, checkpoint, texts):
    """translation.translate_many through the cached model: per text a Translation or a UserError."""
    model, vocab, config, lock = load(run_dir, checkpoint)
    known = task(run_dir)
    with lock:
        return translation.translate_many(model, vocab, config, texts, known)


def vocab(run_dir, checkpoint):
    """The checkpoint's vocabulary (loaded with its cached model); raises UserError for a bad run."""
    return load(run_dir, checkpoint)[1]
