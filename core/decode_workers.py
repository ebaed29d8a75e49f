"""Greedy decoding of many examples on every core: worker processes each decode whole chunks.

Why processes: as in training (core/parallel.py), the matrix products use both cores but the
element-wise work runs on one, and threads share one interpreter lock. Each worker is a fresh
interpreter with one BLAS thread; it receives the model's parameters once, then chunks of rows to
decode with core.inference, and sends back ids, attention and probabilities. Chunks go to whichever
worker is free, so progress is reported chunk by chunk and a slow worker holds no one up.

    ids, attention, probabilities = generate(params, xs, start_id, length, on_progress, workers)

A worker ends when its socket closes: when generate returns, fails, or is interrupted (Streamlit
stops a script by raising an exception from inside on_progress), generate kills its workers before
the exception goes on, so a cancelled decoding leaves no process behind.
"""
import os
import signal
import socket
import subprocess
import sys
import traceback
from multiprocessing.connection import Connection, wait

import numpy as np

from core import inference
from core.parallel import PROJECT_ROOT, THREAD_VARIABLES, default_workers

# Rows per chunk: big enough for the encoder's shared prefixes (the more rows, the more they share),
# small enough for progress every few percent of the book's 50,000 lines. Fewer than two chunks stay in
# this process: there is nothing to share, and a worker takes about 0.2 s to start.
CHUNK = 2500


def generate(params, xs, start_id, length, on_progress=None, workers=None, chunk=CHUNK):
    """ids (N, length), attention (N, length, S), probabilities (N, length); on_progress(done, total)
    after each chunk. workers: None or 0 for one per core, 1 to decode in this process."""
    # Rows in sorted order, so that rows sharing a prefix share a chunk: the encoder computes each
    # distinct prefix once per chunk (on the book's 50,000 lines 306,000 row-steps instead of 509,000).
    order = np.lexsort(xs.T[::-1])
    xs = xs[order]
    workers = min(workers or default_workers(), -(-len(xs) // chunk))
    chunks = [(a, min(a + chunk, len(xs))) for a in range(0, len(xs), chunk)]
    if workers <= 1 or len(xs) < 2 * chunk:
        parts = []
        for a, b in chunks:
            parts.append(inference.generate(params, xs[a:b], start_id, length))
            if on_progress:
                on_progress(b, len(xs))
    else:
        parts = _generate_in_workers(params, xs, start_id, length, on_progress, workers, chunks)
    in_given_order = np.empty_like(order)
    in_given_order[order] = np.arange(len(order))
    return tuple(np.concatenate(p)[in_given_order] for p in zip(*parts))


def _generate_in_workers(params, xs, start_id, length, on_progress, workers, chunks):
    """[(ids, attention, probabilities)] per chunk, each decoded by the first worker free."""
    processes, connections = _start(params, workers)
    try:
        results, todo, busy = {}, list(reversed(chunks)), {}
        for connection in connections:
            if todo:
                busy[connection] = todo.pop()
                connection.send((xs[slice(*busy[connection])], start_id, length))
        while busy:
            for connection in wait(list(busy)):
                results[busy.pop(connection)] = _receive(connection)
                if todo:
                    busy[connection] = todo.pop()
                    connection.send((xs[slice(*busy[connection])], start_id, length))
                if on_progress:
                    on_progress(sum(b - a for a, b in results), len(xs))
        return [results[c] for c in chunks]
    finally:
        _stop(processes, connections)


def _start(params, workers):
    env = {**os.environ, **{k: "1" for k in THREAD_VARIABLES},
           "PYTHONPATH": os.pathsep.join(filter(None, (PROJECT_ROOT, os.environ.get("PYTHONPATH"))))}
    processes, connections = [], []
    for _ in range(workers):
        ours, theirs = socket.socketpair()
        processes.append(subprocess.Popen(
            [sys.executable, "-c", f"from core.decode_workers import worker_main; worker_main({theirs.fileno()})"],
            pass_fds=(theirs.fileno(),), env=env, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL))
        theirs.close()   # only the worker holds its end: it sees end-of-file when this process dies
        connection = Connection(ours.detach())
        connection.send(params)
        connections.append(connection)
    return processes, connections


def _receive(connection):
    try:
        kind, value = connection.recv()
    except EOFError:
        raise RuntimeError("a decoding worker process ended unexpectedly") from None
    if kind == "error":
        raise RuntimeError(f"a decoding worker failed:\n{value}")
    return value


def _stop(processes, connections):
    for connection in connections:
        connection.close()
    for process in processes:
        process.kill()   # idle after a normal end, mid-chunk after a cancel: either way nothing to keep
        process.wait()


def worker_main(fd):
    """A worker's life: receive the parameters, then decode each chunk sent until end-of-file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the whole group: the parent decides
    connection = Connection(fd)
    try:
        params = connection.recv()
        while True:
            xs, start_id, length = connection.recv()
            try:
                reply = ("result", inference.generate(params, xs, start_id, length))
            except Exception:
                reply = ("error", traceback.format_exc())
            connection.send(reply)
    except (EOFError, OSError):
        return
