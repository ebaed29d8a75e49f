"""What the figures share: colours, and showing a user's text as itself in Plotly's HTML-like labels."""
HEATMAP_SCALE = "Blues"
LINE_RGB = "8, 81, 156"     # the dark end of the Blues scale, as r, g, b (the lines view)
WRONG_COLOR = "#d62728"     # a wrong output character
SPAN_COLOR = "#e4572e"      # the outline of an output character's source in the input
TICK_COLOR = "#1f1f1f"
# Confidence strip: red where the model hesitates, green where it is sure.
CONFIDENCE_SCALE = [[0.0, "#d73027"], [0.5, "#fc8d59"], [0.8, "#fee08b"], [0.95, "#d9ef8b"], [1.0, "#1a9850"]]
# One colour per run, the same in every curve figure.
RUN_COLORS = ["#1f77b4", "#e4572e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def html_text(text):
    """A user's text shown as itself in Plotly labels and hovers, which read a little HTML."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shown_char(char):
    """One input or output character as a label: itself, HTML-escaped, a space as a visible '␣'."""
    return "␣" if char == " " else html_text(char)


def blank_or_char(char):
    """A character named in a hover: 'x' in quotes, or "a blank" for a space (answers are padded with
    blanks, which a quoted space does not show)."""
    return "a blank (␣)" if char == " " else f"'{html_text(char)}'"


def marked_char(char, wrong=False):
    """An output character as an axis label: shown_char, in bold red where it is wrong."""
    shown = shown_char(char)
    return f"<span style='color:{WRONG_COLOR}'><b>{shown}</b></span>" if wrong else shown
