"""metrics.jsonl: a run's records, appended a line at a time by training, read incrementally.

Each line is one JSON object with a "type":
    loss        iteration (int), epoch (int), loss (float: the mean over the iterations since the
                last loss record), train_time (float, seconds of training steps so far), wall_time
    checkpoint  a checkpoint inside training: iteration, epoch, loss (recent mean), test_accuracy and
                alignment (on the first test_examples test examples only), train_time, test_examples,
                test_size (the whole test split's), checkpoint (its name, "iter_0000400"), wall_time;
                stop: true on the one a Stop or a cap saved where training ended
    epoch       the end of an epoch: epoch, iteration, test_accuracy and alignment on the whole test
                split (alignment None for data without date labels), train_time, epoch_time,
                eval_time, checkpoint ("epoch_003"), wall_time
wall_time (float) is the wall clock since training began, checkpoints and evaluation included (written
since 2026-12-02; older runs lack it): what an ETA must predict.
The training loop (core/training/loop.py) is the only writer (append_metric). read_since is the only
reader: it parses the complete lines from a byte offset on, leaves a half-written last line for the
next call and skips a line that is not a record of the right shape (types checked by record_ok).

A page that re-read the whole file every 1.5 s paid for the whole run each time (2.3 s for 500,000
records); a MetricsLog remembers its byte offset and keeps the loss series in growing NumPy arrays, so
a refresh costs what was appended. A run's "best accuracy" everywhere is MetricsLog.best_accuracy:
the best epoch record, scored on the whole test split (checkpoint records score a subset).
"""
import json
import os
import threading
from collections import OrderedDict
from stat import S_ISREG

import numpy as np

from core.errors import UserError
from core.rundir.files import read_bounded

METRICS = "metrics.jsonl"
MAX_BYTES = 256 << 20   # about two million records; the demo's file is 0.1 MB, a 500,000-record run 40 MB
_NUMBERS = ("loss", "test_accuracy", "train_time", "epoch_time", "eval_time", "wall_time")


