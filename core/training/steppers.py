"""One training step (forward, backward, clipping, Adam): in this process (SerialStepper) or split
over worker processes (ParallelStepper, data parallelism; core/worker_processes.py says why processes).
Each worker holds a model replica and computes forward + backward on its slice of the batch; the
parent sums the gradients, clips them and runs Adam once, exactly as the serial step does.

    stepper = make_stepper(model, optimizer, config, vocab_size)   # config.workers; 1 = serial
    loss = stepper.step(xs, ts)                                       # the batch's mean loss
    stepper.close()                                                   # also on garbage collection

Parameters and gradients travel through shared memory (multiprocessing.shared_memory), the batch
slices and losses through pipes. The loss is a mean over the batch's target positions, so each slice's
loss and gradients are weighted by its share of those positions: the sum is the whole batch's mean.
No worker outlives the trainer, even one killed by SIGKILL; workers ignore Ctrl-C and SIGTERM (the
terminal and a Stop may reach them too) and let the trainer stop them.
"""
import mmap
import os
import traceback
import weakref
from multiprocessing import shared_memory

import numpy as np

from core.model.optimizer import clip_grads
from core.worker_processes import Workers, default_count, receive, worker_connection


def resolve_workers(config, workers=None):
    """The worker count a step will use: workers (None -> config.workers; 0 -> one per core), never more
    than the rows in a batch."""
    workers = config.workers if workers is None else workers
    return min(workers or default_count(), config.batch_size)


def make_stepper(model, optimizer, config, vocab_size, workers=None, dtype=np.float32):
    """SerialStepper for one worker (today's path), else ParallelStepper (see resolve_workers)."""
    workers = resolve_workers(config, workers)
    if workers <= 1:
        return SerialStepper(model, optimizer, config)
    return ParallelStepper(model, optimizer, config, vocab_size, workers, dtype)


def apply_update(model, optimizer, max_grad):
    clip_grads(model.grads, max_grad)
    optimizer.update(model.params, model.grads)


class SerialStepper:
    """Forward, backward, clipping and Adam in this process: the one training step."""

    workers = 1

    def __init__(self, model, optimizer, config):
        self.model, self.optimizer, self.max_grad = model, optimizer, config.max_grad

    def step(self, xs, ts):
        loss = float(self.model.forward(xs, ts))
        self.model.backward()
        apply_update(self.model, self.optimizer, self.max_grad)
        return loss

    def close(self):
        pass


class SharedArrays:
    """Named arrays laid out one after another in one block of memory, ``copies`` times over: a new
    shared-memory block in the parent, or (``name``) the parent's block mapped into a worker."""

    def __init__(self, like, copies=1, name=None):
        self.layout, size = [], 0
        for key, array in like.items():
            self.layout.append((key, array.shape, array.dtype, size))
            size += array.nbytes
        total = max(size * copies, 1)
        if name is None:
            self.memory = shared_memory.SharedMemory(create=True, size=total)
            buffer = self.memory.buf
        else:
            # A worker maps the block itself rather than through SharedMemory, whose resource tracker
            # (Python 3.11) would unlink the parent's block when the worker exits.
            self.memory = None
            with open(os.path.join("/dev/shm", name), "r+b") as f:
                buffer = self.mapping = mmap.mmap(f.fileno(), total)
        self.copies = [{key: np.ndarray(shape, dtype, buffer, offset + copy * size)
                        for key, shape, dtype, offset in self.layout} for copy in range(copies)]

    @property
    def name(self):
        return self.memory.name

    def close(self):
        """Parent only: release and remove the block."""
        self.copies = None   # drop the views first: a buffer with views cannot be closed
        self.memory.close()
        self.memory.unlink()


def slice_bounds(rows, workers):
    """[0, ..., rows]: where the workers' contiguous slices begin and end; slice k holds as many rows as
    every workers-th row from row k has (sizes differ by one at most, the larger first), as dealt deals."""
    return np.concatenate(([0], np.cumsum([len(range(k, rows, workers)) for k in range(workers)])))


