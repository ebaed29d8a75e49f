"""The Attention page's plain notes on a date model's answer (core/data/honesty.py says what they are):
an output that is no date, and the reading the model was trained to use for a numeric date that could
be read two ways. (An input the parser cannot read is the verdict's own message, core.data.tasks.)"""
import streamlit as st

from core.data import honesty
from ui.plain import plain_text

_ICONS = {"invalid_output": ":material/event_busy:", "two_readings": ":material/swap_horiz:"}


def date_notes(result, task):
    """Show the notes for one translation (core.decoding.translation.Translation) of a run's task."""
    for kind, text in honesty.notes(result, task.dates):
        show = st.warning if kind == "invalid_output" else st.info
        show(plain_text(text, limit=400), icon=_ICONS[kind])
