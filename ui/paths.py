"""Where the app finds runs and data. Tests point ATTENTION_LAB_ARTIFACTS at a temporary folder, so
they never touch the real artifacts/."""
import os

from core.data import server_files
from core import PROJECT_ROOT

ARTIFACTS = os.environ.get("ATTENTION_LAB_ARTIFACTS", os.path.join(PROJECT_ROOT, "artifacts"))
RUNS_ROOT = os.path.join(ARTIFACTS, "runs")
DEMO_RUN = os.path.join(ARTIFACTS, "demo")


def data_dirs():
    """The allowed data folders: artifacts/data and those in ATTENTION_LAB_DATA_DIRS (README, Hosting)."""
    return server_files.allowed_dirs(ARTIFACTS)


def shown_path(path):
    """A server path as the pages show it: relative to the project."""
    return os.path.relpath(path, PROJECT_ROOT)
