"""Figures for looking inside a decision (core/decoding/inspection.py): the candidates at each step,
attention beside gradient saliency, the character embeddings in 2-D, and the agreement of attention
and gradients per checkpoint. Pure functions -> go.Figure.

As in heatmap.py, heatmap axes are integer positions with the characters as tick text: categorical
axes would merge the two '1's of "2016-11-22" into one row.
"""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.viz.style import HEATMAP_SCALE, RUN_COLORS, TICK_COLOR, html_text, marked_char, shown_char

_MONO = {"color": TICK_COLOR, "family": "monospace"}


def candidates_figure(prediction, tops, title=None, wrong=None):
    """The k likeliest characters at each output step: columns are the output characters (wrong ones in
    red, as on the heatmap), rows the ranks (1 on top), each cell the candidate and its probability.
    tops: per step [(char, p)]; wrong: per output character, or None when the answer is unknown."""
    T, k = len(tops), len(tops[0])
    z = [[tops[t][r][1] for t in range(T)] for r in range(k)]
    text = [[f"{shown_char(tops[t][r][0])}<br>{_percent(tops[t][r][1])}" for t in range(T)] for r in range(k)]
    hover = [[f"output {t + 1} '{html_text(prediction[t])}': candidate {r + 1} '{html_text(tops[t][r][0])}', "
              f"probability {tops[t][r][1]:.4f}" for t in range(T)] for r in range(k)]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(T)), y=list(range(k)), zmin=0.0, zmax=1.0, colorscale=HEATMAP_SCALE, showscale=False,
        text=text, texttemplate="%{text}", textfont={"size": 12}, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2))
    fig.update_xaxes(tickmode="array", tickvals=list(range(T)),
                     ticktext=[marked_char(c, bool(wrong and wrong[t])) for t, c in enumerate(prediction[:T])],
                     side="top", tickfont={**_MONO, "size": 15}, showgrid=False, zeroline=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(k)), ticktext=[f"#{r + 1}" for r in range(k)],
                     range=[k - 0.5, -0.5], showgrid=False, zeroline=False, tickfont={"size": 12})
    fig.update_layout(height=70 + 44 * k, margin={"l": 40, "r": 10, "t": 60 if title else 35, "b": 10},
                      plot_bgcolor="white",
                      title={"text": html_text(title) if title else None, "font": {"size": 14}, "y": 0.98})
    return fig


def _percent(p):
    """A probability short enough for a cell: 99.9%, 0.3%, <0.1%."""
    return "&lt;0.1%" if p < 0.001 else f"{p:.1%}"


def saliency_figure(attribution, wrong=None):
    """Attention (left) beside saliency (right) for every output character (rows; wrong ones in red)
    and input character (columns, reading order). Saliency is shown as |value| scaled to its row's largest, so each row
    compares with its attention row; hover gives the signed value. Right of the saliency: Spearman's
    rank correlation of the two rows."""
    a, s = attribution.attention, attribution.saliency
    T, L = a.shape
    inputs, outputs = list(attribution.text), list(attribution.prediction[:T])
    peak = np.abs(s).max(axis=1, keepdims=True)
    scaled = np.abs(s) / np.where(peak > 0, peak, 1)
    rows = [marked_char(c, bool(wrong and wrong[t])) for t, c in enumerate(outputs)]
    fig = make_subplots(1, 2, horizontal_spacing=0.08,
                        subplot_titles=("attention", f"|{html_text(attribution.method)}|"))   # short: 900 px windows
    for col, z, what in ((1, a, "attention"), (2, scaled, attribution.method)):
        values = a if col == 1 else s
        hover = [[f"output {t + 1} '{html_text(outputs[t])}' &lt;- input {i + 1} '{html_text(inputs[i])}': "
                  f"{html_text(what)} {values[t, i]:.4g}" for i in range(L)] for t in range(T)]
        fig.add_trace(go.Heatmap(z=z.tolist(), x=list(range(L)), y=list(range(T)), zmin=0.0, zmax=1.0,
                                 colorscale=HEATMAP_SCALE, showscale=False, xgap=1, ygap=1,
                                 customdata=hover, hovertemplate="%{customdata}<extra></extra>"), 1, col)
        fig.update_xaxes(tickmode="array", tickvals=list(range(L)), ticktext=[shown_char(c) for c in inputs],
                         tickangle=0, tickfont={**_MONO, "size": 12}, showgrid=False, zeroline=False, row=1, col=col)
        fig.update_yaxes(tickmode="array", tickvals=list(range(T)), range=[T - 0.5, -0.5], showgrid=False,
                         zeroline=False, tickfont={**_MONO, "size": 14}, row=1, col=col,
                         ticktext=rows if col == 1 else
                         [f"ρ {r:+.2f}" if np.isfinite(r) else "ρ -" for r in attribution.correlation])
    fig.update_yaxes(side="right", row=1, col=2)
    fig.update_layout(height=90 + 26 * T, margin={"l": 40, "r": 60, "t": 50, "b": 40}, plot_bgcolor="white")
    return fig


