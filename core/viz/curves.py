"""Training curves at TensorBoard's level: smoothing, log scale, a choice of x, runs overlaid, and few points.

Pure functions and Plotly figure builders, usable without Streamlit. A curve is a Series: one run's
loss records (arrays) and epoch records (dicts), with what it takes to turn iterations into other x
units (batch size, iterations per epoch).

Arrays go to Plotly as NumPy arrays: it sends them as base64 typed arrays ({"dtype", "bdata"} in the
figure JSON), 10x faster to build than lists, which it validates element by element.

Order of work, as TensorBoard does it: downsample first (a figure never holds more than a few
thousand points, whatever the run's length), then smooth what is drawn.
"""
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from core.viz.style import RUN_COLORS, html_text

X_LABELS = {"epoch": "epoch", "iteration": "iteration", "examples": "examples seen",
            "time": "training time (s)"}
SCORE_LABELS = {"test_accuracy": "test accuracy", "alignment": "alignment score"}
MAX_POINTS = 2000          # per figure, split between the runs drawn
LEGEND_ROW_PX = 21         # a row of legend entries; the figure grows by one per row past the first
LEGEND_WIDTH_PX = 540      # the width legends are laid out for: a full-width chart in a 900 px window
CHECKPOINT_COLOR = "#111111"   # the checkpoint markers: a colour no run has (RUN_COLORS)


@dataclass
class Series:
    name: str
    iteration: np.ndarray                                   # one entry per loss record
    loss: np.ndarray
    train_time: np.ndarray                                  # seconds of training (no evaluation) so far
    epochs: list = field(default_factory=list)              # epoch records: epoch, iteration, train_time, scores
    batch_size: int = 1
    iters_per_epoch: int | None = None
    checkpoints: list = field(default_factory=list)         # checkpoint records saved inside epochs, same keys


def series_from_log(name, log, batch_size, iters_per_epoch=None):
    """A Series from a core.rundir.metrics.MetricsLog (or anything with the same attributes)."""
    inside = [r for r in getattr(log, "other", ()) if isinstance(r, dict) and r.get("type") == "checkpoint"]
    return Series(name, log.iteration, log.loss, log.train_time, list(log.epochs), int(batch_size or 1),
                  iters_per_epoch, inside)


def scored_records(series, per_checkpoint=False):
    """The records that carry test scores: the epoch records, or with per_checkpoint every checkpoint's
    (inside epochs too) in training order. An epoch's end and a checkpoint saved at the same iteration
    are one point: the epoch record wins, as it is scored on the whole test set."""
    if not per_checkpoint:
        return list(series.epochs)
    ends = {r.get("iteration") for r in series.epochs}
    inside = [r for r in series.checkpoints if r.get("iteration") not in ends]
    return sorted(inside + list(series.epochs), key=_training_order)


def _training_order(record):
    iteration = record.get("iteration")
    if isinstance(iteration, (int, float)):
        return 0, iteration
    return 1, record.get("epoch") or 0   # an old run's record without an iteration: after, by epoch


def ema(values, weight):
    """TensorBoard's smoothing: an exponential moving average, debiased so the start is not pulled to 0.

    smoothed[i] = last[i] / (1 - weight ** (i + 1)) with last[i] = weight * last[i-1] + (1 - weight) * v[i].
    weight 0 returns the values; a non-finite value is passed through and does not enter the average.
    """
    values = np.asarray(values, dtype=np.float64)
    if not 0 <= weight < 1:
        raise ValueError("smoothing weight must be in [0, 1)")
    if weight == 0 or len(values) == 0:
        return values.copy()
    out = np.empty_like(values)
    last, debias = 0.0, 0.0
    for i, v in enumerate(values.tolist()):   # a plain loop over at most a few thousand drawn points
        if not np.isfinite(v):
            out[i] = v
            continue
        last = weight * last + (1 - weight) * v
        debias = weight * debias + (1 - weight)
        out[i] = last / debias
    return out


