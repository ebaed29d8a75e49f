"""Curves (smoothing, downsampling, x choices, figures) and the incremental metrics reader."""
import json
import os

import numpy as np
import pytest

from core.rundir import metrics
from core.viz import curves


def direct_ema(values, w):
    """TensorBoard's formula written out: sum of w^(i-k) (1-w) v_k over the sum of the weights."""
    out = []
    for i in range(len(values)):
        weights = np.array([(1 - w) * w ** (i - k) for k in range(i + 1)])
        out.append(float((weights * values[:i + 1]).sum() / weights.sum()))
    return np.array(out)


def test_ema_is_tensorboards_debiased_average():
    values = np.random.default_rng(0).normal(2.0, 1.0, 50)
    for w in (0.0, 0.3, 0.6, 0.95):
        np.testing.assert_allclose(curves.ema(values, w), direct_ema(values, w), rtol=1e-12)
    assert curves.ema(values, 0.9)[0] == values[0]                       # debiased: starts at the data
    np.testing.assert_allclose(curves.ema(np.full(20, 3.0), 0.99), 3.0)  # a constant stays constant
    smoothed = curves.ema(values, 0.9)
    assert np.std(np.diff(smoothed)) < np.std(np.diff(values)) / 3     # and it does smooth


def test_ema_passes_non_finite_values_through():
    smoothed = curves.ema([1.0, np.nan, 3.0], 0.5)
    assert np.isnan(smoothed[1])
    np.testing.assert_allclose(smoothed[[0, 2]], direct_ema(np.array([1.0, 3.0]), 0.5))
    with pytest.raises(ValueError):
        curves.ema([1.0], 1.0)


def test_downsample_keeps_few_points_and_the_level():
    x = np.arange(500_000, dtype=float)
    y = np.sin(x / 50_000) + 2
    xs, ys = curves.downsample(x, y, 2000)
    assert len(xs) == len(ys) == 2000
    assert xs[0] < xs[-1] and np.all(np.diff(xs) > 0)
    assert abs(ys.mean() - y.mean()) < 1e-3
    short = np.arange(10.0)
    assert curves.downsample(short, short, 2000)[0] is not None and len(curves.downsample(short, short, 2000)[0]) == 10


def test_x_choices():
    iteration, train_time = np.array([10, 20, 30]), np.array([1.0, 2.5, 4.0])
    assert list(curves.x_values("iteration", iteration, train_time)) == [10, 20, 30]
    assert list(curves.x_values("examples", iteration, train_time, batch_size=128)) == [1280, 2560, 3840]
    assert list(curves.x_values("time", iteration, train_time)) == [1.0, 2.5, 4.0]
    assert list(curves.x_values("epoch", iteration, train_time, iters_per_epoch=20)) == [0.5, 1.0, 1.5]
    records = [{"epoch": 1, "iteration": 20, "train_time": 2.5, "test_accuracy": 0.5}]
    assert curves.epoch_x("examples", records, batch_size=4) == [80]
    assert curves.epoch_x("time", records) == [2.5]
    with pytest.raises(ValueError):
        curves.x_values("steps", iteration, train_time)


def series(name="run", n=5000, batch=64):
    iteration = np.arange(1, n + 1) * 10.0
    return curves.Series(name, iteration, 4.0 / np.sqrt(iteration), iteration * 0.01,
                         [{"epoch": 1, "iteration": n * 5, "train_time": n * 0.05, "test_accuracy": 0.4,
                           "alignment": 0.3}], batch, n * 5)


def test_loss_figure_log_scale_smoothing_and_points():
    fig = curves.loss_figure([series()], x="examples", smoothing=0.6, log_y=True, max_points=1000)
    assert fig.layout.yaxis.type == "log"
    raw, smooth = fig.data
    assert raw.opacity < 1 and raw.showlegend is False and len(raw.x) == 1000
    assert raw.x[-1] > 50_000 * 64 * 0.99 and fig.layout.xaxis.title.text == "examples seen"
    assert list(smooth.y) == pytest.approx(list(curves.ema(np.array(raw.y), 0.6)))
    linear = curves.loss_figure([series()], smoothing=0, log_y=False)
    assert linear.layout.yaxis.type != "log" and len(linear.data) == 1


def test_loss_overlay_across_runs_splits_the_point_budget():
    fig = curves.loss_figure([series("a"), series("b", batch=32)], x="time", smoothing=0.5, max_points=2000)
    named = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in named] == ["a", "b"]
    assert sum(len(t.x) for t in named) <= 2000
    assert fig.layout.showlegend and fig.layout.legend.y >= 1   # above the plot, off the axis titles


