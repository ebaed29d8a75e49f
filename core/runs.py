"""The run-directory protocol: the only thing the training process and the UI share.

  config.json  vocab.json  status.json  metrics.jsonl  checkpoints/ (core.run_checkpoints)
  live.npz (the latest weights while training, refreshed every few seconds for the live view)
  request.json (a run the dashboard queued: the config it will be trained with), train.log (its output)
status.json and checkpoints are replaced atomically; metrics.jsonl is appended a line at a time and a
reader skips a partial last line. A "running" status whose process is gone, or whose pid now belongs
to some other program, reads as "failed".
Every reader checks shapes and types: a damaged file raises UserError (read_config, read_vocab) or
reads as state "damaged" (read_status), and summary() turns any of it into one "damaged: reason" row,
so one broken run never breaks a page.
"""
import json
import os
import time

import numpy as np

from core import checkpoints, run_checkpoints
from core.config import TrainConfig
from core.data import MAX_ANSWER_CHARS, MAX_DISTINCT_CHARS, MAX_QUESTION_CHARS, PAD_CHAR, START_CHAR, Vocab
from core.errors import UserError
from core.models import build_model

ACTIVE_STATES = ("queued", "running")
STATES = ("queued", "running", "finished", "stopped", "failed")
MAX_JSON_BYTES = 1 << 20   # a run's JSON files are a few KB; a bigger one is damaged, not read
REQUEST = "request.json"   # the TrainConfig a queued run directory waits to be trained with


def _path(run_dir, name):
    return os.path.join(run_dir, name)


def write_json_atomic(path, obj):
    # The writer's pid in the temp name: the dashboard and the training process both write status.json,
    # and must never rename each other's half-written file.
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)   # a failed write (disk full) leaves no half file behind
        raise


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


