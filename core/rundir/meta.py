"""What people say about a run, kept beside it in meta.json: a display name, a note, and its owner.

The run directory's name never changes (paths in links and caches stay valid); "name" is only what
the pages show. "owner" is the SHA-256 of the token of the browser that started the run (never the
token itself), so a visitor can manage their own runs and no one else's (see the README's "A class on
one server"). meta.json is replaced atomically, like status.json.
"""
import hashlib
import os
import shutil

from core.errors import UserError
from core.rundir.definition import is_run_dir
from core.rundir.files import read_json, write_json_atomic
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
    meta = read(run_dir)
    meta.update(changes)
    write_json_atomic(os.path.join(run_dir, META), meta)
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
    if not is_run_dir(real_run):
        raise UserError(f"{os.path.basename(real_run)} is not a run directory")
    state = read_status(real_run).get("state")
    if state in ACTIVE_STATES:
        raise UserError(f"{os.path.basename(real_run)} is {state}: stop it before deleting it")
    shutil.rmtree(real_run)
