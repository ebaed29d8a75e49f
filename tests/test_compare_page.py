"""The Compare page: checkpoints side by side and step by step, the replay, runs overlaid, links."""
import base64
import json
import os
import shutil

import numpy as np
from streamlit.testing.v1 import AppTest

from core import rundir
from core.decoding import translation
from tests.test_app import APP, heatmaps, open_page


def figures(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def checkpoints_box(at):
    """The side-by-side view's multiselect (its key names the run: pages/compare.py)."""
    [box] = [m for m in at.multiselect if m.label == "Checkpoints"]
    return box


def decoded(z):
    """Plotly >= 6 sends numpy arrays as base64 typed arrays; lists come back as they are."""
    if isinstance(z, dict):
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(z["shape"])
    return np.array(z)


def test_checkpoints_side_by_side_in_training_order(tiny_run):
    at = open_page("compare")
    listing = rundir.list_checkpoints(tiny_run)
    names = [c.name for c in listing]
    chosen = checkpoints_box(at).value
    assert chosen == [names[0], names[len(names) // 2], names[-1]]
    checkpoints_box(at).set_value([names[-1], names[0]]).run()   # clicked in reverse order
    labels = {c.label for c in listing}
    shown = [c.value for c in at.caption if c.value in labels]          # each heatmap's label, left to right
    assert shown == [listing[0].label, listing[-1].label]
    assert len(heatmaps(at)) >= 2


def test_replay_has_one_frame_per_checkpoint(tiny_run):
    at = open_page("compare")
    [replay] = [f for f in figures(at) if f.get("frames")]
    listing = rundir.list_checkpoints(tiny_run)
    assert [frame["name"] for frame in replay["frames"]] == [c.label for c in listing]
    text = at.text_input(key="compare.text").value
    for frame, checkpoint in zip(replay["frames"], listing):
        model, vocab, config, _ = rundir.load_model(tiny_run, checkpoint.name)
        expected = translation.translate(model, vocab, config, text)
        np.testing.assert_allclose(decoded(frame["data"][0]["z"]), expected.attention, rtol=1e-5)
        marker = frame["data"][1]
        assert marker["x"] == [checkpoint.iteration]                     # the dot on the loss curve
    assert replay["layout"]["sliders"][0]["steps"][0]["label"] == "0"     # iteration 0 comes first
    assert [b["label"] for b in replay["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play", "❚❚ Pause"]
    assert at.get("download_button")


def array(values):
    """A figure's x or y as a NumPy array, whether Plotly sent a typed array or a list."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.array(values, dtype=float)


OVERLAYS = {"Training loss": "compare.loss", "Test accuracy per checkpoint": "compare.accuracy",
            "Alignment score per checkpoint": "compare.alignment"}


def overlay(at, title):
    """The runs overlay's figure with this title (the layout's, or its legend's when runs are overlaid)."""
    [figure] = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart") if chart.key == OVERLAYS[title]]
    layout = figure["layout"]
    assert title in layout.get("title", {}).get("text", "") + layout.get("legend", {}).get("title", {}).get("text", "")
    return figure


def named_traces(figure):
    return [t for t in figure["data"] if t.get("showlegend") is not False and t["type"] == "scatter"]


def test_runs_overlay_stays_without_a_valid_input(tiny_run):
    at = open_page("compare")
    at.text_input(key="compare.text").input("").run()
    assert at.error                                                          # the input's problem is named
    scored = [c for c in rundir.list_checkpoints(tiny_run) if c.accuracy is not None]
    [accuracy] = overlay(at, "Test accuracy per checkpoint")["data"]
    assert list(array(accuracy["x"])) == [c.iteration for c in scored]   # inside epochs too, training order
    assert list(array(accuracy["y"])) == [c.accuracy for c in scored]
    [alignment] = overlay(at, "Alignment score per checkpoint")["data"]
    assert list(array(alignment["y"])) == [c.alignment for c in scored]
    assert named_traces(overlay(at, "Training loss"))                        # the loss is drawn too


def test_loss_overlay_has_one_trace_per_picked_run_and_follows_the_controls(tiny_run, artifacts):
    other = os.path.join(artifacts, "runs", "20991231-000000-1-other")
    shutil.copytree(tiny_run, other)
    try:
        at = open_page("compare")
        at.multiselect(key="compare.runs").set_value([tiny_run, other]).run()
        loss = overlay(at, "Training loss")
        assert [t["name"] for t in named_traces(loss)] == ["demo", "20991231-000000-1-other"]   # full names
        assert loss["layout"]["yaxis"]["type"] == "log"
        assert loss["layout"]["legend"]["y"] >= 1 and loss["layout"]["legend"]["yanchor"] == "bottom"  # off the axes
        assert [t["name"] for t in overlay(at, "Test accuracy per checkpoint")["data"]] == \
            ["demo", "20991231-000000-1-other"]
        iterations = array(named_traces(loss)[0]["x"])

        at.radio(key="compare.curves.x").set_value("examples").run()
        loss = overlay(at, "Training loss")
        assert loss["layout"]["xaxis"]["title"]["text"] == "examples seen"
        batch = rundir.read_config(tiny_run).batch_size
        np.testing.assert_allclose(array(named_traces(loss)[0]["x"]), iterations * batch)
        assert overlay(at, "Test accuracy per checkpoint")["layout"]["xaxis"]["title"]["text"] == "examples seen"

        at.slider(key="compare.curves.smoothing").set_value(0.0).run()
        raw = array(named_traces(overlay(at, "Training loss"))[0]["y"])
        log = [json.loads(line) for line in open(os.path.join(tiny_run, "metrics.jsonl"))]
        np.testing.assert_allclose(raw, [r["loss"] for r in log if r["type"] == "loss"])   # as recorded
        at.slider(key="compare.curves.smoothing").set_value(0.9).run()
        smooth = array(named_traces(overlay(at, "Training loss"))[0]["y"])
        assert len(smooth) == len(raw) and np.std(np.diff(smooth)) < np.std(np.diff(raw))
        at.toggle(key="compare.curves.log").set_value(False).run()
        assert overlay(at, "Training loss")["layout"]["yaxis"].get("type", "linear") == "linear"
        assert not at.exception
    finally:
        shutil.rmtree(other)


def test_changing_the_run_resets_its_selections(tiny_run, artifacts):
    other = os.path.join(artifacts, "runs", "20991231-000000-other")
    shutil.copytree(tiny_run, other)
    try:
        os.remove(os.path.join(other, "checkpoints", "epoch_002.npz"))
        at = open_page("compare")
        checkpoints_box(at).set_value(["epoch_002"]).run()
        at.selectbox(key="compare.run").set_value(other).run()
        assert not at.exception
        names = [c.name for c in rundir.list_checkpoints(other)]
        assert checkpoints_box(at).value == [names[0], names[len(names) // 2], names[-1]]
        assert at.multiselect(key="compare.runs").value == [other]
    finally:
        shutil.rmtree(other)


def test_a_link_opens_the_run_and_text_and_the_address_follows(tiny_run):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["run"] = "demo"
    at.query_params["text"] = "Aug 19, 2003"
    at.run()
    at.switch_page("pages/compare.py").run()
    assert at.text_input(key="compare.text").value == "Aug 19, 2003"
    at.text_input(key="compare.text").input("2/10/93").run()
    assert at.query_params["text"] == "2/10/93" and at.query_params["run"] == "demo"


def test_a_link_opens_the_attention_page_on_its_checkpoint_and_text(tiny_run):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"run": "demo", "epoch": "2", "text": "Aug 19, 2003"})
    at.run()
    at.switch_page("pages/attention.py").run()
    assert at.session_state["attention.epoch"] == "epoch_002"
    assert at.text_input(key="attention.text").value == "Aug 19, 2003"
    model, vocab, config, _ = rundir.load_model(tiny_run, "epoch_002")
    assert at.metric[0].value == translation.translate(model, vocab, config, "Aug 19, 2003").prediction
    at.text_input(key="attention.text").input("2/10/93").run()
    assert at.query_params["text"] == "2/10/93" and at.query_params["epoch"] == "2"


def test_a_link_with_unknown_values_says_so(tiny_run):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"run": "nope", "text": "2/10/93"})
    at.run()
    at.switch_page("pages/attention.py").run()
    assert not at.exception
    assert any("no run named" in w.value.replace("\\", "") for w in at.warning)


def test_a_chosen_checkpoint_that_disappears_is_dropped_without_an_error(tiny_run, artifacts):
    """The checkpoint widgets keep their choices across reruns (pages/compare.py); a chosen checkpoint
    whose file goes is dropped from them, and the page draws on."""
    other = os.path.join(artifacts, "runs", "20991231-000001-shrinking")
    shutil.copytree(tiny_run, other)
    try:
        at = open_page("compare")
        at.selectbox(key="compare.run").set_value(other).run()
        checkpoints_box(at).set_value(["epoch_001", "epoch_002"]).run()
        [step] = [s for s in at.select_slider if s.label == "Checkpoint"]
        step.set_value("epoch_002").run()
        os.remove(os.path.join(other, "checkpoints", "epoch_002.npz"))   # a damaged file is not listed either
        at.run()
        assert not at.exception, at.exception
        assert checkpoints_box(at).value == ["epoch_001"]
        [step] = [s for s in at.select_slider if s.label == "Checkpoint"]
        assert step.value in [c.name for c in rundir.list_checkpoints(other)]
    finally:
        shutil.rmtree(other)