def embedding_figure(points, chars, extent, title=None):
    """Characters as labelled points in 2-D (points (V, 2)), digits, letters and the rest in three
    colours, on fixed axes [-extent, extent] so that frames of different checkpoints compare."""
    fig = go.Figure()
    groups = (("digits", str.isdigit, RUN_COLORS[0]), ("letters", str.isalpha, RUN_COLORS[1]),
              ("other", lambda c: not c.isalnum(), RUN_COLORS[2]))
    for name, belongs, color in groups:
        index = [i for i, c in enumerate(chars) if belongs(c)]
        if not index:
            continue
        fig.add_trace(go.Scatter(
            x=points[index, 0].tolist(), y=points[index, 1].tolist(), mode="markers+text", name=name,
            text=[shown_char(chars[i]) for i in index], textposition="top center",
            textfont={**_MONO, "size": 13, "color": color}, marker={"size": 7, "color": color},
            customdata=[f"'{html_text(chars[i])}'" for i in index],
            hovertemplate="%{customdata}: (%{x:.3f}, %{y:.3f})<extra>" + name + "</extra>"))
    fig.update_xaxes(range=[-extent, extent], zeroline=False, title="first principal component")
    fig.update_yaxes(range=[-extent, extent], zeroline=False, title="second principal component",
                     scaleanchor="x", scaleratio=1)
    fig.update_layout(height=520, margin={"l": 60, "r": 10, "t": 50, "b": 50},
                      title={"text": html_text(title) if title else None, "font": {"size": 14}},
                      legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"})
    return fig


def agreement_figure(labels, values, title="Attention against gradients, per checkpoint"):
    """One point per checkpoint (training order): mean Spearman correlation of attention and
    |gradient x input| over a fixed set of inputs."""
    fig = go.Figure(go.Scatter(x=list(range(len(labels))), y=list(values), mode="lines+markers",
                               customdata=[html_text(label) for label in labels],
                               hovertemplate="%{customdata}: ρ %{y:.3f}<extra></extra>",
                               line={"color": RUN_COLORS[0]}))
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(labels))),
                     ticktext=[html_text(label) for label in labels], tickangle=-30)
    fig.update_yaxes(range=[-1.02, 1.02], title="mean rank correlation ρ")
    fig.update_layout(height=360, margin={"l": 60, "r": 10, "t": 50, "b": 90}, title={"text": html_text(title),
                                                                                       "font": {"size": 14}})
    return fig


def clickable_cells(fig):
    """An attention heatmap (core.viz.attention_heatmap) whose cells can be clicked to select them.

    Plotly cannot select heatmap cells (a click on one raises no selection event), so an invisible
    marker sits on every cell of the first trace: a click selects the marker, whose x and y are the
    cell's input position and output step. The markers carry the cells' hover text."""
    cells = fig.data[0]
    xs, ys = list(cells.x), list(cells.y)
    hover = cells.text
    fig.add_trace(go.Scatter(
        x=[x for _ in ys for x in xs], y=[y for y in ys for _ in xs], mode="markers", name="cells",
        marker={"size": 14, "opacity": 0, "color": "black"}, showlegend=False,
        selected={"marker": {"opacity": 0}}, unselected={"marker": {"opacity": 0}},
        text=[hover[t][s] for t in range(len(ys)) for s in range(len(xs))] if hover is not None else None,
        hoverinfo="text" if hover is not None else "skip"))
    fig.data[0].hoverinfo = "skip"   # the markers show the same text
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig
