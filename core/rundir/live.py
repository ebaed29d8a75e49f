"""The live snapshot: the latest weights of a run while it trains, for the Train page's live attention.

The training process overwrites ``live.npz`` in the run directory every few seconds (atomically, like a
checkpoint, but without fsync: it is disposable). The page rebuilds the model from it and translates the
user's probe date itself, so any probe, typed before or during training, works in every tab, and the
training process does no extra decoding. Writing 2.4 MB every 2 s costs training well under 1%.
"""
import os
import time

import numpy as np

from core.errors import UserError
from core.rundir import npz
from core.rundir.files import atomic_write, remove_quietly

FILE = "live.npz"
EVERY_S = 2.0
ITERATION_KEY = "meta.iteration"   # not a parameter: stripped before the arrays reach a model


def path(run_dir):
    return os.path.join(run_dir, FILE)


class LiveWriter:
    """Writes the snapshot at most every ``every_s`` seconds; ``maybe_write`` is called every iteration."""

    def __init__(self, run_dir, every_s=EVERY_S):
        self.run_dir, self.every_s, self.last = run_dir, every_s, 0.0

    def maybe_write(self, iteration, params, force=False):
        now = time.monotonic()
        if force or now - self.last >= self.every_s:
            write(self.run_dir, iteration, params)
            self.last = now

    def remove(self):
        remove(self.run_dir)


def write(run_dir, iteration, params):
    # a float like every array of a checkpoint, so the same header checks read it
    arrays = {**params, ITERATION_KEY: np.array(float(iteration))}
    atomic_write(path(run_dir), lambda f: np.savez(f, **arrays), durable=False)


def remove(run_dir):
    """The run has ended (finished, stopped or failed): its checkpoints hold what is worth keeping."""
    remove_quietly(path(run_dir))


def load_into(params, run_dir):
    """Copy the latest snapshot into a model's params (names and shapes checked before decompressing);
    returns its iteration. UserError when it is missing or damaged."""
    expected = {name: p.shape for name, p in params.items()}
    arrays = npz.load(path(run_dir), {**expected, ITERATION_KEY: ()})
    iteration = arrays.pop(ITERATION_KEY)
    if not np.isfinite(iteration) or iteration < 0:
        raise UserError(f"{FILE} is not a live snapshot")
    npz.assign(params, arrays, path(run_dir))
    return int(iteration)


def mtime(run_dir):
    """Modification time of the snapshot, 0 when there is none (the UI's cache key)."""
    try:
        return os.path.getmtime(path(run_dir))
    except OSError:
        return 0