def downsample(x, y, max_points):
    """At most max_points (x, y) pairs: consecutive points averaged in equal-size buckets.

    Averages keep the curve's level (a min/max envelope would exaggerate the noise of a loss); a
    series already short enough is returned as it is.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(x)
    if n <= max_points:
        return x, y
    starts = np.linspace(0, n, max_points + 1).astype(np.int64)[:-1]
    counts = np.diff(np.append(starts, n))
    return np.add.reduceat(x, starts) / counts, np.add.reduceat(y, starts) / counts


def x_values(kind, iteration, train_time, batch_size=1, iters_per_epoch=None):
    """The x of loss records in unit kind: epoch (fractional), iteration, examples seen or training time."""
    iteration = np.asarray(iteration, dtype=np.float64)
    if kind == "iteration":
        return iteration
    if kind == "epoch":
        return iteration / iters_per_epoch if iters_per_epoch else iteration
    if kind == "examples":
        return iteration * batch_size
    if kind == "time":
        return np.asarray(train_time, dtype=np.float64)
    raise ValueError(f"unknown x {kind!r}; choose from {', '.join(X_LABELS)}")


def epoch_x(kind, records, batch_size=1, iters_per_epoch=None):
    """The x of epoch (and checkpoint) records in unit kind.

    By epoch, an epoch record sits at its epoch number and a checkpoint saved inside an epoch at its
    fraction of epochs (iteration / iters_per_epoch; None, so not drawn, when that is unknown): its
    "epoch" field names the epoch in progress, not how far it got.
    """
    if kind == "epoch":
        return [r.get("epoch") if r.get("type", "epoch") == "epoch"
                else _fraction(r.get("iteration"), iters_per_epoch) for r in records]
    if kind == "time":
        return [r.get("train_time") for r in records]
    factor = batch_size if kind == "examples" else 1
    return [r["iteration"] * factor if isinstance(r.get("iteration"), (int, float)) else None for r in records]


def _fraction(iteration, iters_per_epoch):
    if not iters_per_epoch or not isinstance(iteration, (int, float)):
        return None
    return iteration / iters_per_epoch


def x_title(kind, series=()):
    if kind == "epoch" and any(not s.iters_per_epoch for s in series):
        return "iteration"   # a run that has not said its epoch length yet is drawn by iteration
    return X_LABELS[kind]


def loss_figure(series, x="iteration", smoothing=0.6, log_y=True, max_points=MAX_POINTS,
                title="Training loss", x_max=None, height=340):
    """Loss of one or more runs: the smoothed line bold, the raw one faint behind it (as TensorBoard).

    x_max (in x's unit) frames an empty figure, so it does not show Plotly's default -1..6 axis.
    """
    fig = go.Figure()
    per_run = max(200, max_points // max(len(series), 1))
    several = len(series) > 1
    for n, s in enumerate(series):
        if len(s.iteration) == 0:
            continue
        color = RUN_COLORS[n % len(RUN_COLORS)]
        xs, ys = downsample(x_values(x, s.iteration, s.train_time, s.batch_size, s.iters_per_epoch), s.loss,
                            per_run)
        name = html_text(s.name) if several else "loss"
        if smoothing > 0:
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"{name} (raw)",
                                     line={"color": color, "width": 1}, opacity=0.25, showlegend=False,
                                     legendgroup=name, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=xs, y=ema(ys, smoothing), mode="lines", name=name,
                                 line={"color": color, "width": 2}, legendgroup=name))
    _layout(fig, title, x_title(x, series), "cross-entropy loss", height, show_legend=several)
    if log_y and fig.data:
        drawn = np.concatenate([np.asarray(t.y, dtype=np.float64) for t in fig.data])
        fig.update_yaxes(type="log", **log_ticks(drawn))
    if not fig.data:
        _empty(fig, "no loss recorded yet", x_max)
    return fig


def log_ticks(values, most=8):
    """Tick values and labels for a log axis over values: 1-2-5 steps (every digit within a decade;
    whole decades, or fewer, when 1-2-5 would make more than `most`), each labelled with its value ("0.5", "0.002",
    "1e-05"). Plotly's own log ticks label the steps under a decade with their first digit alone, so a
    loss of 0.5 read as "5"."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return {}
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    decades = np.arange(low, high + 1)
    def ticks_of(digits):
        return [t for t in (d * 10.0 ** e for e in decades for d in digits)
                if values.min() / 1.05 <= t <= values.max() * 1.05]   # the ticks the axis will show
    ticks = ticks_of((1, 2, 5))
    if len(ticks) < 3:   # less than a decade: every digit
        ticks = ticks_of(range(1, 10))
    elif len(ticks) > most:
        ticks = ticks_of((1,))
        ticks = ticks[::int(np.ceil(len(ticks) / most))]
    return {"tickvals": ticks, "ticktext": [_tick_text(t) for t in ticks]}


def _tick_text(value):
    return f"{value:.0e}".replace("e-0", "e-") if value < 1e-3 else f"{value:g}"


def mark_checkpoints(fig, records, x="iteration", batch_size=1, iters_per_epoch=None):
    """Markers on a loss figure where checkpoints were saved (records: the run's checkpoint and epoch
    records, each with "iteration" and "train_time"), at the height of the drawn loss there."""
    points = [r for r in records if isinstance(r, dict) and isinstance(r.get("iteration"), (int, float))
              and r.get("type") in ("checkpoint", "epoch")]
    lines = [t for t in fig.data if t.mode == "lines" and t.showlegend is not False and len(t.x)]
    if not points or not lines:
        return fig
    line = lines[0]
    xs = x_values(x, [r["iteration"] for r in points], [r.get("train_time", np.nan) for r in points],
                  batch_size, iters_per_epoch)
    ys = np.interp(xs, np.asarray(line.x, dtype=np.float64), np.asarray(line.y, dtype=np.float64))
    labels = [f"checkpoint: epoch {r['epoch']} (iteration {r['iteration']:,})" if r.get("type") == "epoch"
              else f"checkpoint: iteration {r['iteration']:,}" for r in points]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name="checkpoints", hovertext=labels,
                             hoverinfo="text", marker={"symbol": "diamond", "size": 9, "color": CHECKPOINT_COLOR,
                                                        "line": {"width": 1, "color": "white"}}))
    if not fig.layout.showlegend:   # one run: its loss and the checkpoints get a legend, under the title
        title = fig.layout.title.text
        fig.update_layout(title_text=None)
        _legend(fig, title)
        fig.update_layout(showlegend=True)
    return fig


