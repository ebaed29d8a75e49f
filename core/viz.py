"""Plotly figure builders: pure functions from data to go.Figure, usable without Streamlit."""
import plotly.graph_objects as go

HEATMAP_SCALE = "Blues"


def attention_heatmap(result, title=None, spans=None, compact=False):
    """Heatmap of a Translation: rows output characters, columns input characters in reading order.

    Axes are integer positions with the characters as tick labels, so repeated characters
    ("2016-11-22" has two 1s) stay separate rows and columns. ``spans`` (one (start, end) or None per
    output character) outlines the input characters each output character should come from.
    """
    weights = result.attention
    T, S = weights.shape
    inputs, outputs = list(result.text), list(result.prediction[:T])
    hover = [[f"output {t + 1} '{outputs[t]}' &larr; input {s + 1} '{inputs[s]}'<br>weight {weights[t, s]:.4f}"
              for s in range(S)] for t in range(T)]
    fig = go.Figure(go.Heatmap(
        z=weights.tolist(), x=list(range(S)), y=list(range(T)), zmin=0.0, zmax=1.0,
        colorscale=HEATMAP_SCALE, colorbar={"title": "weight"}, text=hover, hoverinfo="text",
        xgap=1, ygap=1, showscale=not compact))
    tick_font = {"size": 9} if compact else None
    fig.update_xaxes(tickmode="array", tickvals=list(range(S)), ticktext=[_visible(c) for c in inputs],
                     title=None if compact else "input (reading order)", side="top", tickangle=0,
                     tickfont=tick_font)
    fig.update_yaxes(tickmode="array", tickvals=list(range(T)), ticktext=[_visible(c) for c in outputs],
                     title=None if compact else "output", autorange="reversed", tickfont=tick_font)
    for row, span in enumerate(spans or []):
        if span:
            fig.add_shape(type="rect", x0=span[0] - 0.5, x1=span[1] - 0.5, y0=row - 0.5, y1=row + 0.5,
                          line={"color": "#e4572e", "width": 2})
    fig.update_layout(title={"text": title, "y": 0.98, "yanchor": "top"}, height=120 + 28 * T,
                      margin={"l": 30 if compact else 60, "r": 10 if compact else 20, "t": 90, "b": 20})
    return fig


def _visible(char):
    return "␣" if char == " " else char


def loss_curve(records, title="Training loss"):
    """Loss records ({"iteration", "loss"}) as a line; empty figure with a note when there are none."""
    points = [r for r in records if r.get("type") == "loss"]
    fig = go.Figure(go.Scatter(x=[r["iteration"] for r in points], y=[r["loss"] for r in points],
                               mode="lines", name="loss", line={"color": "#1f77b4"}))
    fig.update_layout(title=title, xaxis_title="iteration", yaxis_title="cross-entropy loss",
                      height=320, margin={"l": 60, "r": 20, "t": 50, "b": 40})
    if not points:
        _note(fig, "no loss recorded yet")
    return fig


def accuracy_curves(series, title="Test accuracy per epoch", y_title="test accuracy", x_title="epoch"):
    """series: {name: [(x, value), ...]} drawn as overlaid lines with markers, y from 0 to 1."""
    fig = go.Figure()
    for name, points in series.items():
        fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points],
                                 mode="lines+markers", name=name))
    # the legend sits above the plot, clear of the axis titles
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, yaxis_range=[0, 1.02],
                      height=360, margin={"l": 60, "r": 20, "t": 80, "b": 40},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    if x_title == "epoch":
        fig.update_xaxes(dtick=1)
    if not any(series.values()):
        _note(fig, "nothing recorded yet")
    return fig


def _note(fig, text):
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 14, "color": "#888"})
