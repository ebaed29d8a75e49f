"""Checkpoints: named float arrays in an .npz, written atomically and read without pickle."""
import os
import zipfile

import numpy as np

from core.errors import UserError


def save(path, arrays):
    """Write {name: array} to path through a temp file and a rename, so readers never see half a file."""
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path):
    """{name: array} from an .npz; a missing, truncated, corrupt or foreign file is a UserError."""
    if not os.path.isfile(path):
        raise UserError(f"checkpoint not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as e:
        raise UserError(f"checkpoint {path} is corrupt or truncated ({type(e).__name__}: {e})")


def assign(params, arrays, path):
    """Copy loaded arrays into a model's named params, checking names and shapes first."""
    missing = sorted(set(params) - set(arrays))
    extra = sorted(set(arrays) - set(params))
    if missing or extra:
        raise UserError(f"checkpoint {path} does not fit this model: "
                        f"missing {missing[:3]}, unexpected {extra[:3]}")
    for name, p in params.items():
        if arrays[name].shape != p.shape:
            raise UserError(f"checkpoint {path}: {name} has shape {arrays[name].shape}, "
                            f"the model expects {p.shape}")
    for name, p in params.items():
        p[...] = arrays[name]