def share_x(figures, at_least=None):
    """One x range for figures drawn side by side (loss and scores): from 0 to the largest x any of
    them draws, or at_least (a run's planned end) when that is larger, so a point at the same x sits
    at the same place in each."""
    end = max([at_least or 0] + [_largest_x(f) for f in figures])
    if not end:
        return figures
    pad = 0.02 * end   # room for the markers at either end
    for figure in figures:
        figure.update_xaxes(range=[-pad, end + pad], autorange=False)
    return figures


def score_figure(series, x="epoch", metrics=("test_accuracy", "alignment"), title="Per epoch",
                 y_title="score", x_max=None, height=340, per_checkpoint=False, empty_text="no finished epoch yet",
                 legend=True):
    """Scores of the epoch records (test accuracy, alignment...) of one or more runs, y from 0 to 1.

    legend=False: no legend (a chart beside one whose legend names the same runs in the same colours).

    per_checkpoint: also the checkpoints saved inside epochs (scored on a fixed test subset), drawn as
    open markers beside the epoch ends' filled ones. A run keeps its color (RUN_COLORS[n]) in every figure.
    """
    fig = go.Figure()
    several = len(series) > 1
    for n, s in enumerate(series):
        records = scored_records(s, per_checkpoint)
        xs = epoch_x(x, records, s.batch_size, s.iters_per_epoch)
        for m, metric in enumerate(metrics):
            points = [(px, r) for px, r in zip(xs, records)
                      if px is not None and isinstance(r.get(metric), (int, float))]
            if not points:
                continue
            label = SCORE_LABELS.get(metric, metric)
            name = s.name if several else label
            color = RUN_COLORS[(n if several else m) % len(RUN_COLORS)]
            inside = [r.get("type") == "checkpoint" for _, r in points]
            # several runs and metrics: the runs' names under one heading per metric, not "run: metric"
            # entries too long for a half-width chart
            group = {"legendgroup": metric, "legendgrouptitle": {"text": label}} if several and len(metrics) > 1 else {}
            fig.add_trace(go.Scatter(
                x=[p[0] for p in points], y=[p[1][metric] for p in points], mode="lines+markers",
                name=html_text(name),
                line={"color": color, "dash": "dot" if several and m else None}, **group,
                marker={"symbol": ["circle-open" if i else "circle" for i in inside]} if any(inside) else None,
                hovertext=[_point_label(r) for _, r in points] if per_checkpoint else None))
    _layout(fig, title, X_LABELS[x], y_title, height, show_legend=legend and (len(fig.data) > 1 or several))
    fig.update_layout(legend_traceorder="grouped")
    fig.update_yaxes(range=[0, 1.02])
    if x == "epoch":
        fig.update_xaxes(tick0=0, dtick=1 if (x_max or _largest_x(fig)) <= 20 else None)
    if not fig.data:
        _empty(fig, empty_text, x_max)
    return fig