def row_parts(ts, workers, ignore_label):
    """[(start, stop, weight)]: contiguous row slices, weights = share of the target positions counted."""
    bounds = slice_bounds(len(ts), workers)
    counted = [int((ts[a:b, 1:] != ignore_label).sum()) for a, b in zip(bounds, bounds[1:])]
    total = sum(counted)
    return [(a, b, (n / total) if total else (b - a) / len(ts)) for a, b, n in zip(bounds, bounds[1:], counted)]


def dealt(xs, ts, workers):
    """The batch's rows reordered so that worker k's contiguous slice (row_parts, slice_bounds) holds
    rows k, k + workers, k + 2 workers, ... of the batch in sorted order: slices of like work (the
    encoder computes each distinct prefix once, and sorted rows run from much padding to none) whose
    rows still share their prefixes. A batch's gradient does not depend on the order of its rows."""
    order = np.lexsort(xs.T[::-1])
    order = np.concatenate([order[k::workers] for k in range(workers)])
    return xs[order], ts[order]


class ParallelStepper:
    """Workers each holding a model replica; parameters and gradients in shared memory."""

    def __init__(self, model, optimizer, config, vocab_size, workers, dtype=np.float32):
        self.model, self.optimizer, self.max_grad = model, optimizer, config.max_grad
        self.workers = workers
        self.ignore_label = model.softmax.ignore_label
        self.params = SharedArrays(model.params)
        self.grads = SharedArrays(model.grads, copies=workers)
        self.pool = Workers("core.training.steppers", workers)
        for index, connection in enumerate(self.pool.connections):
            connection.send({"config": config.to_json(), "vocab_size": vocab_size, "dtype": np.dtype(dtype).str,
                             "params": self.params.name, "grads": self.grads.name, "workers": workers,
                             "index": index})
        self._finalizer = weakref.finalize(self, shutdown, self.pool, self.params, self.grads)

    def step(self, xs, ts):
        if len(xs) < self.workers:   # a batch too small to share (a tiny data set): this process does it
            return SerialStepper.step(self, xs, ts)
        shared = self.params.copies[0]
        for key, p in self.model.params.items():
            np.copyto(shared[key], p)
        xs, ts = dealt(xs, ts, self.workers)
        parts = row_parts(ts, self.workers, self.ignore_label)
        for connection, (a, b, weight) in zip(self.pool.connections, parts):
            connection.send((xs[a:b], ts[a:b], weight))
        loss = sum(receive(connection, "a training worker") for connection in self.pool.connections)
        copies = self.grads.copies
        for key, g in self.model.grads.items():
            np.add(copies[0][key], copies[1][key], out=g)
            for copy in copies[2:]:
                g += copy[key]
        apply_update(self.model, self.optimizer, self.max_grad)
        return loss

    def close(self):
        self._finalizer()


def shutdown(pool, params, grads):
    pool.close()
    params.close()
    grads.close()


def worker_main(fd):
    """A worker's life: build a replica, then per message copy the shared parameters in, run forward
    and backward on the slice, and write the weighted gradients to this worker's shared copy. Ends at
    end-of-file on its socket: when the trainer closes it or dies."""
    from core.model.registry import build_model
    from core.training.config import TrainConfig  # here, not at the top: only workers build replicas
    connection = worker_connection(fd, ignore_sigterm=True)
    try:
        setup = connection.recv()
    except (EOFError, OSError):
        return
    model = build_model(TrainConfig.from_json(setup["config"]), setup["vocab_size"], dtype=np.dtype(setup["dtype"]))
    shared_params = SharedArrays(model.params, name=setup["params"])   # kept: the views need the mapping
    shared_grads = SharedArrays(model.grads, copies=setup["workers"], name=setup["grads"])
    params, grads = shared_params.copies[0], shared_grads.copies[setup["index"]]
    while True:
        try:
            xs, ts, weight = connection.recv()
        except (EOFError, OSError):
            return
        try:
            for key, p in model.params.items():
                np.copyto(p, params[key])
            loss = float(model.forward(xs, ts)) * weight
            model.backward(weight)   # scales every gradient by the slice's share, at the source
            for key, g in model.grads.items():
                np.copyto(grads[key], g)
            reply = ("loss", loss)
        except Exception:
            reply = ("error", traceback.format_exc())
        try:
            connection.send(reply)
        except OSError:
            return
