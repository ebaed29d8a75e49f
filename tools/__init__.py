"""Measuring and data tools, run from the project root as python -m tools.NAME."""