def test_empty_figures_are_framed_by_the_planned_run():
    empty = curves.Series("run", np.array([]), np.array([]), np.array([]), [], 128, None)
    fig = curves.score_figure([empty], x="epoch", x_max=6)
    assert list(fig.layout.xaxis.range) == [0, 6]           # not Plotly's -1..6
    assert fig.layout.annotations[0].text == "no finished epoch yet"
    fig = curves.loss_figure([empty], x="time")
    assert fig.layout.xaxis.showticklabels is False and fig.layout.annotations


def write_lines(path, records, partial=""):
    with open(path, "a") as f:
        f.write("".join(json.dumps(r) + "\n" for r in records) + partial)


def test_read_since_leaves_a_partial_line_for_later(tmp_path):
    path = tmp_path / "metrics.jsonl"
    write_lines(path, [{"type": "loss", "iteration": 10, "loss": 2.0}], partial='{"type": "lo')
    records, offset = metrics.read_since(str(tmp_path), 0)
    assert records == [{"type": "loss", "iteration": 10, "loss": 2.0}]
    assert offset == len(json.dumps(records[0])) + 1
    with open(path, "a") as f:
        f.write('ss", "iteration": 20, "loss": 1.5}\n')
    records, offset2 = metrics.read_since(str(tmp_path), offset)
    assert records == [{"type": "loss", "iteration": 20, "loss": 1.5}] and offset2 == os.path.getsize(path)


def test_metrics_log_reads_only_what_was_appended(tmp_path):
    path = tmp_path / "metrics.jsonl"
    write_lines(path, [{"type": "loss", "iteration": i, "loss": 1.0 / i, "train_time": i * 0.1} for i in range(1, 3001)])
    log = metrics.MetricsLog(str(tmp_path)).update()
    assert len(log.iteration) == 3000 and log.offset == os.path.getsize(path)
    write_lines(path, [{"type": "epoch", "epoch": 1, "iteration": 3000, "test_accuracy": 0.7},
                       {"type": "loss", "iteration": 3001, "loss": 0.1, "train_time": 300.2}])
    before = log.offset
    log.update()
    assert log.iteration[-1] == 3001 and len(log.loss) == 3001 and log.best_accuracy() == 0.7
    assert log.offset > before
    os.replace(path, tmp_path / "old")                     # a replaced file is read anew
    write_lines(path, [{"type": "loss", "iteration": 1, "loss": 3.0, "train_time": 0.1}])
    assert list(log.update().iteration) == [1]


def test_eta_comes_from_the_recent_rate_not_the_slow_start():
    class Log:
        # 10 slow start-up iterations (5 s), then 0.05 s per iteration
        iteration = np.array([10.0, 20, 30, 40, 50])
        train_time = np.array([5.0, 5.5, 6.0, 6.5, 7.0])
        epochs = []
    eta = metrics.eta_seconds(Log, {"total_iters": 1050, "iters_per_epoch": 350})
    assert eta == pytest.approx(1000 * 0.05)           # the whole-run average would say 140 s
    Log.epochs = [{"eval_time": 2.0}]
    assert metrics.eta_seconds(Log, {"total_iters": 1050, "iters_per_epoch": 350}) == pytest.approx(50 + 2 * 2.0)
    Log.iteration, Log.train_time = Log.iteration[:1], Log.train_time[:1]
    assert metrics.eta_seconds(Log, {"total_iters": 1050}) is None


def scored_run(name="run"):
    """A run of 2 epochs x 100 iterations with checkpoints inside the first epoch (at 0 and 50) and one
    that coincides with the first epoch's end."""
    epochs = [{"type": "epoch", "epoch": 1, "iteration": 100, "train_time": 10.0, "test_accuracy": 0.6,
               "alignment": 0.5},
              {"type": "epoch", "epoch": 2, "iteration": 200, "train_time": 20.0, "test_accuracy": 0.9,
               "alignment": 0.8}]
    inside = [{"type": "checkpoint", "epoch": 1, "iteration": i, "train_time": i / 10, "test_accuracy": a,
               "alignment": a / 2} for i, a in ((0, 0.0), (50, 0.2), (100, 0.55))]
    iteration = np.arange(1, 201, dtype=float)
    return curves.Series(name, iteration, 3 / iteration, iteration / 10, epochs, 32, 100, inside)


