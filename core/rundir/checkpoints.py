"""The checkpoints of a run, in training order, with the scores recorded when each was saved.

  checkpoints/epoch_NNN.npz       at the end of epoch NNN
  checkpoints/iter_NNNNNNN.npz    inside training, at iteration NNNNNNN (0 = the initial weights)

A checkpoint is named by its file stem ("epoch_003", "iter_0000150"); that name is what pickers return,
what the UI caches by and what ``load_model`` accepts. Runs saved before iteration checkpoints
existed simply have epoch checkpoints only. Each file is written by training (save), in the format of
core/rundir/npz.py: named float32 arrays ("encoder.lstm.Wx", ...), atomic, read without pickle.
"""
import os
import re
from dataclasses import dataclass

from core.rundir import npz
from core.rundir.metrics import read_metrics

EPOCH_NAME = re.compile(r"^epoch_(\d{3,})$")
ITER_NAME = re.compile(r"^iter_(\d{7,})$")


@dataclass(frozen=True)
class Checkpoint:
    name: str                 # file stem: "epoch_003" or "iter_0000150"
    iteration: int | None     # training iterations done when it was saved (None: unknown, old run)
    epoch: int | None         # the epoch it ends, for epoch checkpoints
    accuracy: float | None    # test accuracy recorded with it (a fixed test subset inside epochs)
    alignment: float | None   # mean alignment score recorded with it

    @property
    def label(self):
        """"iteration 150 - 3.2%" or "epoch 1 - iteration 703 - 90.5%" (parts left out when unknown)."""
        parts = []
        if self.epoch is not None:
            parts.append(f"epoch {self.epoch}")
        if self.iteration is not None:
            parts.append(f"iteration {self.iteration:,}")
        if self.accuracy is not None:
            parts.append(f"{100 * self.accuracy:.1f}%")
        return " - ".join(parts)


def epoch_name(epoch):
    return f"epoch_{int(epoch):03d}"


def iteration_name(iteration):
    return f"iter_{int(iteration):07d}"


def path(run_dir, checkpoint):
    """Path of a checkpoint given by name ("iter_0000150") or epoch number."""
    name = epoch_name(checkpoint) if isinstance(checkpoint, int) else checkpoint
    return os.path.join(run_dir, "checkpoints", f"{name}.npz")


def save(run_dir, checkpoint, params):
    npz.save(path(run_dir, checkpoint), params)


def epochs(run_dir):
    """Epochs with a finished checkpoint, ascending."""
    return sorted(int(m.group(1)) for m in map(EPOCH_NAME.match, names_on_disk(run_dir)) if m)


def list_checkpoints(run_dir, records=None):
    """Every checkpoint (epoch ends and inside training) in training order, with its recorded scores.

    records: the run's epoch and checkpoint records when the caller has them (a MetricsLog's), else
    metrics.jsonl is read.
    """
    return listing(run_dir, read_metrics(run_dir) if records is None else records)


def names_on_disk(run_dir):
    """Stems of the finished checkpoint files (temp files of a write in progress are not listed)."""
    try:
        files = os.listdir(os.path.join(run_dir, "checkpoints"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    stems = [f[:-4] for f in files if f.endswith(".npz")]
    return [s for s in stems if EPOCH_NAME.match(s) or ITER_NAME.match(s)]


def listing(run_dir, metrics):
    """Every checkpoint of a run, in training order, joined with its metrics records."""
    scores = {}
    for record in metrics:
        if not isinstance(record, dict):
            continue
        if record.get("type") == "epoch" and isinstance(record.get("epoch"), int):
            scores[epoch_name(record["epoch"])] = record
        elif record.get("type") == "checkpoint" and isinstance(record.get("iteration"), int):
            scores[iteration_name(record["iteration"])] = record
    found = []
    for name in names_on_disk(run_dir):
        record = scores.get(name, {})
        epoch_match, iter_match = EPOCH_NAME.match(name), ITER_NAME.match(name)
        iteration = int(iter_match.group(1)) if iter_match else _number(record.get("iteration"))
        found.append(Checkpoint(name, iteration, int(epoch_match.group(1)) if epoch_match else None,
                                _number(record.get("test_accuracy")), _number(record.get("alignment"))))
    # Training order: by iteration where known; an old run's epoch checkpoints by epoch.
    return sorted(found, key=lambda c: (c.iteration if c.iteration is not None else -1,
                                        c.epoch if c.epoch is not None else -1, c.name))


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def resolve(run_dir, available, checkpoint):
    """A checkpoint given as None (the latest in training order), an epoch number or a name -> its name.

    ``available`` is the run's listing. Raises LookupError with a message naming what exists.
    """
    names = [c.name for c in available]
    if not names:
        raise LookupError(f"{run_dir} has no checkpoint yet")
    if checkpoint is None:
        return names[-1]
    name = epoch_name(checkpoint) if isinstance(checkpoint, int) else str(checkpoint)
    if name not in names:
        raise LookupError(f"{run_dir} has no checkpoint {describe(name)} (it has {summary(available)})")
    return name


def title(name):
    """"epoch_003" -> "epoch 3"; "iter_0000150" -> "iteration 150"."""
    epoch_match, iter_match = EPOCH_NAME.match(name), ITER_NAME.match(name)
    if epoch_match:
        return f"epoch {int(epoch_match.group(1))}"
    return f"iteration {int(iter_match.group(1))}" if iter_match else name


def add_cli_arguments(parser):
    """--epoch K | --iteration N, for the command-line tools that load one checkpoint."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--epoch", type=int, help="checkpoint at the end of this epoch (default: the latest)")
    which.add_argument("--iteration", type=int, help="checkpoint saved inside training at this iteration")


def from_cli(args):
    """The checkpoint the --epoch/--iteration arguments name (None: the latest)."""
    if args.iteration is not None:
        return iteration_name(args.iteration) if args.iteration >= 0 else f"iteration {args.iteration}"
    return args.epoch


def describe(name):
    """"epoch_003" -> "for epoch 3"; "iter_0000150" -> "at iteration 150" (for messages)."""
    if EPOCH_NAME.match(name):
        return f"for {title(name)}"
    return f"at {title(name)}" if ITER_NAME.match(name) else repr(name)


def summary(available):
    epochs = [c.epoch for c in available if c.epoch is not None]
    iterations = [c.iteration for c in available if c.epoch is None]
    parts = []
    if epochs:
        parts.append(f"epochs {epochs[0]}-{epochs[-1]}" if len(epochs) > 1 else f"epoch {epochs[0]}")
    if iterations:
        parts.append("iterations " + ", ".join(str(i) for i in iterations))
    return "; ".join(parts) or "none"
