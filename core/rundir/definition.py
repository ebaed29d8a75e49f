"""What a run is: config.json (core.training.config.TrainConfig), vocab.json (core.data.Vocab), and,
for a run the dashboard queued, request.json.

    config.json   TrainConfig.to_json(): model and training settings, the data source (for an upload:
                  its copy inside the run, upload.txt, with its name, size and SHA-256), the seed.
                  Written by training before step 0 (create).
    vocab.json    Vocab.to_json(): "chars" (the characters in id order, with the start "_" and pad " "),
                  "start_char", "pad_char", "input_width" S and "output_length" T. Written by training
                  with config.json.
    request.json  the TrainConfig a queued run will be trained with; written by core.jobs at Start
                  (write_request), read by training when the run's turn comes. Stays beside config.json.
    upload.txt    the copy of an uploaded data file the run trains on (keep_upload, at Start); the
                  user's file name is only a label in config.json, never a path.
    train.log     the output of the run's queue process (its first run's directory holds it).
Both readers check shape and types: a damaged file is a UserError naming the file.
"""
import os
import time

from core.data import MAX_ANSWER_CHARS, MAX_DISTINCT_CHARS, MAX_QUESTION_CHARS, PAD_CHAR, START_CHAR, Vocab
from core.errors import UserError
from core.rundir.files import atomic_write, read_json, write_json_atomic
from core.rundir.status import write_status
from core.training.config import TrainConfig

CONFIG = "config.json"
VOCAB = "vocab.json"
REQUEST = "request.json"
UPLOAD = "upload.txt"
LOG = "train.log"


def is_run_dir(path):
    """A run directory: one with a config, or a queued one with its request."""
    return os.path.isfile(os.path.join(path, CONFIG)) or os.path.isfile(os.path.join(path, REQUEST))


def create(run_dir, config, vocab):
    """Write a run's config and vocabulary before training's first step (the run is then "running")."""
    os.makedirs(os.path.join(run_dir, "checkpoints"), exist_ok=True)
    write_json_atomic(os.path.join(run_dir, CONFIG), config.to_json())
    write_json_atomic(os.path.join(run_dir, VOCAB), vocab.to_json())
    write_status(run_dir, state="running", pid=os.getpid(), epoch=0, iteration=0, started_at=time.time())


def write_request(run_dir, config):
    write_json_atomic(os.path.join(run_dir, REQUEST), config.to_json())


def keep_upload(run_dir, content):
    """Write an upload's bytes into the run -> their absolute path (the trainer has its own cwd)."""
    path = os.path.abspath(os.path.join(run_dir, UPLOAD))
    atomic_write(path, lambda f: f.write(content))
    return path


def holds_a_run(path):
    """True when path already holds a trained or training run (its config.json)."""
    return os.path.isfile(os.path.join(path, CONFIG))


def require(run_dir):
    if not os.path.isdir(run_dir):
        raise UserError(f"run directory not found: {run_dir}")
    if not os.path.isfile(os.path.join(run_dir, CONFIG)):
        raise UserError(f"{run_dir} is not a run directory (no config.json)")


def read_request(run_dir):
    return TrainConfig.from_json(read_json(os.path.join(run_dir, REQUEST)), REQUEST)


def read_config(run_dir):
    """config.json, or for a run still waiting in a queue, the request it will be trained with."""
    if not os.path.isfile(os.path.join(run_dir, CONFIG)) and os.path.isfile(os.path.join(run_dir, REQUEST)):
        return read_request(run_dir)
    return TrainConfig.from_json(read_json(os.path.join(run_dir, CONFIG)))


def read_vocab(run_dir):
    """vocab.json, checked: distinct one-character strings with the start and pad characters, sane widths."""
    obj = read_json(os.path.join(run_dir, VOCAB))
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
