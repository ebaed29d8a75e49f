"""Project rules that are easy to break without noticing."""
import os
import subprocess
import sys

from core import dates, runs, translate
from tests.conftest import PROJECT_ROOT

CORE_MODULES = ["core.layers", "core.attention", "core.models", "core.optim", "core.data", "core.dates",
                "core.runs", "core.checkpoints", "core.train", "core.evaluate", "core.translate",
                "core.jobs", "core.viz", "core.bench", "core.decode"]


def test_core_imports_without_streamlit():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE_MODULES)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'torch')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = eval(result.stdout)
    assert "streamlit" not in loaded and "torch" not in loaded


def test_the_shipped_demo_run_loads_and_converts_dates():
    """artifacts/demo is what a fresh checkout opens on: every epoch loads with the current code,
    and the last one converts fresh dates of every format (it scores 100% on the book's file)."""
    demo = os.path.join(PROJECT_ROOT, "artifacts", "demo")
    for epoch in runs.epochs(demo):
        model, vocab, config, _ = runs.load_model(demo, epoch)
    examples = dates.generate(300, seed=20261127)
    results = [translate.translate(model, vocab, config, e.question) for e in examples]
    assert sum(r.prediction == e.answer for r, e in zip(results, examples)) >= 297
