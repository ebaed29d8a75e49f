"""Project rules that are easy to break without noticing."""
import glob
import os
import pkgutil
import subprocess
import sys

import core
from core import rundir
from core.data import dates
from core.decoding import translation
from tests.conftest import PROJECT_ROOT

MAX_TOP_MODULES = 10      # core/: the four commands and a few shared modules; the rest lives in packages
MAX_MODULE_LINES = 400
MAX_PAGE_LINES = 150


def every_core_module():
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, "core."))


def test_core_imports_without_streamlit():
    modules = every_core_module()
    assert len(modules) > 40 and "core.rundir.status" in modules and "core.model.time_layers" in modules
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'torch', 'ray')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert eval(result.stdout) == []


def test_the_layout_keeps_its_promises():
    """A few modules at the top of core/, none over 400 lines, no page over 150 (issue 17)."""
    top = [f for f in os.listdir(os.path.join(PROJECT_ROOT, "core")) if f.endswith(".py")]
    assert len(top) <= MAX_TOP_MODULES, sorted(top)
    for command in ("train.py", "evaluate.py", "translate.py", "bench.py"):
        assert command in top
    for pattern, limit in (("core/**/*.py", MAX_MODULE_LINES), ("ui/*.py", MAX_MODULE_LINES),
                           ("pages/*.py", MAX_PAGE_LINES), ("app.py", MAX_PAGE_LINES)):
        for path in glob.glob(os.path.join(PROJECT_ROOT, pattern), recursive=True):
            with open(path) as f:
                lines = len(f.read().splitlines())
            assert lines <= limit, f"{os.path.relpath(path, PROJECT_ROOT)} has {lines} lines (at most {limit})"


def test_no_module_edits_sys_path():
    """Tools run as `python -m tools.NAME` from the project root: nothing needs to patch sys.path."""
    for pattern in ("core/**/*.py", "ui/*.py", "pages/*.py", "tools/*.py", "app.py"):
        for path in glob.glob(os.path.join(PROJECT_ROOT, pattern), recursive=True):
            with open(path) as f:
                text = f.read()
            assert "sys.path.insert" not in text and "sys.path.append" not in text, path


def test_the_shipped_demo_run_loads_and_converts_dates():
    """artifacts/demo is what a fresh checkout opens on: every epoch loads with the current code,
    and the last one converts fresh dates of every format (it scores 100% on the book's file)."""
    demo = os.path.join(PROJECT_ROOT, "artifacts", "demo")
    for epoch in rundir.epochs(demo):
        model, vocab, config, _ = rundir.load_model(demo, epoch)
    # in the forms it learnt: all of the generator's (a demo trained before issue 21 knew the older ones)
    examples = dates.generate(300, seed=20261127, formats=dates.trained_formats(vocab.chars, vocab.input_width))
    results = [translation.translate(model, vocab, config, e.question) for e in examples]
    assert sum(r.prediction == e.answer for r, e in zip(results, examples)) >= 297
