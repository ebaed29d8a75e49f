"""The training loop: train(config, run_dir, should_stop) fills a run directory (core/rundir).

Used by the `python -m core.train` command (core/train.py), which is also how the dashboard's queue
trains (run_queue). SIGTERM or SIGINT, turned into should_stop by the command, ends the run after the
current iteration: finished epochs stay, status says "stopped".
"""
import collections
import os
import sys
import time
import traceback

import numpy as np

from core import data, rundir
from core.data import dates, server_files
from core.decoding import alignment, greedy
from core.errors import UserError
from core.model.optimizer import Adam
from core.model.registry import build_model
from core.rundir import checkpoints, live
from core.training import steppers
from core.training.schedule import planned_checkpoints

STATUS_EVERY_S = 0.5   # how often status.json is refreshed during an epoch


def prepare_data(config):
    """-> (train Dataset, test Dataset, Vocab) for a config's data source, with the book's split."""
    if config.data == "generator":
        dataset = data.generated(config.data_size, config.data_seed)
        vocab = data.Vocab(dates.alphabet(), dates.INPUT_WIDTH, dates.ANSWER_LENGTH)
    else:
        raw = server_files.read_bounded(config.data, shown=config.data_name or config.data)
        if config.data_sha256 and server_files.sha256(raw) != config.data_sha256:
            raise UserError(f"the data file changed since the run was set up (its SHA-256 differs): "
                            f"{config.data_name or config.data}")
        dataset = data.parse_book_format(raw, config.data_name or str(config.data))
        vocab = data.Vocab.for_dataset(dataset)
    if len(dataset) < 10:
        raise UserError(f"the data has {len(dataset)} examples; training needs at least 10")
    train_set, test_set = data.split(dataset)
    return train_set, test_set, vocab


def encode(dataset, vocab, config):
    return vocab.encode_questions(dataset.questions, config.reverse_input), vocab.encode_answers(dataset.answers)


def train(config, run_dir, should_stop=lambda: False, on_progress=None):
    """Train and record everything in run_dir; returns the final status dict.

    Any failure, bad data included, ends as state "failed" with its error text in status.json.
    """
    os.makedirs(run_dir, exist_ok=True)
    rundir.clean_tmp(run_dir)   # leftovers of an earlier process killed mid-write
    try:
        train_set, test_set, vocab = prepare_data(config)
        rundir.create(run_dir, config, vocab)
        return _train(config, run_dir, vocab, train_set, test_set, should_stop, on_progress)
    except BaseException as e:
        record_failure(run_dir, e)
        raise


class TrainingFailed(UserError):
    """Training cannot go on (a non-finite loss): the run ends as failed with this reason."""


def check_loss(loss, iteration):
    """Called by the training loop after every train_step: a NaN or infinite loss ends the run.

    Without it a run with --lr nan (or one that diverges) trains on to "finished" with NaN weights.
    """
    if not np.isfinite(loss):
        raise TrainingFailed(f"the loss became {loss} at iteration {iteration}; try a smaller learning rate")


def record_failure(run_dir, e):
    """Write state "failed" with the error's one line; a full disk gets "disk full" and no .tmp file.

    Best effort: when even the status cannot be written (the disk is still full), the run reads as
    ended without saying so, which the dashboard shows as failed ("killed?").
    """
    live.remove(run_dir)   # a failed run's last weights are not a view to offer
    if server_files.is_disk_full(e):
        rundir.clean_tmp(run_dir)   # frees the half-written checkpoint, which also makes room for the status
    try:
        rundir.write_status(run_dir, state="failed", reason=error_text(e), ended_at=time.time(),
                            traceback=traceback.format_exc())
    except OSError:
        rundir.clean_tmp(run_dir)


def error_text(e):
    """The one line status.json shows: a UserError's own message, otherwise the exception's type too."""
    if server_files.is_disk_full(e):
        return "disk full"
    return str(e) if isinstance(e, UserError) else f"{type(e).__name__}: {e}"


