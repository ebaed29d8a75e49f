"""What people say about a run, kept beside it in meta.json: a display name, a note, and its owner.

The run directory's name never changes (paths in links and caches stay valid); "name" is only what
the pages show. "owner" is the SHA-256 of the token of the browser that started the run (never the
token itself), so a visitor can manage their own runs and no one else's (see the README's "A class on
one server"). meta.json is replaced atomically, like status.json, under the run's lock.

    name     str, at most MAX_NAME characters, one line    the Runs page (rename)
    note     str, at most MAX_NOTE characters              the Runs page
    owner    str, 64 hex digits                            core.jobs at Start
    sweep    str, the sweep's id                           core.jobs at Start, for a sweep's runs
    setting  str, the run's setting in its sweep           (core/training/sweep.py setting_label)
"""
import errno
import hashlib
import os
import shutil
import uuid

from core.errors import UserError
from core.rundir.definition import is_run_dir
from core.rundir.files import read_json, run_lock, write_json_atomic
from core.rundir.status import ACTIVE_STATES, read_status

META = "meta.json"
MAX_NAME = 80
MAX_NOTE = 2000


def read(run_dir):
    """meta.json as a dict; a missing or damaged file reads as {} (a run does not need one)."""
    try:
        meta = read_json(os.path.join(run_dir, META))
    except UserError:
        return {}
    return meta if isinstance(meta, dict) else {}


def update(run_dir, **changes):
    """Merge changes into meta.json under the run's lock; UserError (one line, nothing changed) when
    the run is gone (deleted meanwhile) or the disk is full."""
    try:
        with run_lock(run_dir):
            meta = read(run_dir)
            meta.update(changes)
            write_json_atomic(os.path.join(run_dir, META), meta)
    except FileNotFoundError:
        raise UserError(f"{os.path.basename(os.path.normpath(run_dir))} no longer exists (deleted?)") from None
    except OSError as e:
        raise UserError(f"cannot save: {'the disk is full' if e.errno == errno.ENOSPC else e.strerror}") from None
    return meta


def owner_hash(token):
    """What is stored for a browser's token: knowing the hash does not let anyone act as its owner."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest() if token else None


def owner(run_dir):
    return read(run_dir).get("owner")


def clean_name(name):
    """A display name: one line, printable, at most MAX_NAME characters; empty means "use the folder name"."""
    name = " ".join(str(name).split())   # newlines and tabs become single spaces
    if len(name) > MAX_NAME:
        raise UserError(f"a run name has at most {MAX_NAME} characters (this one has {len(name)})")
    if any(not c.isprintable() for c in name):
        raise UserError("a run name cannot hold control characters")
    return name


def clean_note(note):
    note = str(note).replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise UserError(f"a note has at most {MAX_NOTE} characters (this one has {len(note)})")
    if any(not (c.isprintable() or c in "\n\t") for c in note):
        raise UserError("a note cannot hold control characters")
    return note


def rename(run_dir, name):
    return update(run_dir, name=clean_name(name))


def set_note(run_dir, note):
    return update(run_dir, note=clean_note(note))


def delete(run_dir, root):
    """Remove a finished, stopped or failed run directory that lies directly under root.

    Never a run that is queued or running (stop it first), never anything outside root (the demo
    run lives elsewhere, so it cannot be deleted), never a folder that is not a run.
    """
    real_root, real_run = os.path.realpath(root), os.path.realpath(run_dir)
    if os.path.dirname(real_run) != real_root or os.path.islink(run_dir.rstrip(os.sep)):
        raise UserError("only runs in the runs folder can be deleted (the demo run stays)")
    if not os.path.exists(real_run):
        raise UserError(f"{os.path.basename(real_run)} no longer exists (deleted?)")
    if not is_run_dir(real_run):
        raise UserError(f"{os.path.basename(real_run)} is not a run directory")
    state = read_status(real_run).get("state")
    if state in ACTIVE_STATES:
        raise UserError(f"{os.path.basename(real_run)} is {state}: stop it before deleting it")
    # Out of every reader's sight in one rename (listings skip hidden folders), then removed: nobody
    # sees a half-deleted run, and a Save racing the delete finds no run instead of recreating one.
    hidden = os.path.join(real_root, f".deleted-{os.path.basename(real_run)}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(real_run, hidden)
    except FileNotFoundError:
        raise UserError(f"{os.path.basename(real_run)} no longer exists (deleted?)") from None
    shutil.rmtree(hidden, ignore_errors=True)
