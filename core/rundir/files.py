"""Reading and writing a run directory's small files: bounded JSON reads, and the one atomic write.

Every file a reader may see while it is being written (status.json, meta.json, checkpoints, the live
snapshot, a queue ticket, an upload's copy) is written to a temp file beside it and renamed over it,
so a reader sees the old file or the new one, never half of one. The temp name carries the writer's
pid: the dashboard and the training process both write status.json and must never rename each
other's half-written file, and clean_tmp can tell a dead writer's leftovers from a live one's.
"""
import json
import os

from core.errors import UserError

MAX_JSON_BYTES = 1 << 20   # a run's JSON files are a few KB; a bigger one is damaged, not read


def atomic_write(path, write, durable=True):
    """Write a file through write(binary file object), then rename it into place. durable: fsync
    first (a checkpoint or a status must survive a crash; the disposable live snapshot need not)."""
    tmp = f"{path}.{os.getpid()}.tmp"
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


def remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


def read_json(path):
    """A JSON file of at most MAX_JSON_BYTES; any problem is a UserError naming the file, not its content."""
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
    """Remove the *.tmp files an interrupted atomic write left, except those of a live writer."""
    from core.rundir.status import process_alive  # here: status.py itself writes through this module
    for folder in (run_dir, os.path.join(run_dir, "checkpoints")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.endswith(".tmp") and not _tagged_by_live_writer(name, process_alive):
                remove_quietly(os.path.join(folder, name))


def _tagged_by_live_writer(tmp_name, writer_alive):
    tag = tmp_name[:-len(".tmp")].rsplit(".", 1)[-1]
    return tag.isdigit() and int(tag) != os.getpid() and writer_alive(int(tag))
