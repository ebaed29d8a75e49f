"""Training: train(config, run_dir, should_stop) fills a run directory; also a command-line tool.

    python -m core.train --run-dir artifacts/runs/my-run --epochs 5
    python -m core.train --run-dir artifacts/runs/book --data ../shared/data/date.txt --epochs 3

SIGTERM or SIGINT stops after the current iteration: finished epochs stay, status says "stopped".
"""
import argparse
import collections
import os
import signal
import sys
import time
import traceback

import numpy as np

from core import alignment, data, datafiles, dates, decode, parallel, run_checkpoints, runs
from core.config import LIMITS, PRESETS, TrainConfig, preset
from core.errors import UserError, run_cli
from core.live import LiveWriter
from core.models import MODELS, build_model
from core.optim import Adam, clip_grads
from core.progress import ProgressBar
from core.schedule import iteration_checkpoints

STATUS_EVERY_S = 0.5   # how often status.json is refreshed during an epoch


def prepare_data(config):
    """-> (train Dataset, test Dataset, Vocab) for a config's data source, with the book's split."""
    if config.data == "generator":
        dataset = data.generated(config.data_size, config.data_seed)
        vocab = data.Vocab(dates.alphabet(), dates.INPUT_WIDTH, dates.ANSWER_LENGTH)
    else:
        raw = datafiles.read_bounded(config.data, shown=config.data_name or config.data)
        if config.data_sha256 and datafiles.sha256(raw) != config.data_sha256:
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


def train_step(model, optimizer, config, xs, ts):
    """One iteration: forward, backward, gradient clipping, Adam update; returns the loss."""
    loss = float(model.forward(xs, ts))
    model.backward()
    clip_grads(model.grads, config.max_grad)
    optimizer.update(model.params, model.grads)
    return loss


def train(config, run_dir, should_stop=lambda: False, on_progress=None):
    """Train and record everything in run_dir; returns the final status dict.

    Any failure, bad data included, ends as state "failed" with its error text in status.json.
    """
    os.makedirs(run_dir, exist_ok=True)
    runs.clean_tmp(run_dir)   # leftovers of an earlier process killed mid-write
    try:
        train_set, test_set, vocab = prepare_data(config)
        runs.create(run_dir, config, vocab)
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
    if datafiles.is_disk_full(e):
        runs.clean_tmp(run_dir)   # frees the half-written checkpoint, which also makes room for the status
    try:
        runs.write_status(run_dir, state="failed", error=error_text(e), traceback=traceback.format_exc())
    except OSError:
        runs.clean_tmp(run_dir)


def error_text(e):
    """The one line status.json shows: a UserError's own message, otherwise the exception's type too."""
    if datafiles.is_disk_full(e):
        return "disk full"
    return str(e) if isinstance(e, UserError) else f"{type(e).__name__}: {e}"


def _train(config, run_dir, vocab, train_set, test_set, should_stop, on_progress):
    x_train, t_train = encode(train_set, vocab, config)
    x_test, t_test = encode(test_set, vocab, config)
    rng = np.random.default_rng(config.seed)
    model = build_model(config, len(vocab.chars), dtype=np.float32, rng=rng)
    optimizer = Adam(config.lr)
    stepper = parallel.make_stepper(model, optimizer, config, len(vocab.chars))   # workers end with it
    batch = min(config.batch_size, len(x_train))
    iters_per_epoch = len(x_train) // batch
    total_iters = iters_per_epoch * config.epochs
    inside = set(config.checkpoint_iterations if config.checkpoint_iterations is not None else
                 iteration_checkpoints(iters_per_epoch, total_iters, config.iter_checkpoints))
    probe = TestProbe(model, x_test, t_test, test_set, config)
    live = LiveWriter(run_dir)
    runs.write_status(run_dir, state="running", iters_per_epoch=iters_per_epoch, total_iters=total_iters,
                      epochs=config.epochs, train_size=len(x_train), test_size=len(x_test))
    train_time, iteration, last_status = 0.0, 0, 0.0
    recent_losses = collections.deque(maxlen=config.loss_every)
    if 0 in inside:   # the initial weights: attention before any learning
        recent_losses.append(float(model.forward(x_train[:batch], t_train[:batch])))
        save_inside_epoch(run_dir, model, probe, 0, 1, recent_losses, train_time)
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(len(x_train))
        loss_sum, loss_count = 0.0, 0
        epoch_start = time.perf_counter()
        for step in range(iters_per_epoch):
            if should_stop():
                live.remove()
                return runs.write_status(run_dir, state="stopped", stopped_at=time.time())
            index = order[step * batch:(step + 1) * batch]
            tick = time.perf_counter()
            loss = stepper.step(x_train[index], t_train[index])
            train_time += time.perf_counter() - tick
            iteration += 1
            check_loss(loss, iteration)
            loss_sum, loss_count = loss_sum + loss, loss_count + 1
            recent_losses.append(loss)
            if iteration % config.loss_every == 0 or step == iters_per_epoch - 1:
                runs.append_metric(run_dir, {"type": "loss", "iteration": iteration, "epoch": epoch,
                                             "loss": loss_sum / loss_count, "train_time": train_time})
                loss_sum, loss_count = 0.0, 0
            if iteration in inside:
                save_inside_epoch(run_dir, model, probe, iteration, epoch, recent_losses, train_time)
            live.maybe_write(iteration, model.params)
            now = time.time()
            if now - last_status > STATUS_EVERY_S:
                eta = train_time / iteration * (total_iters - iteration)
                runs.write_status(run_dir, epoch=epoch - 1, iteration=iteration, eta_s=eta)
                last_status = now
            if on_progress:
                on_progress(iteration, total_iters, f"epoch {epoch}/{config.epochs} loss {loss:.3f}")
        eval_start = time.perf_counter()
        accuracy, aligned = probe.scores()
        eval_time = time.perf_counter() - eval_start
        runs.save_checkpoint(run_dir, epoch, model.params)
        runs.append_metric(run_dir, {"type": "epoch", "epoch": epoch, "iteration": iteration,
                                     "test_accuracy": accuracy, "alignment": aligned, "train_time": train_time,
                                     "epoch_time": time.perf_counter() - epoch_start, "eval_time": eval_time,
                                     "checkpoint": run_checkpoints.epoch_name(epoch)})
        runs.write_status(run_dir, epoch=epoch, iteration=iteration,
                          eta_s=train_time / iteration * (total_iters - iteration))
        if on_progress:
            on_progress(iteration, total_iters, f"epoch {epoch}/{config.epochs} test accuracy {accuracy:.4f}")
    live.remove()   # the last epoch's checkpoint holds the same weights
    return runs.write_status(run_dir, state="finished", finished_at=time.time(), eta_s=0)