def _train(config, run_dir, vocab, train_set, test_set, should_stop, on_progress):
    x_train, t_train = encode(train_set, vocab, config)
    x_test, t_test = encode(test_set, vocab, config)
    rng = np.random.default_rng(config.seed)
    model = build_model(config, len(vocab.chars), dtype=np.float32, rng=rng)
    optimizer = Adam(config.lr)
    stepper = steppers.make_stepper(model, optimizer, config, len(vocab.chars))   # workers end with it
    batch = min(config.batch_size, len(x_train))
    iters_per_epoch = len(x_train) // batch
    total_iters = iters_per_epoch * config.epochs
    inside = set(planned_checkpoints(config, iters_per_epoch, total_iters))
    probe = TestProbe(model, x_test, t_test, test_set, config)
    caps = RunCaps(config, model.params)
    snapshot = live.LiveWriter(run_dir)
    rundir.write_status(run_dir, state="running", iters_per_epoch=iters_per_epoch, total_iters=total_iters,
                      epochs=config.epochs)
    train_time, iteration, last_status = 0.0, 0, 0.0
    clock = WallClock()   # wall_time on every record: what an ETA must predict (checkpoints, evaluation...)
    saved_at = 0   # the iteration of the latest checkpoint written (0: the initial weights, or none)
    recent_losses = collections.deque(maxlen=config.loss_every)
    if 0 in inside and caps.room_for_checkpoint():   # the initial weights: attention before any learning
        recent_losses.append(float(model.forward(x_train[:batch], t_train[:batch])))
        save_inside_epoch(run_dir, model, probe, 0, 1, recent_losses, train_time, clock)
        caps.spend()
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(len(x_train))
        loss_sum, loss_count = 0.0, 0
        epoch_start = time.perf_counter()
        for step in range(iters_per_epoch):
            stopping = should_stop()
            reason = None if stopping else caps.time_reached()
            if stopping or reason:
                # the weights being watched are kept: a checkpoint at the stop point, the run's default
                if iteration > saved_at and caps.room_for_checkpoint():
                    save_inside_epoch(run_dir, model, probe, iteration, epoch, recent_losses, train_time, clock,
                                      stop=True)
                snapshot.remove()
                return rundir.write_status(run_dir, state="stopped", reason=reason, ended_at=time.time())
            index = order[step * batch:(step + 1) * batch]
            tick = time.perf_counter()
            loss = stepper.step(x_train[index], t_train[index])
            train_time += time.perf_counter() - tick
            iteration += 1
            check_loss(loss, iteration)
            loss_sum, loss_count = loss_sum + loss, loss_count + 1
            recent_losses.append(loss)
            if iteration % config.loss_every == 0 or step == iters_per_epoch - 1:
                rundir.append_metric(run_dir, {"type": "loss", "iteration": iteration, "epoch": epoch,
                                             "loss": loss_sum / loss_count, "train_time": train_time,
                                             "wall_time": clock()})
                loss_sum, loss_count = 0.0, 0
            if iteration in inside:
                if not caps.room_for_checkpoint():
                    return caps.stop_for_disk(run_dir, snapshot)
                save_inside_epoch(run_dir, model, probe, iteration, epoch, recent_losses, train_time, clock)
                caps.spend()
                saved_at = iteration
            snapshot.maybe_write(iteration, model.params)
            now = time.time()
            if now - last_status > STATUS_EVERY_S:
                rundir.write_status(run_dir, epoch=epoch - 1, iteration=iteration)
                last_status = now
            if on_progress:
                on_progress(iteration, total_iters, f"epoch {epoch}/{config.epochs} loss {loss:.3f}")
        if not caps.room_for_checkpoint():
            return caps.stop_for_disk(run_dir, snapshot)
        eval_start = time.perf_counter()
        accuracy, aligned = probe.scores()
        eval_time = time.perf_counter() - eval_start
        rundir.save_checkpoint(run_dir, epoch, model.params)
        rundir.append_metric(run_dir, {"type": "epoch", "epoch": epoch, "iteration": iteration,
                                     "test_accuracy": accuracy, "alignment": aligned, "train_time": train_time,
                                     "epoch_time": time.perf_counter() - epoch_start, "eval_time": eval_time,
                                     "wall_time": clock(),
                                     "checkpoint": checkpoints.epoch_name(epoch)})
        caps.spend()
        saved_at = iteration
        rundir.write_status(run_dir, epoch=epoch, iteration=iteration)
        if on_progress:
            on_progress(iteration, total_iters, f"epoch {epoch}/{config.epochs} test accuracy {accuracy:.4f}")
    snapshot.remove()   # the last epoch's checkpoint holds the same weights
    return rundir.write_status(run_dir, state="finished", ended_at=time.time())


