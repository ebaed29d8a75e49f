"""Live attention on the Train page: the probe's heatmap comes from the run's newest weights (live.npz)
and changes as they change; it works in any tab, because each tab decodes the probe itself."""
import os
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import rundir
from core.decoding import translation
from core.rundir import live
from tests.test_app import APP, heatmaps
from tests.test_compare_page import decoded


@pytest.fixture
def training_run(tiny_run, artifacts):
    """A copy of the fixture run in the runs folder, as if it were training (weights in live.npz)."""
    run_dir = os.path.join(artifacts, "runs", "20990101-000000-live")
    shutil.copytree(tiny_run, run_dir)
    yield run_dir
    shutil.rmtree(run_dir, ignore_errors=True)


def write_snapshot(run_dir, checkpoint, iteration):
    model, _, _, _ = rundir.load_model(run_dir, checkpoint)
    live.write(run_dir, iteration, model.params)
    os.utime(live.path(run_dir), (iteration, iteration))   # a new mtime each time: the UI's cache key


def train_page(run_dir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["train.watch"] = [run_dir]   # the group this tab started
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception, at.exception
    return at


def test_the_probe_heatmap_follows_the_newest_weights(training_run):
    early, late = rundir.list_checkpoints(training_run)[0].name, rundir.list_checkpoints(training_run)[-1].name
    write_snapshot(training_run, early, 5)
    at = train_page(training_run)
    [first] = heatmaps(at)
    assert first["layout"]["title"]["text"].startswith("iteration 5 (live)")
    probe = at.text_input(key="train.probe").value
    model, vocab, config, _ = rundir.load_model(training_run, early)
    np.testing.assert_allclose(decoded(first["data"][0]["z"]),
                               translation.translate(model, vocab, config, probe).attention, rtol=1e-5)

    write_snapshot(training_run, late, 900)   # training went on
    at.run()
    [second] = heatmaps(at)
    assert second["layout"]["title"]["text"].startswith("iteration 900 (live)")
    assert not np.allclose(decoded(second["data"][0]["z"]), decoded(first["data"][0]["z"]))


def test_a_probe_typed_during_training_and_a_second_tab(training_run):
    write_snapshot(training_run, rundir.list_checkpoints(training_run)[-1].name, 50)
    at = train_page(training_run)
    at.text_input(key="train.probe").input("2/10/93").run()
    [heatmap] = heatmaps(at)
    assert heatmap["layout"]["xaxis"]["ticktext"] == list("2/10/93")
    other_tab = train_page(training_run)                                   # its own probe, same weights
    [other] = heatmaps(other_tab)
    assert other["layout"]["title"]["text"].startswith("iteration 50 (live)")


def test_without_a_snapshot_the_latest_checkpoint_is_shown_and_the_loss_marks_checkpoints(training_run):
    at = train_page(training_run)                                          # finished: no live.npz
    [heatmap] = heatmaps(at)
    assert heatmap["layout"]["title"]["text"].startswith(rundir.list_checkpoints(training_run)[-1].label)
    loss = next(c for c in at.get("plotly_chart") if '"checkpoints"' in c.proto.spec)
    assert loss is not None
