"""Issue 20, items 7-9: the Home page's first steps, charts that read correctly (log ticks, checkpoint
legend, one x range, an ETA that counts checkpoints and evaluation), and the Errors page's slices."""
import json
import os
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import rundir
from core.data import dates, format_names
from core.decoding.evaluation import field_breakdown, wrong_fields
from core.rundir import metrics
from core.viz import curves
from core.viz.style import RUN_COLORS


APP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app.py")


def app():
    return AppTest.from_file(APP, default_timeout=180)


def spec(chart):
    return json.loads(chart.proto.spec)


# ----- item 7: Home -------------------------------------------------------------------------------

def test_home_says_what_to_do_first(tiny_run):
    at = app().run()
    assert not at.exception
    with open(APP) as f:
        assert 'title="Home"' in f.read()          # the sidebar's name ...
    assert [t.value for t in at.title] == ["Home"]  # ... is the heading's
    labels = [b.label for b in at.button]
    assert labels[:3] == ["1. Look at attention", "2. Watch it form in a replay", "3. Train your own"]
    [preview] = [c for c in at.get("plotly_chart") if c.proto.id and "home.preview" in c.proto.id] or \
        at.get("plotly_chart")[:1]
    figure = spec(preview)
    assert figure["data"][0]["type"] == "heatmap"
    assert any("Tuesday, November 22, 2016 →" in t.value for t in at.text)   # the demo reading one date


def test_the_replay_step_opens_compare_on_its_replay_tab(tiny_run):
    at = app().run()
    at.button(key="home.step.1").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Compare"]
    assert at.session_state["compare.view"] == "Replay"
    assert os.path.normpath(at.session_state["compare.run"]) == os.path.normpath(tiny_run)


# ----- item 8: charts ------------------------------------------------------------------------------

def test_log_ticks_say_their_value():
    ticks = curves.log_ticks([0.3, 4.1])
    assert ticks["ticktext"] == ["0.5", "1", "2"]   # the ticks inside the range drawn
    assert ticks["tickvals"][0] == pytest.approx(0.5)
    assert curves.log_ticks([1.29, 4.1])["ticktext"] == ["2", "3", "4"]   # under a decade: every digit
    wide = curves.log_ticks([1e-5, 4.0])
    assert "1e-5" in wide["ticktext"] and "0.001" in wide["ticktext"] and len(wide["tickvals"]) <= 8
    series = curves.Series("run", np.arange(1, 201) * 10.0, np.geomspace(4, 0.3, 200), np.arange(200.0))
    figure = curves.loss_figure([series], smoothing=0)
    assert figure.layout.yaxis.type == "log" and "0.5" in figure.layout.yaxis.ticktext


def test_checkpoint_markers_have_a_legend_entry_in_their_own_colour():
    series = curves.Series("run", np.arange(1, 101) * 10.0, np.geomspace(4, 0.3, 100), np.arange(100.0))
    figure = curves.loss_figure([series])
    assert not figure.layout.showlegend   # one run: no legend until there is something to tell apart
    records = [{"type": "checkpoint", "iteration": 400, "epoch": 1, "train_time": 40.0},
               {"type": "epoch", "iteration": 900, "epoch": 1, "train_time": 90.0}]
    curves.mark_checkpoints(figure, records)
    marks = [t for t in figure.data if t.name == "checkpoints"]
    assert figure.layout.showlegend and marks[0].showlegend is not False
    assert marks[0].marker.color not in RUN_COLORS
    assert "Training loss" in figure.layout.legend.title.text   # the title moved into the legend block


def test_loss_and_scores_share_one_x_range():
    series = curves.Series("run", np.arange(1, 101) * 10.0, np.geomspace(4, 0.3, 100), np.arange(100.0),
                           epochs=[{"epoch": 1, "iteration": 600, "test_accuracy": 0.5}], iters_per_epoch=600)
    loss = curves.loss_figure([series], x="iteration")
    scores = curves.score_figure([series], x="iteration")
    curves.share_x([loss, scores], at_least=1800)
    assert loss.layout.xaxis.range == scores.layout.xaxis.range
    assert loss.layout.xaxis.range[1] >= 1800 > 1000


class _Log:
    """A MetricsLog's attributes, made by simulate()."""

    def __init__(self, loss, other, epochs):
        self.iteration = np.array([r["iteration"] for r in loss], dtype=float)
        self.loss = np.ones(len(loss))
        self.train_time = np.array([r["train_time"] for r in loss])
        self.wall_time = np.array([r.get("wall_time", np.nan) for r in loss])
        self.other, self.epochs = other, epochs


def simulate(total=1000, per_epoch=250, step_s=0.1, checkpoint_s=4.0, eval_s=16.0,
             planned=(0, 15, 30, 60, 110, 210, 380, 700)):
    """The records of a run as the training loop writes them, with known costs: every iteration
    step_s, every checkpoint inside training checkpoint_s (500 test examples), every epoch end eval_s
    (the whole test split: 2,000 examples, four times as long). -> (records, end wall time)."""
    records, wall, train = [], 0.0, 0.0
    for iteration in range(0, total + 1):
        if iteration:
            wall, train = wall + step_s, train + step_s
            if iteration % 10 == 0 or iteration % per_epoch == 0:
                records.append({"type": "loss", "iteration": iteration, "train_time": train, "wall_time": wall})
        if iteration in planned:
            wall += checkpoint_s
            records.append({"type": "checkpoint", "iteration": iteration, "train_time": train, "wall_time": wall,
                            "test_examples": 500, "test_size": 2000})
        if iteration and iteration % per_epoch == 0:
            wall += eval_s
            records.append({"type": "epoch", "epoch": iteration // per_epoch, "iteration": iteration,
                            "train_time": train, "eval_time": eval_s, "wall_time": wall})
    return records, wall


def log_until(records, iteration):
    upto = []
    for r in records:
        if r["iteration"] > iteration or (r["iteration"] == iteration and r["type"] != "loss" and upto
                                          and upto[-1]["type"] == "loss" and upto[-1]["iteration"] == iteration):
            break
        upto.append(r)
    return (_Log([r for r in upto if r["type"] == "loss"], [r for r in upto if r["type"] == "checkpoint"],
                 [r for r in upto if r["type"] == "epoch"]),
            next(r.get("wall_time") for r in reversed(upto) if r["type"] == "loss"))


@pytest.mark.parametrize("at", [50, 100, 200, 300, 500, 800, 950])
def test_the_eta_counts_checkpoints_and_evaluation(at):
    """A run whose checkpoints and evaluations take half its time: the ETA is within 15% of what is
    left at every point; the estimate from training time alone was off by more than 1.3x early on."""
    planned = (0, 15, 30, 60, 110, 210, 380, 700)
    records, end = simulate(planned=planned)
    status = {"total_iters": 1000, "iters_per_epoch": 250}
    log, now = log_until(records, at)
    left = end - now
    eta = metrics.eta_seconds(log, status, planned)
    assert eta == pytest.approx(left, rel=0.15)
    old = metrics._eta_from_train_time(log, status)
    assert not old == pytest.approx(left, rel=0.3) or at > 200   # later, less of the cost is ahead


def test_an_old_run_without_wall_time_gets_the_old_estimate():
    records, _ = simulate()
    for r in records:
        r.pop("wall_time")
    log, _ = log_until(records, 300)
    status = {"total_iters": 1000, "iters_per_epoch": 250}
    assert metrics.eta_seconds(log, status) == metrics._eta_from_train_time(log, status) > 0


# ----- item 9: Errors -------------------------------------------------------------------------------

def test_every_format_has_a_plain_name_and_its_own_example():
    assert set(format_names.NAMES) == set(dates.FORMATS)
    assert format_names.describe("medium") == ("month abbreviated, day, year", "Nov 22, 2016")
    assert format_names.describe("medium/upper")[1] == "NOV 22, 2016"
    assert format_names.describe("all") == ("all", None)   # a file's own label stays as it is


