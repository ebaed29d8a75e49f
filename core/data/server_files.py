"""Data files on the server: only regular files inside allowed folders, read with a size cap.

When the app is served to a class, a visitor must not be able to read any other file on the server,
hang a server thread on a FIFO or fill its memory from /dev/zero. So the pages never take a path:
they offer the files of the allowed data folders in a list, and every read goes through read_bounded.

Settings (environment variables, read when called so tests can set them):
  ATTENTION_LAB_DATA_DIRS     more data folders, separated by ":" (os.pathsep); the default folder,
                              <artifacts>/data, is always allowed
  ATTENTION_LAB_MAX_DATA_MB   the size cap of a data file or an upload, in MB (default 10; the
                              book's date.txt is 1.7 MB)
The command line (python -m core.train --data FILE) reads any path the user gives: the user owns the
machine there; the size cap still applies.
"""
import errno
import hashlib
import math
import os
import stat
import unicodedata
from dataclasses import dataclass

from core.errors import UserError

DATA_DIRS_ENV = "ATTENTION_LAB_DATA_DIRS"
MAX_MB_ENV = "ATTENTION_LAB_MAX_DATA_MB"
DEFAULT_MAX_MB = 10
MAX_NAME_CHARS = 80   # an upload's name is shown, never used as a path; longer names are cut


MAX_MAX_MB = 10_000   # the setting's own ceiling: a cap of more than 10 GB is a typo, not a cap


def max_bytes():
    """The size cap in bytes (ATTENTION_LAB_MAX_DATA_MB, default 10 MB); a value that is not a number
    from 0.001 to 10,000 is a UserError in one line, whoever reads it (the app, the command line)."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = math.nan
    if not 0.001 <= mb <= MAX_MAX_MB:   # also refuses nan and inf
        raise UserError(f"{MAX_MB_ENV} must be a number of megabytes from 0.001 to {MAX_MAX_MB:,}")
    return int(mb * 1024 * 1024)


def allowed_dirs(artifacts_root):
    """Real paths of the allowed data folders: <artifacts>/data first, then ATTENTION_LAB_DATA_DIRS."""
    dirs = [os.path.join(artifacts_root, "data")]
    dirs += [d for d in os.environ.get(DATA_DIRS_ENV, "").split(os.pathsep) if d.strip()]
    unique = []
    for d in dirs:
        real = os.path.realpath(d.strip())
        if real not in unique:
            unique.append(real)
    return unique


@dataclass(frozen=True)
class DataFile:
    name: str        # what the page shows: the file name, with its folder's name when there are several
    path: str        # real path, inside an allowed folder
    size: int        # bytes
    mtime_ns: int    # with size, the key of cached results computed from the file


def _inside(path, folder):
    return os.path.commonpath([path, folder]) == folder


def _regular_file_in(folder, entry_name):
    """(real path, stat) of folder/entry_name when it is a regular, non-hidden file whose real path
    stays in the folder (a symlink to /etc/passwd is not offered), else None."""
    if entry_name.startswith("."):
        return None
    real = os.path.realpath(os.path.join(folder, entry_name))
    if not _inside(real, folder):
        return None
    try:
        info = os.stat(real)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None   # FIFOs, devices, sockets, folders
    return real, info


def list_files(dirs):
    """Every regular file directly inside the allowed folders, by name."""
    found = []
    several = len([d for d in dirs if os.path.isdir(d)]) > 1
    for folder in dirs:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in names:
            hit = _regular_file_in(folder, entry)
            if hit:
                real, info = hit
                shown = f"{os.path.basename(folder)}/{entry}" if several else entry
                found.append(DataFile(shown, real, info.st_size, info.st_mtime_ns))
    return found


def resolve(name, dirs):
    """The DataFile a page's choice names; anything not in the current listing is refused."""
    if not isinstance(name, str) or "\0" in name:
        raise UserError("choose a data file from the list")
    for f in list_files(dirs):
        if f.name == name:
            return f
    raise UserError("that data file is not in the allowed data folders (any more); choose one from the list")


def read_bounded(path, limit=None, what="data file", shown=None):
    """The bytes of a regular file of at most `limit` bytes (default: the size cap).

    Opened non-blocking, so a FIFO cannot hang the caller, and checked with fstat on the opened file,
    so a file swapped after a check is still checked; never reads more than limit + 1 bytes.
    Messages name the file and the reason, never its content.
    """
    limit = max_bytes() if limit is None else limit
    shown = path if shown is None else shown   # pages name the file as listed, not by its server path
    if "\0" in str(path):
        raise UserError(f"the {what} name contains a NUL character")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UserError(f"{what} not found: {shown}")
    except OSError as e:
        raise UserError(f"cannot open {what} {shown}: {e.strerror or type(e).__name__}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"{shown} is not a regular file")
        if info.st_size > limit:
            raise UserError(f"{shown} is {info.st_size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB "
                            f"({MAX_MB_ENV})")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:   # the file grew while being read
            raise UserError(f"{shown} is larger than the limit of {limit / 1e6:.1f} MB ({MAX_MB_ENV})")
        return b"".join(chunks)
    except OSError as e:
        raise UserError(f"cannot read {what} {shown}: {e.strerror or type(e).__name__}")
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Upload:
    """A validated upload, held in memory until a run keeps it (core.jobs.start_queue)."""
    name: str        # display_name() of the user's file name: shown and recorded, never a path
    content: bytes
    sha256: str

    def __repr__(self):   # never the content
        return f"Upload({self.name!r}, {len(self.content)} bytes, sha256={self.sha256[:12]}...)"


def sha256(raw):
    return hashlib.sha256(raw).hexdigest()


def display_name(name):
    """An upload's file name as something safe to show: no folders, no control characters, capped."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if name in ("", ".", ".."):
        name = "upload"
    return name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS - 1] + "…"


def is_disk_full(error):
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
