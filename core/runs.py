"""The run-directory protocol: the only thing the training process and the UI share.

  config.json  vocab.json  status.json  metrics.jsonl  checkpoints/ (core.run_checkpoints)
  live.npz (the latest weights while training, refreshed every few seconds for the live view)
  request.json (a run the dashboard queued: the config it will be trained with), train.log (its output)
status.json and checkpoints are replaced atomically; metrics.jsonl is appended a line at a time and a
reader skips a partial last line. A "running" status whose process is gone reads as "failed".
"""
import json
import os
import time

import numpy as np

from core import checkpoints, run_checkpoints
from core.config import TrainConfig
from core.data import Vocab
from core.errors import UserError
from core.models import build_model

ACTIVE_STATES = ("queued", "running")
REQUEST = "request.json"   # the TrainConfig a queued run directory waits to be trained with


def _path(run_dir, name):
    return os.path.join(run_dir, name)


def write_json_atomic(path, obj):
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, NotADirectoryError):
        raise UserError(f"missing {path}")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UserError(f"{path} is not valid JSON ({e})")


def create(run_dir, config, vocab):
    os.makedirs(_path(run_dir, "checkpoints"), exist_ok=True)
    write_json_atomic(_path(run_dir, "config.json"), config.to_json())
    write_json_atomic(_path(run_dir, "vocab.json"), vocab.to_json())
    write_status(run_dir, state="queued", pid=os.getpid(), epoch=0, iteration=0,
                 started_at=time.time())


def require(run_dir):
    if not os.path.isdir(run_dir):
        raise UserError(f"run directory not found: {run_dir}")
    if not os.path.isfile(_path(run_dir, "config.json")):
        raise UserError(f"{run_dir} is not a run directory (no config.json)")


def read_config(run_dir):
    """config.json, or for a run still waiting in a queue, the request it will be trained with."""
    if not os.path.isfile(_path(run_dir, "config.json")) and os.path.isfile(_path(run_dir, REQUEST)):
        return TrainConfig.from_json(read_json(_path(run_dir, REQUEST)))
    return TrainConfig.from_json(read_json(_path(run_dir, "config.json")))


def read_vocab(run_dir):
    return Vocab.from_json(read_json(_path(run_dir, "vocab.json")))


def write_status(run_dir, **changes):
    """Merge changes into status.json (atomically) and stamp updated_at."""
    path = _path(run_dir, "status.json")
    try:
        status = read_json(path)
    except UserError:
        status = {}
    status.update(changes, updated_at=time.time())
    write_json_atomic(path, status)
    return status


def process_alive(pid):
    """True when pid is a live (not zombie) process; on Linux, /proc also tells a zombie apart."""
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{int(pid)}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def read_status(run_dir):
    """status.json, with a vanished process turned into state "failed"."""
    try:
        status = read_json(_path(run_dir, "status.json"))
    except UserError as e:
        return {"state": "failed", "error": str(e)}
    if status.get("state") in ACTIVE_STATES and not process_alive(status.get("pid")):
        status["state"] = "failed"
        status.setdefault("error", None)
        status["error"] = status["error"] or "the training process ended without saying so (killed?)"
    return status


def append_metric(run_dir, record):
    with open(_path(run_dir, "metrics.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()


def read_metrics(run_dir):
    """All complete records; a half-written last line (the writer is mid-append) is skipped."""
    try:
        with open(_path(run_dir, "metrics.jsonl"), encoding="utf-8") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return []
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def checkpoint_path(run_dir, checkpoint):
    """Path of a checkpoint given by name ("iter_0000150") or epoch number."""
    name = run_checkpoints.epoch_name(checkpoint) if isinstance(checkpoint, int) else checkpoint
    return run_checkpoints.path(run_dir, name)


def epochs(run_dir):
    """Epochs with a finished checkpoint, ascending."""
    names = run_checkpoints.names_on_disk(run_dir)
    return sorted(int(m.group(1)) for m in map(run_checkpoints.EPOCH_NAME.match, names) if m)


def list_checkpoints(run_dir):
    """Every checkpoint (epoch ends and inside training) in training order, with its recorded scores."""
    return run_checkpoints.listing(run_dir, read_metrics(run_dir))


def save_checkpoint(run_dir, checkpoint, params):
    checkpoints.save(checkpoint_path(run_dir, checkpoint), params)


def load_model(run_dir, checkpoint=None):
    """Rebuild a run's model at a checkpoint -> (model, vocab, config, checkpoint name).

    checkpoint: a name ("epoch_003", "iter_0000150"), an epoch number, or None for the latest.
    """
    require(run_dir)
    try:
        name = run_checkpoints.resolve(run_dir, list_checkpoints(run_dir), checkpoint)
    except LookupError as e:
        raise UserError(str(e))
    config, vocab = read_config(run_dir), read_vocab(run_dir)
    model = build_model(config, len(vocab.chars), dtype=np.float32)
    return load_weights(model, checkpoint_path(run_dir, name)), vocab, config, name


def load_weights(model, path):
    """Copy a checkpoint file's arrays into a model (names and shapes checked); returns the model."""
    checkpoints.assign(model.params, checkpoints.load(path), path)
    return model


def summary(run_dir):
    """One row for a run list: id, state, epochs, best accuracy, start time, model, data."""
    status = read_status(run_dir)
    config = read_config(run_dir)
    accuracies = [r["test_accuracy"] for r in read_metrics(run_dir) if "test_accuracy" in r]
    return {
        "run": os.path.basename(os.path.normpath(run_dir)),
        "path": run_dir,
        "state": status.get("state", "unknown"),
        "epochs": len(epochs(run_dir)),
        "planned_epochs": config.epochs,
        "best_accuracy": max(accuracies) if accuracies else None,
        "started_at": status.get("started_at"),
        "model": config.model,
        "data": config.data,
        "error": status.get("error"),
    }


def list_runs(*roots):
    """Summaries of every run directory directly under the roots (or a root that is itself a run)."""
    rows = []
    for root in roots:
        if os.path.isfile(_path(root, "config.json")):
            candidates = [root]
        elif os.path.isdir(root):
            candidates = [_path(root, name) for name in sorted(os.listdir(root))]
        else:
            candidates = []
        for run_dir in candidates:
            if os.path.isfile(_path(run_dir, "config.json")) or os.path.isfile(_path(run_dir, REQUEST)):
                try:
                    rows.append(summary(run_dir))
                except UserError:
                    continue   # a run being created this instant, or a broken one: not listable
    return rows