def save_inside_epoch(run_dir, model, probe, iteration, epoch, recent_losses, train_time):
    """An iteration checkpoint and its metrics record (scores on the fixed test subset)."""
    accuracy, aligned = probe.scores(subset=True)
    name = run_checkpoints.iteration_name(iteration)
    runs.save_checkpoint(run_dir, name, model.params)
    runs.append_metric(run_dir, {"type": "checkpoint", "iteration": iteration, "epoch": epoch,
                                 "loss": float(np.mean(recent_losses)), "test_accuracy": accuracy,
                                 "alignment": aligned, "train_time": train_time,
                                 "test_examples": probe.subset_size, "checkpoint": name})


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
        ids, weights = decode.generate(self.model, x, t[0, 0], t.shape[1] - 1)
        accuracy = float((ids == t[:, 1:]).all(axis=1).mean())
        if not self.test_set.examples:
            return accuracy, None
        examples = self.test_set.examples[:n]
        return accuracy, alignment.mean_score(alignment.scores(weights, examples, self.config.reverse_input))[0]


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit status 2, as every other error."""

    def error(self, message):
        self.exit(2, f"error: {message} (see --help)\n")


def parse_args(argv=None):
    defaults = TrainConfig()
    p = OneLineParser(prog="python -m core.train", description=__doc__,
                      formatter_class=argparse.RawDescriptionHelpFormatter,
                      epilog="Limits: " + ", ".join(f"{k.replace('_', '-')} {lo}-{hi:,}" for k, (lo, hi) in
                                                   LIMITS.items() if k != "loss_every")
                             + "; lr finite, > 0 and <= 10; a data file at most "
                               f"{datafiles.DEFAULT_MAX_MB} MB ({datafiles.MAX_MB_ENV}).")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--run-dir", help="directory to write (created; must not hold a run)")
    target.add_argument("--queue", nargs="+", metavar="RUN_DIR",
                        help="train run directories one after another, each from its request.json "
                             "(how the dashboard starts runs)")
    p.add_argument("--preset", choices=sorted(PRESETS), default="book",
                   help="named setting; explicit options below override it (default: book)")
    p.add_argument("--data", help="book-format file (default: the built-in date generator)")
    p.add_argument("--data-size", type=int, help=f"generator examples (default {defaults.data_size})")
    p.add_argument("--data-seed", type=int)
    p.add_argument("--model", choices=sorted(MODELS))
    p.add_argument("--bidirectional", action="store_true", default=None,
                   help="attention model: encoder reads the input both ways")
    p.add_argument("--lstm-biases", type=int, choices=(1, 2),
                   help="2: PyTorch's LSTM with two biases (default, trains faster); 1: the book's")
    p.add_argument("--epochs", type=int)
    p.add_argument("--hidden-size", type=int)
    p.add_argument("--wordvec-size", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--max-grad", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--iter-checkpoints", type=int, metavar="COUNT",
                   help="checkpoints saved inside training besides epoch ends, iteration 0 included, "
                        f"spaced geometrically (default {defaults.iter_checkpoints}; 0: none)")
    p.add_argument("--checkpoint-iterations", type=iteration_list, metavar="N,N,...",
                   help="save the checkpoints inside training at exactly these iterations instead")
    p.add_argument("--workers", type=int, help="processes sharing each batch; 0: one per core; 1: serial "
                                               f"(default {defaults.workers})")
    p.add_argument("--no-reverse", action="store_true", help="feed the input in reading order")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def iteration_list(text):
    """"0,500,1000" -> [0, 500, 1000]: argparse's type for --checkpoint-iterations."""
    try:
        values = sorted({int(v) for v in text.split(",") if v.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError("expected iterations separated by commas, e.g. 0,500,1000")
    if not values or values[0] < 0 or len(values) > 100:
        raise argparse.ArgumentTypeError("expected 1 to 100 iterations, none negative")
    return values


def config_from_args(args):
    overrides = {k: v for k, v in vars(args).items()
                 if v is not None and k not in ("run_dir", "queue", "preset", "no_reverse", "quiet")}
    if args.no_reverse:
        overrides["reverse_input"] = False
    return validated(preset(args.preset, **overrides))


def validated(config):
    """The config when every value is within its documented limits (core.config.LIMITS), else UserError."""
    return config.checked()


def usable_run_dir(path):
    """Create --run-dir, or say in one line why it cannot be a run directory (a file, /etc/passwd, ...)."""
    if "\0" in path:
        raise UserError("--run-dir contains a NUL character")
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"--run-dir {path} is a file, not a directory")
    if os.path.isfile(os.path.join(path, "config.json")):
        raise UserError(f"{path} already holds a run; choose a new --run-dir")
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".write-test.tmp")
        with open(probe, "wb"):
            pass
        os.remove(probe)
    except OSError as e:
        raise UserError(f"cannot write to --run-dir {path}: {e.strerror or type(e).__name__}")
    return path


LAUNCHER_WAIT_S = 10


def wait_for_launcher(run_dirs, timeout=LAUNCHER_WAIT_S):
    """Wait until the dashboard has written each run's "queued" status with this process's pid.

    The dashboard (core.jobs) writes it right after starting this process; a fast run must not write
    its own status first, or the dashboard's late write would turn a finished run back into "queued".
    """
    deadline = time.time() + timeout
    pending = list(run_dirs)
    while pending and time.time() < deadline:
        try:
            status = runs.read_json(os.path.join(pending[0], "status.json"))
        except UserError:
            status = None
        if isinstance(status, dict) and status.get("pid") == os.getpid():
            pending.pop(0)
        else:
            time.sleep(0.02)


def run_queue(run_dirs, should_stop, on_progress):
    """Train each queued run directory in turn; a stop request also cancels the ones not started."""
    failed = 0
    for run_dir in run_dirs:
        if should_stop():
            runs.write_status(run_dir, state="stopped", error=None, stopped_at=time.time(),
                              note="stopped before it started")
            continue
        try:
            config = validated(TrainConfig.from_json(runs.read_json(os.path.join(run_dir, runs.REQUEST))))
        except Exception as e:   # an unusable request never reaches train(), so record it here
            runs.write_status(run_dir, state="failed", error=error_text(e))
            print(f"{run_dir}: failed: {error_text(e)}", file=sys.stderr)
            failed += 1
            continue
        try:
            train(config, run_dir, should_stop, on_progress)
        except Exception as e:   # train() has recorded it in status.json; the queue goes on
            print(f"{run_dir}: failed: {error_text(e)}", file=sys.stderr)
            failed += 1
    return failed


def main(argv=None):
    stop = {"signal": None}

    def request_stop(signum, _frame):
        stop["signal"] = signal.Signals(signum).name

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    should_stop = lambda: stop["signal"] is not None
    args = parse_args(argv)
    bar = None if args.quiet else ProgressBar(sys.stderr)
    on_progress = bar.update if bar else None
    if args.queue:
        wait_for_launcher(args.queue)
        return 1 if run_queue(args.queue, should_stop, on_progress) else 0
    config = config_from_args(args)
    usable_run_dir(args.run_dir)
    try:
        status = train(config, args.run_dir, should_stop=should_stop, on_progress=on_progress)
    except OSError as e:   # recorded in status.json by train(); here one line instead of a traceback
        if datafiles.is_disk_full(e):
            raise UserError(f"disk full while writing {args.run_dir}") from e
        raise UserError(f"cannot write {args.run_dir}: {e.strerror or type(e).__name__}") from e
    if bar:
        bar.close()
    if status["state"] == "stopped":
        print(f"stopped by {stop['signal']}; finished epochs: {runs.epochs(args.run_dir)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
