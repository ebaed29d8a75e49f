"""Greedy decoding of many examples on every core: worker processes each decode whole chunks.

Each worker (core/worker_processes.py: a fresh interpreter with one BLAS thread) receives the model's
parameters once, then chunks of rows to decode with core.decoding.inference, and sends back ids,
attention and probabilities. Chunks go to whichever worker is free, so progress is reported chunk by
chunk and a slow worker holds no one up.

    ids, attention, probabilities = generate(params, xs, start_id, length, on_progress, workers)

The workers are kept between calls (starting one takes about 0.3 s, as long as decoding 1,000 rows),
idle and ready for the next evaluation of this process: the Errors page's next checkpoint, the trainer's
next epoch. Each call sends the parameters it decodes with. One call uses the kept workers at a time;
a call arriving meanwhile (another visitor's page) starts its own and stops them after. A worker ends
when its socket closes, so none outlives this process. When a call fails or is interrupted (Streamlit
stops a script by raising an exception from inside on_progress), its workers are killed before the
exception goes on: a cancelled decoding leaves no process behind and no stale result in a pipe.
"""
import os
import threading
import traceback
from multiprocessing.connection import wait

import numpy as np

from core.decoding import inference
from core.worker_processes import Workers, default_count, receive, worker_connection

# Rows per chunk. Rows are decoded in sorted order, so a chunk loses little of the encoder's sharing
# by being small, and small chunks keep both workers busy to the end: 5,000 rows of the book's file
# decode in 0.97 s in chunks of 500, 1.23 s in chunks of 2,500. Fewer than two chunks stay in this
# process: there is nothing to share out.
CHUNK = 500
NICENESS = 5


def generate(params, xs, start_id, length, on_progress=None, workers=None, chunk=CHUNK):
    """ids (N, length), attention (N, length, S), probabilities (N, length); on_progress(done, total)
    after each chunk. workers: None or 0 for one per core, 1 to decode in this process."""
    # Distinct rows in sorted order. Rows sharing a prefix share a chunk, where the encoder computes
    # each distinct prefix once: for the book's 50,000 lines 308,000 encoder row-steps, against 616,000
    # in chunks of the file's order and 1,450,000 row by row. And a row that repeats an earlier one is
    # decoded once: the book's file has 41,578 distinct questions, so the decoder does 17% less.
    order = np.lexsort(xs.T[::-1])
    ordered = xs[order]
    first = np.ones(len(xs), dtype=bool)
    first[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    distinct = ordered[first]
    workers = min(workers or default_count(), -(-len(distinct) // chunk))
    chunks = [(a, min(a + chunk, len(distinct))) for a in range(0, len(distinct), chunk)]
    # progress in rows of the caller's xs, which is what a progress bar counts
    report = on_progress and (lambda done, total: on_progress(round(done * len(xs) / total), len(xs)))
    if workers <= 1 or len(distinct) < 2 * chunk:
        parts = []
        for a, b in chunks:
            parts.append(inference.generate(params, distinct[a:b], start_id, length))
            if report:
                report(b, len(distinct))
    else:
        parts = _generate_in_workers(params, distinct, start_id, length, report, workers, chunks)
    row_of = np.empty(len(xs), dtype=np.int64)   # each given row's place among the distinct rows
    row_of[order] = np.cumsum(first) - 1
    return tuple(np.concatenate(p)[row_of] for p in zip(*parts))


_kept = None                     # the Workers kept between calls
_kept_lock = threading.Lock()    # held by the call using them


def _generate_in_workers(params, xs, start_id, length, on_progress, workers, chunks):
    """[(ids, attention, probabilities)] per chunk, each decoded by the first worker free."""
    global _kept
    if not _kept_lock.acquire(blocking=False):   # another call has the kept workers: use our own
        own = Workers(__name__, workers)
        try:
            return _decode_chunks(own, params, xs, start_id, length, on_progress, chunks)
        finally:
            own.kill()
    try:
        if _kept is None or not _kept.alive(workers):
            if _kept is not None:
                _kept.kill()
            _kept = Workers(__name__, workers)
        try:
            return _decode_chunks(_kept, params, xs, start_id, length, on_progress, chunks)
        except BaseException:   # a cancel or a failure mid-chunk: results may still be on their way
            _kept.kill()
            _kept = None
            raise
    finally:
        _kept_lock.release()


def _decode_chunks(pool, params, xs, start_id, length, on_progress, chunks):
    for connection in pool.connections:
        connection.send(("params", params))
    results, todo, busy = {}, list(reversed(chunks)), {}

    def give(connection):
        busy[connection] = todo.pop()
        connection.send(("decode", xs[slice(*busy[connection])], start_id, length))

    for connection in pool.connections:
        if todo:
            give(connection)
    while busy:
        for connection in wait(list(busy)):
            results[busy.pop(connection)] = receive(connection, "a decoding worker")
            if todo:
                give(connection)
            if on_progress:
                on_progress(sum(b - a for a, b in results), len(xs))
    return [results[c] for c in chunks]


def worker_main(fd):
    """A worker's life: keep the parameters it is sent, decode each chunk with the latest, until
    end-of-file."""
    connection = worker_connection(fd)
    os.nice(NICENESS)   # long evaluations yield the cores to the web server's interactive work
    params = None
    try:
        while True:
            message = connection.recv()
            if message[0] == "params":
                params = message[1]
                continue
            _, xs, start_id, length = message
            try:
                reply = ("result", inference.generate(params, xs, start_id, length))
            except Exception:
                reply = ("error", traceback.format_exc())
            connection.send(reply)
    except (EOFError, OSError):
        return
