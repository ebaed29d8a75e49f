"""Kept for one release, until the first release of 2027: a trainer started before the layout of
2026-12-02 (and still training while the server was upgraded) starts its workers with
`from core.parallel import worker_main`. The workers live in core/training/steppers.py now."""
from core.training.steppers import worker_main  # noqa: F401
