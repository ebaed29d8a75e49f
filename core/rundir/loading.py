"""A run's model at one of its checkpoints, rebuilt from config.json, vocab.json and the checkpoint
file alone (no other state, no pickle)."""
import numpy as np

from core.errors import UserError
from core.model.registry import build_model
from core.rundir import checkpoints, npz
from core.rundir.definition import read_config, read_vocab, require


def load_model(run_dir, checkpoint=None):
    """Rebuild a run's model at a checkpoint -> (model, vocab, config, checkpoint name).

    checkpoint: a name ("epoch_003", "iter_0000150"), an epoch number, or None for the latest.
    """
    require(run_dir)
    try:
        name = checkpoints.resolve(run_dir, checkpoints.list_checkpoints(run_dir), checkpoint)
    except LookupError as e:
        raise UserError(str(e))
    config, vocab = read_config(run_dir), read_vocab(run_dir)
    model = build_model(config, len(vocab.chars), dtype=np.float32)
    return load_weights(model, checkpoints.path(run_dir, name)), vocab, config, name


def load_weights(model, path):
    """Copy a checkpoint file's arrays into a model (names and shapes checked from the headers, before
    anything is decompressed); returns the model."""
    npz.load_into(model.params, path)
    return model