def test_series_from_log_keeps_the_checkpoint_records(tmp_path):
    write_lines(tmp_path / "metrics.jsonl",
                [{"type": "loss", "iteration": 10, "loss": 2.0, "train_time": 1.0},
                 {"type": "checkpoint", "epoch": 1, "iteration": 10, "test_accuracy": 0.1, "alignment": 0.2},
                 {"type": "epoch", "epoch": 1, "iteration": 20, "test_accuracy": 0.3},
                 {"type": "something-else", "iteration": 5}])
    series = curves.series_from_log("r", metrics.MetricsLog(str(tmp_path)).update(), 16, 20)
    assert [r["iteration"] for r in series.checkpoints] == [10]
    assert [r["iteration"] for r in series.epochs] == [20]
    assert [r["iteration"] for r in curves.scored_records(series, per_checkpoint=True)] == [10, 20]
    assert curves.scored_records(series) == series.epochs


def test_scores_per_checkpoint_in_training_order_with_the_epoch_end_scored_once():
    run = scored_run()
    records = curves.scored_records(run, per_checkpoint=True)
    assert [(r["type"], r["iteration"]) for r in records] == [
        ("checkpoint", 0), ("checkpoint", 50), ("epoch", 100), ("epoch", 200)]
    # by epoch a checkpoint inside an epoch sits at its fraction, not at the number of the epoch in progress
    assert curves.epoch_x("epoch", records, iters_per_epoch=100) == [0.0, 0.5, 1, 2]
    assert curves.epoch_x("epoch", records) == [None, None, 1, 2]        # epoch length unknown: not placed
    assert curves.epoch_x("examples", records, batch_size=32) == [0, 1600, 3200, 6400]
    fig = curves.score_figure([run], x="iteration", metrics=("test_accuracy",), per_checkpoint=True)
    [trace] = fig.data
    assert list(trace.x) == [0, 50, 100, 200] and list(trace.y) == [0.0, 0.2, 0.6, 0.9]
    assert list(trace.marker.symbol) == ["circle-open", "circle-open", "circle", "circle"]
    assert "subset" in trace.hovertext[1] and "epoch 1" in trace.hovertext[2]


def test_runs_keep_one_color_across_the_loss_and_score_figures():
    runs = [scored_run("a"), scored_run("b")]
    loss = curves.loss_figure(runs, x="time", smoothing=0.0)
    accuracy = curves.score_figure(runs, x="time", metrics=("test_accuracy",), per_checkpoint=True)
    assert [t.name for t in loss.data] == [t.name for t in accuracy.data] == ["a", "b"]
    assert [t.line.color for t in loss.data] == [t.line.color for t in accuracy.data]
    assert len(set(t.line.color for t in loss.data)) == 2
    assert list(accuracy.data[0].x) == [0.0, 5.0, 10.0, 20.0]            # training time of each record
    assert accuracy.layout.xaxis.title.text == "training time (s)"
    empty = curves.score_figure([], metrics=("alignment",), per_checkpoint=True, empty_text="nothing yet")
    assert empty.layout.annotations[0].text == "nothing yet"


def test_with_a_legend_the_title_heads_it_and_both_take_the_whole_width_above_the_plot():
    runs = [scored_run("a-long-run-name"), scored_run("another-long-run-name")]
    fig = curves.loss_figure(runs)
    assert not fig.layout.title.text and "Training loss" in fig.layout.legend.title.text
    assert fig.layout.legend.title.side == "top"                     # on its own line, above the names
    assert (fig.layout.legend.x, fig.layout.legend.xanchor) == (0, "left")
    assert fig.layout.legend.y >= 1 and fig.layout.legend.yanchor == "bottom"   # above the plot, off the axes
    alone = curves.loss_figure(runs[:1])
    assert alone.layout.title.text == "Training loss" and alone.layout.showlegend is False


def test_several_runs_and_metrics_list_the_runs_under_one_heading_per_metric():
    runs = [scored_run("a"), scored_run("b")]
    fig = curves.score_figure(runs, x="epoch")
    assert [(t.name, t.legendgroup) for t in fig.data] == [
        ("a", "test_accuracy"), ("a", "alignment"), ("b", "test_accuracy"), ("b", "alignment")]
    assert {t.legendgroup: t.legendgrouptitle.text for t in fig.data} == {
        "test_accuracy": "test accuracy", "alignment": "alignment score"}
    assert fig.layout.legend.traceorder == "grouped"
    assert [t.line.dash for t in fig.data] == [None, "dot", None, "dot"]     # alignment dotted, per run color
    one = curves.score_figure(runs[:1], x="epoch")
    assert [t.name for t in one.data] == ["test accuracy", "alignment score"] and not one.data[0].legendgroup