def append_metric(run_dir, record):
    with open(os.path.join(run_dir, METRICS), "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()


def record_ok(record):
    """A record pages can use: an object whose known fields have the right types."""
    if not isinstance(record, dict) or not isinstance(record.get("type", ""), str):
        return False
    for name in ("epoch", "iteration"):
        if name in record and (isinstance(record[name], bool) or not isinstance(record[name], int)):
            return False
    for name in _NUMBERS + ("alignment",):
        value = record.get(name)
        if value is None and (name == "alignment" or name not in record):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
    return True


def read_since(run_dir, offset):
    """-> (records, new_offset): the usable records of the complete lines from byte offset on.

    No file yet reads as no records; a file that is not a regular one, or larger than MAX_BYTES, is a
    UserError (the run lists as damaged), never a hang or a page out of memory.
    """
    path = os.path.join(run_dir, METRICS)
    if not os.path.lexists(path):
        return [], 0
    chunk = read_bounded(path, max(MAX_BYTES - offset, 0), offset=offset)
    end = chunk.rfind(b"\n") + 1
    lines = [line for line in chunk[:end].split(b"\n") if line.strip()]
    try:   # all lines in one parse: one C call instead of one per line (a long run reads much faster)
        records = json.loads(b"[" + b",".join(lines) + b"]")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        records = [_parsed(line) for line in lines]   # a damaged line somewhere: skip just that one
    return [r for r in records if record_ok(r)], offset + end


def _parsed(line):
    try:
        return json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None


def read_metrics(run_dir):
    """Every usable record of the file, in order (for scripts and tests; pages use a MetricsLog)."""
    return read_since(run_dir, 0)[0]


class _Column:
    """A float64 array that grows by doubling, so appending n values costs O(n) overall."""

    def __init__(self):
        self._data, self._size = np.empty(1024), 0

    def extend(self, values):
        values = np.asarray(values, dtype=np.float64)
        need = self._size + len(values)
        if need > len(self._data):
            grown = np.empty(max(need, 2 * len(self._data)))
            grown[:self._size] = self._data[:self._size]
            self._data = grown
        self._data[self._size:need] = values
        self._size = need

    @property
    def values(self):
        return self._data[:self._size]   # a view: callers must not write into it


class MetricsLog:
    """Everything metrics.jsonl holds so far, brought up to date by update().

    loss: arrays iteration, loss, train_time, wall_time (one entry per loss record; NaN where unknown);
    epochs: the epoch records (dicts), in order; other: any other record type (checkpoint records...).
    """

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self._lock = threading.Lock()
        self._reset()

    def _reset(self):
        self.offset, self._inode = 0, None
        self._iteration, self._loss, self._train_time, self._wall = _Column(), _Column(), _Column(), _Column()
        self.epochs, self.other = [], []
        self.problem = None   # why the file could not be read, when it could not

    def update(self):
        """Parse what was appended since the last call; a replaced or truncated file is read anew.
        A file that cannot be read leaves the log empty with the reason in self.problem."""
        with self._lock:
            try:
                stat = os.stat(os.path.join(self.run_dir, METRICS))
            except (FileNotFoundError, NotADirectoryError):
                self._reset()
                return self
            if not S_ISREG(stat.st_mode):   # a FIFO would block a reader, a device never end
                self._reset()
                self.problem = f"{METRICS} is not a regular file"
                return self
            if stat.st_ino != self._inode or stat.st_size < self.offset:
                self._reset()
                self._inode = stat.st_ino
            if stat.st_size == self.offset and not self.problem:
                return self
            try:
                records, self.offset = read_since(self.run_dir, self.offset)
            except UserError as e:
                self._reset()
                self._inode, self.problem = stat.st_ino, str(e)
                return self
            self._add(records)
        return self

    def _add(self, records):
        iterations, losses, times, walls = [], [], [], []
        for r in records:
            kind = r.get("type")
            if kind == "loss":
                try:
                    row = float(r["iteration"]), float(r["loss"]), float(r.get("train_time", np.nan))
                except (KeyError, TypeError, ValueError):
                    continue   # a damaged record is skipped, not fatal
                iterations.append(row[0])
                losses.append(row[1])
                times.append(row[2])
                walls.append(float(r.get("wall_time", np.nan)))
            elif kind == "epoch":
                self.epochs.append(r)
            else:
                self.other.append(r)
        if losses:
            self._iteration.extend(iterations)
            self._loss.extend(losses)
            self._train_time.extend(times)
            self._wall.extend(walls)

    @property
    def iteration(self):
        return self._iteration.values

    @property
    def loss(self):
        return self._loss.values

    @property
    def train_time(self):
        return self._train_time.values

    @property
    def wall_time(self):
        return self._wall.values

    def best_accuracy(self):
        scores = [r["test_accuracy"] for r in self.epochs if isinstance(r.get("test_accuracy"), (int, float))]
        return max(scores) if scores else None


class MetricsCache:
    """The MetricsLog of the most recently used runs (least recently used dropped beyond max_runs).

    One per server (the UI keeps it in st.cache_resource), so several tabs watching one run parse
    each appended line once between them.
    """

    def __init__(self, max_runs=64):
        self.max_runs = max_runs
        self._logs = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run_dir):
        key = os.path.abspath(run_dir)
        with self._lock:
            log = self._logs.pop(key, None) or MetricsLog(key)
            self._logs[key] = log
            while len(self._logs) > self.max_runs:
                self._logs.popitem(last=False)
        return log.update()


