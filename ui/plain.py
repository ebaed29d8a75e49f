"""Users' text on a page as plain text: never Markdown, never a link or an image (README, Hosting).

Streamlit renders most text elements as Markdown, so a run name like "**x**" or a data line with
"[a](http://...)" would be formatted or linked. Everything a user or a file wrote goes through
plain_text (one line, capped, every markup character escaped) or a plain element (st.text, st.code).
"""
import streamlit as st

MAX_SHOWN_CHARS = 300   # users' text (errors, names, excerpts) is cut to this length when shown
MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=@^")   # ':' '.' '@': bare links and e-mail addresses


def escape_markdown(text):
    """Backslash-escape every character Markdown (and Streamlit's extensions) could interpret."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in str(text))


def plain_text(text, limit=MAX_SHOWN_CHARS):
    """Users' text made safe for Streamlit's Markdown elements: one line (no headings, lists or code
    blocks), capped, every markup character escaped."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return escape_markdown(text)


def plain_error(text):
    """st.error showing text (an error's message, a UserError) as plain text."""
    st.error(plain_text(text), icon="⚠️")


def plain_warning(text):
    st.warning(plain_text(text), icon="⚠️")
