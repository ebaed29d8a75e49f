"""Checkpoints: named float arrays in an .npz, written atomically and read without pickle.

Before anything is decompressed, load() reads the zip directory and each array's .npy header: names,
float dtypes and shapes must be plausible and the sizes they declare must add up, so a small crafted
file cannot make the reader allocate gigabytes.
"""
import os
import re
import zipfile

import numpy as np

from core.errors import UserError
from core.rundir.files import atomic_write

ARRAY_NAME = re.compile(r"^[A-Za-z0-9_.]{1,200}\.npy$")
MAX_ARRAYS = 1000
FLOAT_KINDS = ("f",)
# Our checkpoints are stored uncompressed (np.savez); a compressed one may expand at most this much,
# plus a little: float weights hardly compress, so more than that is a bomb, not a checkpoint.
MAX_EXPANSION = 10
SLACK_BYTES = 1 << 20


def save(path, arrays):
    """Write {name: array} to path atomically (core.rundir.files), so readers never see half a file."""
    atomic_write(path, lambda f: np.savez(f, **arrays))


def load(path, expected=None):
    """{name: array} from an .npz; a missing, truncated, corrupt, foreign or oversized file is a UserError.

    expected: optional {name: shape}; when given, names and shapes are checked from the headers,
    before any array is read.
    """
    if not os.path.isfile(path):
        raise UserError(f"checkpoint not found: {path}")
    try:
        shapes = inspect(path)
        if expected is not None:
            _check_fit(shapes, expected, path)
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError) as e:
        raise UserError(f"checkpoint {path} is corrupt or truncated ({type(e).__name__})")


def inspect(path):
    """{name: shape} read from the zip directory and the .npy headers only; ValueError when implausible."""
    budget = os.path.getsize(path) * MAX_EXPANSION + SLACK_BYTES
    shapes, declared = {}, 0
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > MAX_ARRAYS:
            raise ValueError(f"{len(members)} arrays")
        for info in members:
            if not ARRAY_NAME.match(info.filename):
                raise ValueError("an entry that is not a named array")
            declared += info.file_size
            if declared > budget:
                raise ValueError("arrays larger than the file can hold")
            with archive.open(info) as stream:
                version = np.lib.format.read_magic(stream)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
                else:
                    raise ValueError(f".npy format {version}")
                header = stream.tell()
            if dtype.kind not in FLOAT_KINDS or dtype.hasobject:
                raise ValueError(f"{dtype} is not a float array")
            if header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != info.file_size:
                raise ValueError("an array whose header does not match its size")
            shapes[info.filename[:-len(".npy")]] = tuple(shape)
    return shapes


def _check_fit(shapes, expected, path):
    missing = sorted(set(expected) - set(shapes))
    extra = sorted(set(shapes) - set(expected))
    if missing or extra:
        raise UserError(f"checkpoint {path} does not fit this model: missing {missing[:3]}, unexpected {extra[:3]}")
    for name, shape in expected.items():
        if tuple(shapes[name]) != tuple(shape):
            raise UserError(f"checkpoint {path}: {name} has shape {shapes[name]}, the model expects {tuple(shape)}")


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


def load_into(params, path):
    """Load a checkpoint into a model's named params, names and shapes checked before decompression."""
    assign(params, load(path, {name: p.shape for name, p in params.items()}), path)