def test_which_field_is_wrong():
    assert wrong_fields("2016-11-22", "2016-12-22") == ("month",)
    assert wrong_fields("2016-11-22", "2015-11-21") == ("year", "day")
    assert wrong_fields("91", "19") is None   # not a date answer
    mistakes = [("q", "2016-11-22", "2016-12-22", "medium"), ("q", "1990-01-05", "1991-01-06", "short")]
    assert field_breakdown(mistakes) == {"year": 1, "month": 1, "day": 1}
    assert field_breakdown([("1+2", "3", "4", "all")]) == {}


def _errors_page(query=None):
    at = app()
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page("pages/errors.py").run()
    assert not at.exception
    return at


def test_a_link_opens_the_errors_page_at_a_checkpoint(tiny_run):
    inside = next(c for c in rundir.list_checkpoints(tiny_run) if c.epoch is None and c.iteration)
    at = _errors_page({"run": "demo", "iteration": str(inside.iteration)})
    assert at.session_state["errors.epoch"] == inside.name
    assert dict(at.query_params) == {"run": "demo", "iteration": str(inside.iteration)}


def test_format_bars_are_named_and_a_chosen_format_filters_the_mistakes(tiny_run):
    at = _errors_page({"run": "demo", "iteration": "110"})   # an early checkpoint: mistakes in many formats
    charts = {spec(c)["layout"]["title"]["text"]: spec(c) for c in at.get("plotly_chart")}
    bars = charts["Accuracy per format"]["data"][0]
    assert any(" · " in label for label in bars["y"])   # "Nov 22, 2016 · month abbreviated, day, year"
    assert charts["Which field is wrong"]["data"][0]["y"] == ["year", "month", "day"]
    table = at.dataframe[0].value
    everything, first = len(table), table["format"].iloc[0]   # a format that has mistakes, as shown
    label = next(k for k in _format_labels(at) if format_names.shown(k) == first)
    at.session_state["errors.format"] = label   # what a click on its bar sets (on_select)
    at.run()
    shown = at.dataframe[0].value
    assert 0 < len(shown) < everything and set(shown["format"]) == {first}
    assert "wrong" in shown.columns
    perfect = [k for k, (_, right, total) in zip(_format_labels(at), _bar_counts(at)) if right == total]
    if perfect:   # a format with no mistakes: said so, no empty table
        at.session_state["errors.format"] = perfect[0]
        at.run()
        assert any("No wrong prediction" in s.value for s in at.success) and not at.dataframe


def _bar_counts(at):
    frame = spec([c for c in at.get("plotly_chart") if "format" in spec(c)["layout"]["title"]["text"]][0])
    return [(row[0], row[1], row[2]) for row in frame["data"][0]["customdata"]]   # label, correct, total


def _format_labels(at):
    """The labels behind the filter's options (the page keeps the evaluation's own labels)."""
    frame = spec([c for c in at.get("plotly_chart") if "format" in spec(c)["layout"]["title"]["text"]][0])
    return [row[0] for row in frame["data"][0]["customdata"]]


def test_evaluating_the_file_a_run_trained_on_says_so(tiny_run, data_folder, artifacts):
    dataset = dates.generate(300, seed=5, formats=("long", "medium", "short"))
    path = os.path.join(data_folder, "trained-on.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(f"{e.question}_{e.answer}\n" for e in dataset)
    run_dir = os.path.join(artifacts, "runs", "file-run")
    shutil.copytree(tiny_run, run_dir)
    try:
        with open(os.path.join(run_dir, "config.json")) as f:
            config = json.load(f)
        config.update(data=path, data_name="trained-on.txt")
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(config, f)
        at = _errors_page({"run": "file-run"})
        at.radio(key="errors.source").set_value("A data file on the server").run()
        assert any("the file the run trained on" in w.value for w in at.warning)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
