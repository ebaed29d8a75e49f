"""Replay: one input's attention through every checkpoint of a run, as a Plotly animation.

Top: the attention heatmap at the current checkpoint (its prediction as row labels). Bottom: the
training loss over iterations, with a marker at the current checkpoint. Play/pause buttons and a
slider step through the checkpoints; ``fig.to_html()`` makes it a standalone file.
"""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.viz.style import HEATMAP_SCALE, html_text, shown_char

FRAME_MS = 700


def replay_figure(frames, loss_points, title=None):
    """frames: [(label, iteration or None, Translation)] in training order; loss_points: [(iteration, loss)]."""
    first = frames[0][2]
    T, S = first.attention.shape
    fig = make_subplots(rows=2, cols=1, row_heights=[0.68, 0.32], vertical_spacing=0.12)
    fig.add_trace(_heatmap(first), row=1, col=1)
    fig.add_trace(go.Scatter(x=[p[0] for p in loss_points], y=[p[1] for p in loss_points], mode="lines",
                             name="loss", line={"color": "#1f77b4"}, hovertemplate="iteration %{x}<br>loss %{y:.4f}"),
                  row=2, col=1)
    fig.add_trace(_marker(frames[0], loss_points), row=2, col=1)
    fig.frames = [go.Frame(name=label, data=[_heatmap(result), _marker((label, iteration, result), loss_points)],
                           traces=[0, 2], layout=_frame_layout(label, result))
                  for label, iteration, result in frames]
    fig.update_xaxes(tickmode="array", tickvals=list(range(S)), ticktext=[shown_char(c) for c in first.text],
                     tickangle=0, tickfont={"size": 13}, row=1, col=1)
    fig.update_yaxes(tickmode="array", tickvals=list(range(T)), autorange="reversed", tickfont={"size": 13},
                     title="output", row=1, col=1)
    fig.update_xaxes(title="iteration", row=2, col=1)
    fig.update_yaxes(title="loss", type="log", exponentformat="power", row=2, col=1)
    fig.update_layout(**_frame_layout(frames[0][0], first), height=620, showlegend=False,
                      margin={"l": 60, "r": 20, "t": 60, "b": 150},
                      updatemenus=[_play_pause()], sliders=[_slider(frames)])
    if title:
        fig.layout.title.text = f"{html_text(title)}<br><sup>{fig.layout.title.text}</sup>"
    return fig


def _heatmap(result):
    T, S = result.attention.shape
    hover = [[f"output {t + 1} '{html_text(result.prediction[t])}' from input {s + 1} '{html_text(result.text[s])}': "
              f"weight {result.attention[t, s]:.3f}" for s in range(S)] for t in range(T)]
    return go.Heatmap(z=result.attention.tolist(), x=list(range(S)), y=list(range(T)), zmin=0, zmax=1,
                      colorscale=HEATMAP_SCALE, showscale=False, xgap=1, ygap=1, text=hover, hoverinfo="text")


def _marker(frame, loss_points):
    label, iteration, _ = frame
    if iteration is None or not loss_points:
        return go.Scatter(x=[], y=[], mode="markers")
    # the loss record nearest the checkpoint (records come every few iterations)
    nearest = min(loss_points, key=lambda p: abs(p[0] - iteration))
    return go.Scatter(x=[iteration], y=[nearest[1]], mode="markers", hovertext=[label], hoverinfo="text",
                      marker={"size": 13, "color": "#e4572e", "line": {"width": 2, "color": "white"}})


def _frame_layout(label, result):
    mark = "" if result.correct is None else (" ✓" if result.correct else " ✗")
    return {"title": {"text": f"{html_text(label)}: {html_text(result.prediction.strip())}{mark}"},
            "yaxis": {"ticktext": [shown_char(c) for c in result.prediction], "tickvals": list(range(len(result.prediction))),
                      "autorange": "reversed", "title": {"text": "output"}}}


def _play_pause():
    return {"type": "buttons", "direction": "left", "x": 0.0, "y": -0.2, "xanchor": "left", "yanchor": "top",
            "pad": {"t": 10, "r": 10}, "showactive": False,
            "buttons": [{"label": "▶ Play", "method": "animate",
                         "args": [None, {"frame": {"duration": FRAME_MS, "redraw": True}, "fromcurrent": True,
                                         "transition": {"duration": 0}}]},
                        {"label": "❚❚ Pause", "method": "animate",
                         "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]}]}


def _slider(frames):
    """One step per frame; the step's own label is the iteration (short enough for many ticks)."""
    return {"active": 0, "x": 0.18, "len": 0.82, "y": -0.2, "yanchor": "top", "pad": {"t": 10},
            "currentvalue": {"prefix": "iteration ", "font": {"size": 13}}, "font": {"size": 10},
            "steps": [{"label": f"{iteration:,}" if iteration is not None else label, "method": "animate",
                       "args": [[label], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate"}]}
                      for label, iteration, _ in frames]}

