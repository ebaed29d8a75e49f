"""Kept for one release, until the first release of 2027: a trainer started before the layout of
2026-12-02 (and still training while the server was upgraded) starts its decoding workers with
`from core.decode_workers import worker_main`. They live in core/decoding/worker_pool.py now."""
from core.decoding.worker_pool import worker_main  # noqa: F401
