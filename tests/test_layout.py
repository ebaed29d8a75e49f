"""Project rules that are easy to break without noticing."""
import subprocess
import sys

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