def _point_label(record):
    if record.get("type") == "checkpoint":
        return f"iteration {record.get('iteration', '?'):,} (test subset)" \
            if isinstance(record.get("iteration"), int) else "checkpoint (test subset)"
    return f"epoch {record.get('epoch')} end"


def _largest_x(fig):
    ends = [np.nanmax(np.asarray(t.x, dtype=np.float64)) for t in fig.data if t.x is not None and len(t.x)]
    ends = [e for e in ends if np.isfinite(e)]
    return float(max(ends, default=0))


def _layout(fig, title, x_title_text, y_title, height, show_legend):
    """Title, axes and legend, none covering another at any width.

    With a legend, the title is the legend's own title: one left-aligned block above the plot, the run
    names wrapping onto more rows in a narrow window, and Plotly's automatic margin makes room for all
    of it. (A layout title beside a legend that grows upwards ran into it at 900 px, and a right-aligned
    legend lost the start of its long names off the left edge.)
    """
    if show_legend:
        _legend(fig, title)
        height += LEGEND_ROW_PX * (legend_rows(fig) - 1)   # the plot keeps its height under six runs' names
    else:
        fig.update_layout(title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top"},
                          margin={"l": 60, "r": 20, "t": 50, "b": 45})
    fig.update_layout(xaxis_title=x_title_text, yaxis_title=y_title, height=height, hovermode="x unified",
                      showlegend=show_legend)
    fig.update_xaxes(rangemode="tozero")


def legend_rows(fig, width=LEGEND_WIDTH_PX):
    """The rows a horizontal legend of the figure's named traces takes in a chart `width` px wide (an
    entry: its name at about 7 px a character, plus the symbol and the gaps)."""
    names = [t.name or "" for t in fig.data if t.showlegend is not False]
    rows, used = 1, 0
    for name in names:
        entry = 7 * len(name) + 50
        if used and used + entry > width:
            rows, used = rows + 1, 0
        used += entry
    return rows


def _legend(fig, title):
    fig.update_layout(margin={"l": 60, "r": 20, "t": 10, "b": 45},
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                              "title": {"text": f"<b>{title}</b>", "side": "top", "font": {"size": 14}}})


def _empty(fig, text, x_max):
    """An empty chart framed by the run's planned span (or with no ticks at all), and a note."""
    if x_max:
        fig.update_xaxes(range=[0, x_max])
    else:
        fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False, type="linear")
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 14, "color": "#888"})