class RunCaps:
    """The host's caps on a run (config.max_minutes, config.max_checkpoint_mb): training checks them
    before each iteration and before each checkpoint, so a run that reaches one ends "stopped" with
    every checkpoint it wrote whole, never failed half-written."""

    def __init__(self, config, params):
        self.minutes, self.disk_mb = config.max_minutes, config.max_checkpoint_mb
        self.deadline = time.monotonic() + 60 * self.minutes if self.minutes else None
        self.left = self.disk_mb * 1e6 if self.disk_mb else None
        self.checkpoint_bytes = sum(p.nbytes for p in params.values()) + 64 * len(params) + 1024   # npz headers

    def time_reached(self):
        if self.deadline is not None and time.monotonic() > self.deadline:
            return f"time cap ({self.minutes:g} min)"
        return None

    def room_for_checkpoint(self):
        return self.left is None or self.left >= self.checkpoint_bytes

    def spend(self):
        if self.left is not None:
            self.left -= self.checkpoint_bytes

    def stop_for_disk(self, run_dir, snapshot):
        snapshot.remove()
        return rundir.write_status(run_dir, state="stopped", reason=f"disk cap ({self.disk_mb:g} MB of checkpoints)",
                                   ended_at=time.time())


class WallClock:
    """Seconds of wall-clock time since training began (step 0): records carry it as wall_time."""

    def __init__(self):
        self.start = time.perf_counter()

    def __call__(self):
        return time.perf_counter() - self.start


def save_inside_epoch(run_dir, model, probe, iteration, epoch, recent_losses, train_time, clock, stop=False):
    """An iteration checkpoint and its metrics record (scores on the fixed test subset); stop marks
    the checkpoint a Stop (or a cap) saved where training ended."""
    accuracy, aligned = probe.scores(subset=True)
    name = checkpoints.iteration_name(iteration)
    rundir.save_checkpoint(run_dir, name, model.params)
    rundir.append_metric(run_dir, {"type": "checkpoint", "iteration": iteration, "epoch": epoch,
                                 "loss": float(np.mean(recent_losses)), "test_accuracy": accuracy,
                                 "alignment": aligned, "train_time": train_time,
                                 "test_examples": probe.subset_size, "test_size": len(probe.x), "checkpoint": name,
                                 "wall_time": clock(),
                                 **({"stop": True} if stop else {})})


class TestProbe:
    """Test accuracy and mean alignment score, on the whole test set or a fixed subset of it.

    Checkpoints inside epochs are scored on the first SUBSET test examples (the same ones every time),
    so that a run with many of them does not spend its time decoding.
    """
    SUBSET = 500

    def __init__(self, model, x_test, t_test, test_set, config):
        self.model, self.x, self.t, self.test_set, self.config = model, x_test, t_test, test_set, config
        self.subset_size = min(self.SUBSET, len(x_test))

    def scores(self, subset=False):
        n = self.subset_size if subset else len(self.x)
        x, t = self.x[:n], self.t[:n]
        ids, weights = greedy.generate(self.model, x, t[0, 0], t.shape[1] - 1)
        accuracy = float((ids == t[:, 1:]).all(axis=1).mean())
        if not self.test_set.examples:
            return accuracy, None
        examples = self.test_set.examples[:n]
        return accuracy, alignment.mean_score(alignment.scores(weights, examples, self.config.reverse_input))[0]


LAUNCHER_WAIT_S = 10


def wait_for_launcher(run_dirs, timeout=LAUNCHER_WAIT_S):
    """Wait until the dashboard has written each run's "queued" status with this process's pid.

    The dashboard (core.jobs) writes it right after starting this process; a fast run must not write
    its own status first, or the dashboard's late write would turn a finished run back into "queued".
    """
    deadline = time.time() + timeout
    pending = list(run_dirs)
    while pending and time.time() < deadline:
        if rundir.written_pid(pending[0]) == os.getpid():
            pending.pop(0)
        else:
            time.sleep(0.02)


def run_queue(run_dirs, should_stop, on_progress):
    """Train each queued run directory in turn; a stop request also cancels the ones not started."""
    failed = 0
    for run_dir in run_dirs:
        if should_stop():
            rundir.write_status(run_dir, state="stopped", ended_at=time.time(), reason="stopped before it started")
            continue
        try:
            config = rundir.read_request(run_dir).checked()
        except Exception as e:   # an unusable request never reaches train(), so record it here
            rundir.write_status(run_dir, state="failed", reason=error_text(e), ended_at=time.time())
            print(f"{run_dir}: failed: {error_text(e)}", file=sys.stderr)
            failed += 1
            continue
        try:
            train(config, run_dir, should_stop, on_progress)
        except Exception as e:   # train() has recorded it in status.json; the queue goes on
            print(f"{run_dir}: failed: {error_text(e)}", file=sys.stderr)
            failed += 1
    return failed