def read_json(path):
    name = os.path.basename(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_JSON_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise UserError(f"missing {name}")
    except OSError as e:
        raise UserError(f"cannot read {name}: {e.strerror or type(e).__name__}")
    if len(raw) > MAX_JSON_BYTES:
        raise UserError(f"{name} is larger than {MAX_JSON_BYTES // 1024} KB")
    try:
        return json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise UserError(f"{name} is not valid JSON ({type(e).__name__})")


def clean_tmp(run_dir):
    """Remove the *.tmp files an interrupted atomic write left (only when no process writes the run)."""
    for folder in (run_dir, _path(run_dir, "checkpoints")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.endswith(".tmp") and not _writer_alive(name):
                _remove_quietly(_path(folder, name))


def _writer_alive(tmp_name):
    """True when a temp file is tagged with the pid of another live process (status.json.<pid>.tmp)."""
    tag = tmp_name[:-len(".tmp")].rsplit(".", 1)[-1]
    return tag.isdigit() and int(tag) != os.getpid() and process_alive(int(tag))


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
        return TrainConfig.from_json(read_json(_path(run_dir, REQUEST)), REQUEST)
    return TrainConfig.from_json(read_json(_path(run_dir, "config.json")))


def read_vocab(run_dir):
    """vocab.json, checked: distinct one-character strings with the start and pad characters, sane widths."""
    obj = read_json(_path(run_dir, "vocab.json"))
    if not isinstance(obj, dict):
        raise UserError("vocab.json is not a JSON object")
    chars = obj.get("chars")
    if (not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars)
            or len(set(chars)) != len(chars) or len(chars) > MAX_DISTINCT_CHARS + 2):
        raise UserError("vocab.json: chars must be a list of distinct single characters")
    if START_CHAR not in chars or PAD_CHAR not in chars:
        raise UserError("vocab.json: the start and pad characters are missing")
    for name, high in (("input_width", MAX_QUESTION_CHARS), ("output_length", MAX_ANSWER_CHARS)):
        value = obj.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= high:
            raise UserError(f"vocab.json: {name} must be a whole number from 1 to {high}")
    return Vocab.from_json(obj)


def write_status(run_dir, **changes):
    """Merge changes into status.json (atomically) and stamp updated_at."""
    path = _path(run_dir, "status.json")
    try:
        status = read_json(path)
    except UserError:
        status = {}
    if not isinstance(status, dict):
        status = {}   # a damaged status is replaced by what the writer knows
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


def is_training_process(pid, run_dir):
    """True when pid is a live `python -m core.train` process whose --run-dir or --queue names run_dir,
    or the `python -m core.train_queue` process that waits to become one (core.jobs).

    A pid alone proves nothing: after a kill the number is reused by other programs, and a status
    file can say anything. /proc/PID/cmdline (and its cwd, for relative run directories) says.
    """
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or not process_alive(pid):
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = [a.decode("utf-8", "surrogateescape") for a in f.read().split(b"\0")]
    except OSError:
        return False
    module = next((b for a, b in zip(args, args[1:]) if a == "-m"), None)
    if module not in ("core.train", "core.train_queue"):
        return False
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        cwd = os.getcwd()
    named, taking = [], False
    if module == "core.train_queue":   # waiting its turn: ROOT TICKET RUN_DIR... (core.jobs)
        named = args[args.index("core.train_queue") + 3:]
    for arg in args if module == "core.train" else []:
        if arg.startswith("--run-dir="):
            named.append(arg.split("=", 1)[1])
        elif arg in ("--run-dir", "--queue"):
            taking = True
        elif arg.startswith("-"):
            taking = False
        elif taking:
            named.append(arg)
    target = os.path.realpath(run_dir)
    return any(os.path.realpath(os.path.join(cwd, d)) == target for d in named)


# Optional status fields and the types a reader may rely on.
_STATUS_TYPES = {"pid": (int,), "epoch": (int,), "iteration": (int,), "epochs": (int,), "total_iters": (int,),
                 "iters_per_epoch": (int,), "eta_s": (int, float), "started_at": (int, float),
                 "updated_at": (int, float), "queued_at": (int, float), "error": (str,), "note": (str,)}


def _status_problem(status):
    """Why a parsed status.json cannot be used, or None."""
    if not isinstance(status, dict):
        return "status.json is not a JSON object"
    if status.get("state") not in STATES:
        return "status.json has no known state"
    for name, types in _STATUS_TYPES.items():
        value = status.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
            return f"status.json: {name} is not a {types[0].__name__}"
    return None


def read_status(run_dir):
    """status.json, with a run whose process is gone (or is not its training process) turned into
    state "failed", and a damaged file into state "damaged" with the reason as its error."""
    try:
        status = read_json(_path(run_dir, "status.json"))
    except UserError as e:
        return {"state": "failed", "error": str(e)}
    problem = _status_problem(status)
    if problem:
        return {"state": "damaged", "error": problem}
    if status["state"] in ACTIVE_STATES and not is_training_process(status.get("pid"), run_dir):
        status["state"] = "failed"
        status["error"] = status.get("error") or "the training process ended without saying so (killed?)"
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
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        if _metric_ok(record):
            records.append(record)
    return records


# Fields a metric record may carry and what pages compute with them.
_METRIC_NUMBERS = ("loss", "test_accuracy", "train_time", "epoch_time", "eval_time")


def _metric_ok(record):
    """A record pages can use: an object whose known fields have the right types (others are skipped)."""
    if not isinstance(record, dict) or not isinstance(record.get("type", ""), str):
        return False
    for name in ("epoch", "iteration"):
        if name in record and (isinstance(record[name], bool) or not isinstance(record[name], int)):
            return False
    for name in _METRIC_NUMBERS + ("alignment",):
        value = record.get(name)
        if value is None and (name == "alignment" or name not in record):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
    return True


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
    """Copy a checkpoint file's arrays into a model (names and shapes checked from the headers, before
    anything is decompressed); returns the model."""
    checkpoints.load_into(model.params, path)
    return model


def summary(run_dir):
    """One row for a run list: id, state, epochs, best accuracy, start time, model, data.

    A damaged run is a row too, with state "damaged: reason" (and the reason as its error), so the
    list shows it beside the good runs instead of failing.
    """
    try:
        return _summary(run_dir)
    except UserError as e:
        return damaged_row(run_dir, str(e))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        return damaged_row(run_dir, f"unreadable ({type(e).__name__})")


def damaged_row(run_dir, reason):
    return {"run": os.path.basename(os.path.normpath(run_dir)), "path": run_dir, "state": f"damaged: {reason}",
            "epochs": 0, "planned_epochs": 0, "best_accuracy": None, "started_at": None, "model": "?",
            "data": "?", "error": reason}


def _summary(run_dir):
    status = read_status(run_dir)
    if status["state"] == "damaged":
        raise UserError(status["error"])
    config = read_config(run_dir)
    if os.path.exists(_path(run_dir, "checkpoints")) and not os.path.isdir(_path(run_dir, "checkpoints")):
        raise UserError("checkpoints is a file, not a folder")
    if os.path.isfile(_path(run_dir, "config.json")):
        read_vocab(run_dir)   # a run with checkpoints needs its vocabulary to be loadable
    accuracies = [r["test_accuracy"] for r in read_metrics(run_dir) if r.get("test_accuracy") is not None]
    if status["state"] not in ACTIVE_STATES:
        clean_tmp(run_dir)   # leftovers of an interrupted write; nobody is writing this run any more
    return {
        "run": os.path.basename(os.path.normpath(run_dir)),
        "path": run_dir,
        "state": status.get("state", "unknown"),
        "epochs": len(epochs(run_dir)),
        "planned_epochs": config.epochs,
        "best_accuracy": max(accuracies) if accuracies else None,
        "started_at": status.get("started_at"),
        "model": config.model,
        "data": config.data_name or config.data,
        "error": status.get("error"),
    }


def list_runs(*roots):
    """Summaries of every run directory directly under the roots (or a root that is itself a run)."""
    rows = []
    for root in roots:
        if os.path.isfile(_path(root, "config.json")):
            candidates = [root]
        else:
            try:
                candidates = [_path(root, name) for name in sorted(os.listdir(root))]
            except OSError:
                candidates = []
        for run_dir in candidates:
            if os.path.isfile(_path(run_dir, "config.json")) or os.path.isfile(_path(run_dir, REQUEST)):
                rows.append(summary(run_dir))   # never raises: a damaged run is a "damaged: ..." row
    return rows
