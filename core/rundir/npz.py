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
from core.rundir.files import atomic_write, open_regular

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
    shown = shown_path(path)
    if not os.path.lexists(path):
        raise UserError(f"checkpoint not found: {shown}")
    try:
        with open_regular(path) as f:   # not a FIFO, a device or a symlink out of its folder
            shapes = inspect(f)
            if expected is not None:
                _check_fit(shapes, expected, shown)
            f.seek(0)
            with np.load(f, allow_pickle=False) as npz:
                return {name: npz[name] for name in npz.files}
    except UserError as e:
        raise UserError(f"checkpoint {shown}: {e}") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError) as e:
        raise UserError(f"checkpoint {shown} is corrupt or truncated ({type(e).__name__})")


def shown_path(path):
    """A checkpoint as messages name it: its run and file ("my-run/checkpoints/epoch_003.npz"), never
    the server's absolute path."""
    parts = os.path.normpath(path).split(os.sep)
    return "/".join(parts[-3:] if len(parts) >= 3 and parts[-2] == "checkpoints" else parts[-2:])


def inspect(f):
    """{name: shape} read from the zip directory and the .npy headers only; ValueError when implausible.
    f: a path or a binary file object."""
    budget = (os.fstat(f.fileno()).st_size if hasattr(f, "fileno") else os.path.getsize(f)) * MAX_EXPANSION
    budget += SLACK_BYTES
    shapes, declared = {}, 0
    with zipfile.ZipFile(f) as archive:
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


def _check_fit(shapes, expected, shown):
    missing = sorted(set(expected) - set(shapes))
    extra = sorted(set(shapes) - set(expected))
    if missing or extra:
        raise UserError(f"does not fit this model: missing {missing[:3]}, unexpected {extra[:3]}")
    for name, shape in expected.items():
        if tuple(shapes[name]) != tuple(shape):
            raise UserError(f"{name} has shape {shapes[name]}, the model expects {tuple(shape)}")


def assign(params, arrays, path):
    """Copy loaded arrays into a model's named params, checking names and shapes first."""
    missing = sorted(set(params) - set(arrays))
    extra = sorted(set(arrays) - set(params))
    if missing or extra:
        raise UserError(f"checkpoint {shown_path(path)} does not fit this model: "
                        f"missing {missing[:3]}, unexpected {extra[:3]}")
    for name, p in params.items():
        if arrays[name].shape != p.shape:
            raise UserError(f"checkpoint {shown_path(path)}: {name} has shape {arrays[name].shape}, "
                            f"the model expects {p.shape}")
    for name, p in params.items():
        p[...] = arrays[name]


def load_into(params, path):
    """Load a checkpoint into a model's named params, names and shapes checked before decompression."""
    assign(params, load(path, {name: p.shape for name, p in params.items()}), path)
