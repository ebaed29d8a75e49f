"""The attention heatmap: rows are output characters, columns input characters in reading order, with a
strip of the model's confidence in each output character. A pure function of a Translation -> go.Figure."""
import plotly.graph_objects as go

from core.viz.style import CONFIDENCE_SCALE, HEATMAP_SCALE, SPAN_COLOR, TICK_COLOR, WRONG_COLOR, html_text, shown_char


def attention_heatmap(result, title=None, spans=None, compact=False):
    """Heatmap of a Translation: rows output characters, columns input characters in reading order.

    Axes are integer positions with the characters as tick labels, so repeated characters
    ("2016-11-22" has two 1s) stay separate rows and columns; cells are square whatever the input's
    length. ``spans`` (one (start, end) or None per output character) outlines the input characters
    each output character should come from. Unless ``compact``, a strip right of the rows shows how
    sure the model was of each output character (its softmax probability), and where the right
    answer is known the wrong output characters are marked in red, with the right one beside them.
    """
    weights = result.attention
    T, S = weights.shape
    inputs, outputs = list(result.text), list(result.prediction[:T])
    confidence = getattr(result, "confidence", None)
    strip = not compact and confidence is not None
    wrong = getattr(result, "wrong", None) or [False] * T
    expected = (result.expected or "").ljust(T)
    hover = [[_cell_hover(t, outputs[t], s, inputs[s], weights[t, s], confidence) for s in range(S)]
             for t in range(T)]
    fig = go.Figure(go.Heatmap(
        z=weights.tolist(), x=list(range(S)), y=list(range(T)), zmin=0.0, zmax=1.0,
        colorscale=HEATMAP_SCALE, text=hover, hoverinfo="text", xgap=1, ygap=1, showscale=not compact,
        # a short horizontal scale under the rows: it takes no width from the cells
        colorbar={"title": {"text": "weight", "side": "right"}, "orientation": "h", "thickness": 10,
                  "len": 0.4, "lenmode": "fraction", "x": 0, "xanchor": "left", "y": -0.02,
                  "yanchor": "top", "tickfont": {"size": 11}}))
    x_ticks, x_text, right_edge = list(range(S)), [shown_char(c) for c in inputs], S - 0.5
    if strip:
        # two cells wide, one column apart from the input, each probability printed in its cell
        fig.add_trace(go.Heatmap(
            z=[[float(p)] for p in confidence], x0=S + 1.5, dx=2, y=list(range(T)), zmin=0.0, zmax=1.0,
            colorscale=CONFIDENCE_SCALE, showscale=False, ygap=1, text=[[f"{p:.2f}"] for p in confidence],
            texttemplate="%{text}", textfont={"size": 11, "color": TICK_COLOR},
            customdata=[[_strip_hover(t, outputs[t], confidence[t], wrong[t], expected[t])] for t in range(T)],
            hovertemplate="%{customdata}<extra></extra>", yaxis="y2"))
        right_edge = S + 2.5
        # its header in line with the input's characters (the x ticks stay exactly the input)
        fig.add_annotation(text="p", x=S + 1.5, y=-0.5, yref="y", yanchor="bottom", showarrow=False,
                           yshift=4, font={"size": 15, "color": TICK_COLOR, "family": "monospace"})
    tick_font = {"size": 10 if compact else 15, "color": TICK_COLOR, "family": "monospace"}
    fig.update_xaxes(tickmode="array", tickvals=x_ticks, ticktext=x_text, side="top", tickangle=0,
                     title=None if compact else {"text": "input (reading order)", "font": {"size": 13}},
                     tickfont=tick_font, showgrid=False, zeroline=False, range=[-0.5, right_edge],
                     constrain="domain")
    fig.update_yaxes(tickmode="array", tickvals=list(range(T)), tickfont=tick_font,
                     ticktext=[_row_label(c, bad) for c, bad in zip(outputs, wrong)],
                     title=None if compact else {"text": "output", "font": {"size": 13}},
                     range=[T - 0.5, -0.5], showgrid=False, zeroline=False,
                     scaleanchor="x", scaleratio=1, constrain="domain", constraintoward="top")
    if strip:
        # right of the strip: the right character, where the output is wrong
        fig.update_layout(yaxis2={
            "overlaying": "y", "side": "right", "matches": "y", "tickmode": "array", "showgrid": False,
            "tickvals": list(range(T)), "zeroline": False, "ticks": "",
            "tickfont": {"size": 13, "color": WRONG_COLOR},
            "ticktext": [f"✗ '{html_text(e)}'" if bad else "" for bad, e in zip(wrong, expected)]})
    for row, span in enumerate(spans or []):
        if span:
            fig.add_shape(type="rect", x0=span[0] - 0.5, x1=span[1] - 0.5, y0=row - 0.5, y1=row + 0.5,
                          name="source", line={"color": SPAN_COLOR, "width": 2})
    for row, bad in enumerate(wrong if strip else []):
        if bad:   # a wrong output character: its confidence cell framed in red (and its label red)
            fig.add_shape(type="rect", x0=S + 0.5, x1=S + 2.5, y0=row - 0.5, y1=row + 0.5, name="wrong",
                          line={"color": WRONG_COLOR, "width": 3})
    # Cells are square (scaleanchor). The height fits a plot about 500 px wide: a 1400 px window has
    # more (the squares keep their size, the plot is narrower than the page), a 900 px window about
    # 330 px (smaller squares, some space left below them).
    columns = right_edge + 0.5
    cell = 16 if compact else max(16, min(34, 500 / columns))
    top = (60 if title else 30) + (0 if compact else 30)
    bottom = 10 if compact else 50
    fig.update_layout(title={"text": html_text(title) if title else None, "y": 0.99, "yanchor": "top",
                             "font": {"size": 13 if compact else 15}},
                      height=int(top + T * cell + bottom), plot_bgcolor="white",
                      margin={"l": 30 if compact else 60, "r": 10 if compact else 50, "t": top, "b": bottom})
    return fig


def _cell_hover(t, out, s, inp, weight, confidence):
    text = f"output {t + 1} '{html_text(out)}' &lt;- input {s + 1} '{html_text(inp)}', weight {weight:.3f}"
    if confidence is not None:
        text += f"<br>the model was {confidence[t]:.1%} sure of '{html_text(out)}'"
    return text


def _strip_hover(t, out, p, bad, right):
    text = f"output {t + 1} '{html_text(out)}': confidence {p:.3f}"
    return text + (f"<br>wrong: the right character is '{html_text(right)}'" if bad else "")


def _row_label(char, bad):
    shown = shown_char(char)
    return f"<span style='color:{WRONG_COLOR}'><b>{shown}</b></span>" if bad else shown

