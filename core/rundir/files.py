"""Reading and writing a run directory's files: bounded reads that never block, the one atomic write,
and the lock that serialises read-modify-write updates.

Reads: a run directory may be damaged or planted with anything (a FIFO, a symlink to /dev/zero, a
line of a thousand brackets). open_regular opens without blocking, refuses what is not a regular file
or leads out of its run through a symlink, and the readers read at most a fixed size.

Writes: every file a reader may see while it is written (status.json, meta.json, checkpoints, the live
snapshot, a queue ticket, an upload's copy) goes to a temp file beside it, unique to the write, and is
renamed over it, so a reader sees the old file or the new one, never half of one. The temp name ends
with the writer's pid, so clean_tmp can tell a dead writer's leftovers from a live one's.

Updates (status.json, meta.json: read, change, write) hold the run's lock (.lock in the run
directory, an flock) so two tabs or a tab and the trainer never lose each other's change.
"""
import contextlib
import fcntl
import json
import os
import stat
import uuid

from core.errors import UserError

MAX_JSON_BYTES = 1 << 20   # a run's JSON files are a few KB; a bigger one is damaged, not read
LOCK = ".lock"


def open_regular(path, inside=None):
    """A binary file object for a regular file, opened without blocking on a FIFO or a device.

    inside: the folder the file must really lie in (default: its own folder), so a symlink may point
    within the run but not out of it. Raises UserError naming the file, never its content.
    """
    name = os.path.basename(path)
    folder = os.path.realpath(inside or os.path.dirname(path) or ".")
    if os.path.commonpath([os.path.realpath(path), folder]) != folder:
        raise UserError(f"{name} leads out of its run directory")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise UserError(f"missing {name}")
    except OSError as e:
        raise UserError(f"cannot read {name}: {e.strerror or type(e).__name__}")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UserError(f"{name} is not a regular file")
    return os.fdopen(fd, "rb")


def read_bounded(path, limit, inside=None, offset=0):
    """At most limit bytes of a regular file from offset on; UserError when there are more."""
    with open_regular(path, inside) as f:
        f.seek(offset)
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise UserError(f"{os.path.basename(path)} is larger than {limit // (1 << 20) or 1} MB")
    return raw


def read_json(path):
    """A JSON file of at most MAX_JSON_BYTES; any problem is a UserError naming the file, not its content."""
    raw = read_bounded(path, MAX_JSON_BYTES)
    try:
        return json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise UserError(f"{os.path.basename(path)} is not valid JSON ({type(e).__name__})")


def atomic_write(path, write, durable=True):
    """Write a file through write(binary file object), then rename it into place. durable: fsync
    first (a checkpoint or a status must survive a crash; the disposable live snapshot need not)."""
    tmp = f"{path}.{uuid.uuid4().hex[:12]}.{os.getpid()}.tmp"   # unique per write: threads never share one
    try:
        with open(tmp, "wb") as f:
            write(f)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)   # a failed write (disk full, interrupted) leaves no half file behind
        raise


def write_json_atomic(path, obj):
    atomic_write(path, lambda f: f.write(json.dumps(obj, indent=1).encode("utf-8")))


@contextlib.contextmanager
def run_lock(run_dir):
    """Hold the run's update lock (threads and processes alike: each open takes its own flock).
    FileNotFoundError when the run directory is gone (deleted meanwhile)."""
    with open(os.path.join(run_dir, LOCK), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


def clean_tmp(run_dir):
    """Remove the *.tmp files an interrupted atomic write left, except those of a live writer."""
    from core.rundir.status import process_alive   # here: status.py itself writes through this module
    for folder in (run_dir, os.path.join(run_dir, "checkpoints")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.endswith(".tmp") and not _tagged_by_live_writer(name, process_alive):
                remove_quietly(os.path.join(folder, name))


def _tagged_by_live_writer(tmp_name, writer_alive):
    """True for the temp file of a live process, this one included: another thread of it (a second tab's
    Save) may be writing it this instant."""
    tag = tmp_name[:-len(".tmp")].rsplit(".", 1)[-1]
    return tag.isdigit() and (int(tag) == os.getpid() or writer_alive(int(tag)))
