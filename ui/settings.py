"""The host's settings in .streamlit/secrets.toml, each read and checked in one place (README, "A class
on one server"). A value of the wrong kind is not used: the setting keeps its default and the pages
show one line saying which setting is wrong and what it takes (problems())."""
import math
import os

import streamlit as st

from core.data import server_files
from core.errors import UserError
from core.jobs import cluster
from core.training.estimate import Caps

# name: (default, low, high, what it is); None as a default means "not set: no limit / no code"
NUMBERS = {
    "max_runs_per_visitor": (1, 1, 1000, "training requests going or waiting per browser"),
    "max_runs_per_address": (3, 1, 1000, "training requests going or waiting per client address"),
    "starts_per_minute": (3, 1, 1000, "new training requests per client address and minute"),
    "max_run_minutes": (60, 1, 10_000, "estimated training time per run, in minutes"),
    "max_run_memory_mb": (2048, 100, 1_000_000, "estimated memory per run, in MB"),
    "max_run_disk_mb": (500, 1, 1_000_000, "checkpoints per run, in MB"),
    "max_sweep_runs": (10, 1, 200, "runs in one sweep queued from the Train page (one request of the visitor's)"),
    "training_cores": (None, 1, 4096, "cores the queue fills at once (default: every core)"),
    # 1: runs side by side. On this 2-core machine 4 runs finished 2.6x sooner two at a time with one
    # worker each than one at a time with two (python -m tools.bench_slots, 2026-12-02; README).
    "workers_per_run": (1, 1, 64, "worker processes (cores) per run"),
}
TEXTS = ("host_password", "class_code", "ray_address")


def _raw(name):
    try:
        return st.secrets.get(name)
    except Exception:   # no secrets.toml at all: Streamlit raises instead of returning the default
        return None


def number(name):
    """A numeric setting, or its default when unset or invalid (problems() names the invalid ones)."""
    default, low, high, _ = NUMBERS[name]
    value = _raw(name)
    return value if _valid_number(value, low, high) else default


def _valid_number(value, low, high):
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and low <= value <= high)


def text(name):
    """host_password, class_code or ray_address: a non-empty string, else None (not set)."""
    value = _raw(name)
    return value if isinstance(value, str) and value else None


def training_cores():
    return int(number("training_cores") or os.cpu_count() or 1)


def cluster_address():
    """The Ray cluster runs train on (ray_address, or ATTENTION_LAB_RAY_ADDRESS), or None: this server."""
    return cluster.address(text("ray_address"))


def workers_per_run():
    """Workers (and so cores) each run of the Train page uses, at most the pool."""
    return int(min(number("workers_per_run"), training_cores()))


def caps():
    return Caps(minutes=number("max_run_minutes"), memory_mb=number("max_run_memory_mb"),
                disk_mb=number("max_run_disk_mb"))


def problems():
    """One line per setting the host wrote wrong (secrets or environment), for the pages to show."""
    found = []
    for name, (default, low, high, what) in NUMBERS.items():
        value = _raw(name)
        if value is not None and not _valid_number(value, low, high):
            found.append(f"secrets.toml: {name} ({what}) must be a number from {low:,} to {high:,}; "
                         f"using {'the default' if default is None else default}")
    for name in TEXTS:
        value = _raw(name)
        if value is not None and not (isinstance(value, str) and value):
            found.append(f"secrets.toml: {name} must be a non-empty text in quotes; it is not used")
    try:
        server_files.max_bytes()
    except UserError as e:
        found.append(str(e))
    return found
