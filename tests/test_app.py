"""Every page through Streamlit's AppTest, against the session's tiny fixture run (never artifacts/)."""
import json
import os
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import jobs, runs, translate
from tests.conftest import PROJECT_ROOT

APP = os.path.join(PROJECT_ROOT, "app.py")


def open_page(page=None):
    at = AppTest.from_file(APP, default_timeout=60).run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def heatmaps(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")
            if json.loads(chart.proto.spec)["data"][0]["type"] == "heatmap"]


def test_home_lists_the_runs(tiny_run):
    at = open_page()
    table = at.dataframe[0].value
    assert "demo" in list(table["run"])
    assert table.set_index("run").loc["demo", "state"] == "finished"


def test_attention_heatmap_is_cores_matrix(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("2/10/93").run()
    assert not at.exception and not at.error
    model, vocab, config, epoch = runs.load_model(tiny_run)
    expected = translate.translate(model, vocab, config, "2/10/93")
    [spec] = heatmaps(at)
    np.testing.assert_allclose(np.array(spec["data"][0]["z"]), expected.attention, rtol=1e-6)
    assert spec["layout"]["xaxis"]["ticktext"] == list("2/10/93")           # reading order, no padding
    assert at.metric[0].value == expected.prediction


def test_example_button_fills_the_input(tiny_run):
    at = open_page("attention")
    at.button(key="attention.example.3").click().run()
    assert at.text_input(key="attention.text").value == "2/10/93"
    assert heatmaps(at)[0]["layout"]["xaxis"]["ticktext"] == list("2/10/93")


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("Tuesday, November 22, 2016 and more", "characters long"),
    ("Tuesday, November 22, 2016?", "'?'"),
])
def test_attention_bad_input_shows_an_error(tiny_run, text, message):
    at = open_page("attention")
    at.text_input(key="attention.text").input(text).run()
    assert not at.exception
    assert at.error and message in at.error[0].value
    assert not heatmaps(at)


def test_attention_matrix_download(tiny_run):
    at = open_page("attention")
    assert at.get("download_button")


def test_compare_shows_epochs_side_by_side(tiny_run):
    at = open_page("compare")
    epochs = runs.epochs(tiny_run)
    maps = heatmaps(at)
    assert len(maps) == len(at.multiselect(key="compare.epochs").value) + 1   # side by side + stepper
    scatter = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
               if json.loads(c.proto.spec)["data"][0]["type"] == "scatter"]
    assert scatter and scatter[0]["data"][0]["x"] == epochs
    assert not at.dataframe[0].value.empty


def wait_for(condition, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_start_creates_a_run_and_stop_ends_it(artifacts, tiny_run):
    at = open_page("train")
    at.number_input(key="train.size").set_value(20000)
    at.number_input(key="train.epochs").set_value(50)
    at.number_input(key="train.hidden").set_value(32)
    at.button(key="train.start").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    root = os.path.join(artifacts, "runs")
    [run_dir] = jobs.active_runs(root)
    assert runs.read_status(run_dir)["pid"]
    try:
        # a second Start (another tab) is refused while the first one runs
        again = open_page("train")
        again.button(key="train.start").click().run()
        assert again.error and "already going" in again.error[0].value
        assert len(jobs.active_runs(root)) == 1
        assert wait_for(lambda: runs.read_status(run_dir)["state"] == "running")
        at.run()
        assert at.get("progress")
        at.button(key="train.stop").click().run()
        assert wait_for(lambda: runs.read_status(run_dir)["state"] == "stopped")
        assert jobs.wait(run_dir, timeout=30) == 0
    finally:
        jobs.stop(run_dir)
