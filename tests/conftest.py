"""Shared fixtures. Tests never touch the real artifacts/: the UI is pointed at a temporary folder."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ARTIFACTS = tempfile.mkdtemp(prefix="attention-lab-test-artifacts-")
os.environ["ATTENTION_LAB_ARTIFACTS"] = _ARTIFACTS   # read by ui.py when the app is imported

# A small model that still learns the dates: trained once per session, shared read-only.
TINY_TRAIN_ARGS = ["--data-size", "6000", "--epochs", "3", "--hidden-size", "64", "--wordvec-size", "16",
                   "--batch-size", "64", "--lr", "0.005", "--seed", "1"]


def run_module(module, *args, timeout=300, check=False):
    """python -m module args... from the project root -> CompletedProcess with text output."""
    result = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="session")
def artifacts():
    return _ARTIFACTS


@pytest.fixture(scope="session")
def tiny_run(artifacts):
    """A trained run directory: the fixture's stand-in for artifacts/demo."""
    run_dir = os.path.join(artifacts, "demo")
    if not os.path.isdir(os.path.join(run_dir, "checkpoints")):
        run_module("core.train", "--run-dir", run_dir, "--quiet", *TINY_TRAIN_ARGS, check=True)
    return run_dir


@pytest.fixture
def run_copy(tiny_run, tmp_path):
    """A private copy of the tiny run that a test may damage."""
    target = tmp_path / "run"
    shutil.copytree(tiny_run, target)
    return str(target)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_ARTIFACTS, ignore_errors=True)
