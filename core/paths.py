"""Where the project lives: the one definition of PROJECT_ROOT (processes start there, so that
`python -m core.train` and the worker processes find the code whatever the caller's directory)."""
import os

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