def eta_seconds(log, status, planned_checkpoints=(), window_s=15.0):
    """Seconds of wall clock left for a running run, at its latest loss record; None when it cannot tell yet.

    What a wait is made of: iterations, plus a checkpoint's scoring and saving where the schedule puts
    one, plus each epoch's evaluation on the whole test split. Each is measured by the wall clock
    (wall_time): the iterations' rate over the last window_s seconds, from the stretches between loss
    records that held no checkpoint or epoch end; a checkpoint's and an epoch end's cost from the jump
    they caused. The schedule's checkpoints are dense early (geometric spacing), so a single overall
    rate, or one taken over a stretch with checkpoints in it, mispredicts the rest of the run. Runs
    written before wall_time existed get the older estimate from training time (_eta_from_train_time).
    planned_checkpoints: the iterations the run saves checkpoints at inside training
    (core.training.schedule.planned_checkpoints).
    """
    total = status.get("total_iters")
    iterations, walls = log.iteration, getattr(log, "wall_time", None)
    if not total or len(iterations) < 2:
        return None
    if walls is None or np.isnan(walls[-1]):
        return _eta_from_train_time(log, status)
    events = _timed_events(log)
    rate = _iteration_rate(iterations, walls, [e for e, _, _ in events], window_s)
    if rate is None:   # no stretch without a checkpoint yet (the schedule is densest at the start)
        return _eta_from_train_time(log, status)
    costs = {"checkpoint": [], "epoch": []}
    for iteration, kind, wall in events:   # each event's own cost: its jump beyond the iterations' time
        k = int(np.searchsorted(iterations, iteration, side="right")) - 1
        since_it, since_wall = (iterations[k], walls[k]) if k >= 0 else (0.0, 0.0)
        earlier = [(e, w) for e, _, w in events if since_it <= e < iteration or (e == iteration and w < wall)]
        if earlier:   # another event since that record: count from it
            since_it, since_wall = max(earlier, key=lambda ew: ew[1])
        costs[kind].append(max(wall - since_wall - rate * (iteration - since_it), 0.0))
    done = iterations[-1]
    recorded = {e for e, kind, _ in events if kind == "checkpoint"}
    ahead = [p for p in planned_checkpoints if p >= done and p not in recorded and p < total]
    checkpoint_cost = float(np.mean(costs["checkpoint"])) if costs["checkpoint"] else 0.0
    if costs["epoch"]:
        epoch_cost = float(np.mean(costs["epoch"]))
    else:   # before the first epoch's end: a checkpoint's scoring, scaled from its subset to the whole split
        scale = _subset_scale(log)
        epoch_cost = checkpoint_cost * scale if scale else 0.0
    iters_per_epoch = status.get("iters_per_epoch")
    epochs_left = int(np.ceil(total / iters_per_epoch)) - len(log.epochs) if iters_per_epoch else 0
    return float(max(total - done, 0) * rate + len(ahead) * checkpoint_cost + max(epochs_left, 0) * epoch_cost)


def _timed_events(log):
    """[(iteration, "checkpoint" | "epoch", wall_time)] of the records that carry a wall time, in order."""
    found = [(r["iteration"], "checkpoint", r["wall_time"]) for r in getattr(log, "other", ())
             if r.get("type") == "checkpoint" and isinstance(r.get("wall_time"), (int, float))
             and isinstance(r.get("iteration"), int)]
    found += [(r["iteration"], "epoch", r["wall_time"]) for r in log.epochs
              if isinstance(r.get("wall_time"), (int, float)) and isinstance(r.get("iteration"), int)]
    return sorted(found, key=lambda event: event[2])


def _iteration_rate(iterations, walls, event_iterations, window_s):
    """Seconds per iteration over the recent stretches between loss records that held no event."""
    starts, ends = iterations[:-1], iterations[1:]
    clean = np.ones(len(starts), dtype=bool)
    for e in event_iterations:
        k = int(np.searchsorted(iterations, e, side="right")) - 1   # the stretch starts[k] <= e < ends[k]
        if 0 <= k < len(clean):
            clean[k] = False
    steps, seconds = np.diff(iterations), np.diff(walls)
    usable = clean & (steps > 0) & np.isfinite(seconds)
    recent = usable & (walls[1:] >= walls[-1] - window_s)
    chosen = recent if recent.any() else usable
    if not chosen.any() or not seconds[chosen].sum() > 0:
        return None
    return float(seconds[chosen].sum() / steps[chosen].sum())


def _subset_scale(log):
    """The whole test split's size over a checkpoint's scored subset (test_size / test_examples), or None."""
    for r in getattr(log, "other", ()):
        if r.get("type") == "checkpoint" and isinstance(r.get("test_size"), int) and r.get("test_examples"):
            return r["test_size"] / r["test_examples"]
    return None


def _eta_from_train_time(log, status, window_s=20.0):
    """The estimate for runs without wall_time: the recent rate of training time per iteration, plus the
    epochs' evaluation; the checkpoints' cost is unknown to it."""
    total, iters_per_epoch = status.get("total_iters"), status.get("iters_per_epoch")
    iterations, times = log.iteration, log.train_time
    if np.isnan(times[-1]):
        return None
    recent = min(int(np.searchsorted(times, times[-1] - window_s)), len(iterations) - 2)
    steps, seconds = iterations[-1] - iterations[recent], times[-1] - times[recent]
    if steps <= 0 or not seconds > 0:
        return None
    eta = max(total - iterations[-1], 0) * seconds / steps
    eval_times = [r["eval_time"] for r in log.epochs if isinstance(r.get("eval_time"), (int, float))]
    if eval_times and iters_per_epoch:
        epochs_left = int(np.ceil(total / iters_per_epoch)) - len(log.epochs)
        eta += max(epochs_left, 0) * float(np.mean(eval_times))
    return float(eta)
