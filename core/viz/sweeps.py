"""A sweep's figures: the spread of the final test accuracy per setting (a box with every seed as a
point), and every seed's test accuracy per epoch with each setting's median drawn over them."""
import numpy as np
import plotly.graph_objects as go

from core.viz.style import RUN_COLORS, html_text


def spread_figure(runs, height=360):
    """runs: [(setting label, epoch records)] -> a box per setting of the runs' final test accuracy."""
    fig = go.Figure()
    for n, label in enumerate(dict.fromkeys(label for label, _ in runs)):
        finals = [epochs[-1]["test_accuracy"] for name, epochs in runs if name == label and epochs]
        fig.add_trace(go.Box(y=finals, name=html_text(label), boxpoints="all", jitter=0.4, pointpos=0,
                             marker={"color": RUN_COLORS[n % len(RUN_COLORS)]}, hoverinfo="y"))
    fig.update_layout(title="Final test accuracy per setting (each dot a seed)", yaxis_title="test accuracy",
                      yaxis_range=[-0.02, 1.02], height=height, showlegend=False,
                      margin={"l": 60, "r": 20, "t": 50, "b": 140})   # room for long setting labels
    return fig


def seed_curves_figure(runs, height=360):
    """Every seed's test accuracy per epoch, faint, and each setting's median per epoch, bold."""
    fig = go.Figure()
    for n, label in enumerate(dict.fromkeys(label for label, _ in runs)):
        color = RUN_COLORS[n % len(RUN_COLORS)]
        curves = [[r["test_accuracy"] for r in epochs] for name, epochs in runs if name == label and epochs]
        for curve in curves:
            fig.add_trace(go.Scatter(x=list(range(1, len(curve) + 1)), y=curve, mode="lines", opacity=0.3,
                                     line={"color": color, "width": 1}, showlegend=False, hoverinfo="skip"))
        longest = max((len(c) for c in curves), default=0)
        median = [float(np.median([c[k] for c in curves if len(c) > k])) for k in range(longest)]
        fig.add_trace(go.Scatter(x=list(range(1, longest + 1)), y=median, mode="lines+markers",
                                 name=f"{html_text(label)} (median)", line={"color": color, "width": 3}))
    fig.update_layout(title="Test accuracy per epoch: every seed, and the median", xaxis_title="epoch",
                      yaxis_title="test accuracy", yaxis_range=[-0.02, 1.02], height=height,
                      margin={"l": 60, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.25})
    fig.update_xaxes(dtick=1)
    return fig
