"""Worker processes, shared by training (core/training/steppers.py) and decoding
(core/decoding/worker_pool.py): fresh Python interpreters with one BLAS thread each, each talking to
its parent over its own socket.

Why processes: NumPy's matrix products already use both cores, but the LSTM's element-wise work runs
on one, and Python threads share one interpreter lock. Plain subprocesses, not multiprocessing's: no
re-import of the caller's main script, and a fresh interpreter's BLAS reads the one-thread setting
when it starts. Only the worker holds its end of the socket, so it sees end-of-file, and returns,
when its parent closes the connection or dies, even by SIGKILL: no worker outlives its parent.

    pool = Workers("core.decoding.worker_pool", count)   # runs worker_main(fd) of that module
    pool.connections[0].send(message); reply = receive(pool.connections[0], "a decoding worker")
    pool.close()   # or pool.kill() when a call was interrupted mid-message
A worker's reply is (kind, value); kind "error" carries its traceback as text.
"""
import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

from core import PROJECT_ROOT

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_count():
    """One worker per core."""
    return os.cpu_count() or 1


class Workers:
    """count processes running ``module.worker_main(fd)``, and a Connection to each."""

    def __init__(self, module, count):
        env = {**os.environ, **{k: "1" for k in THREAD_VARIABLES},
               "PYTHONPATH": os.pathsep.join(filter(None, (PROJECT_ROOT, os.environ.get("PYTHONPATH"))))}
        self.processes, self.connections = [], []
        try:
            for _ in range(count):
                ours, theirs = socket.socketpair()
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-c", f"from {module} import worker_main; worker_main({theirs.fileno()})"],
                    pass_fds=(theirs.fileno(),), env=env, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL))
                theirs.close()   # only the worker holds its end: it sees end-of-file when this process dies
                self.connections.append(Connection(ours.detach()))
        except BaseException:
            self.kill()
            raise

    def alive(self, count):
        return len(self.processes) == count and all(p.poll() is None for p in self.processes)

    def close(self, timeout=5):
        """End-of-file to every worker, then wait for them (killed after timeout seconds)."""
        for connection in self.connections:
            connection.close()
        for process in self.processes:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def kill(self):
        """Kill every worker now (a cancel mid-message: nothing they hold is worth waiting for)."""
        for connection in self.connections:
            connection.close()
        for process in self.processes:
            process.kill()
            process.wait()


def receive(connection, who):
    """A worker's reply value; RuntimeError when it failed (with its traceback) or ended."""
    try:
        kind, value = connection.recv()
    except EOFError:
        raise RuntimeError(f"{who} process ended unexpectedly") from None
    if kind == "error":
        raise RuntimeError(f"{who} failed:\n{value}")
    return value


def worker_connection(fd, ignore_sigterm=False):
    """In a worker: its Connection to the parent. Ctrl-C reaches the whole process group (and a Stop's
    SIGTERM may too, for a trainer's workers): the parent decides when its workers end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return Connection(fd)
