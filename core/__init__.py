"""Attention Lab's engine: everything but the web pages (docs/architecture.md is the map).

PROJECT_ROOT is where the project lives: processes start there, so that `python -m core.train` and
the worker processes find the code whatever the caller's directory.
"""
import os

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
