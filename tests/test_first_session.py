"""Issue 20's first-minutes bugs: the checkpoint slider after a run switch, and Stop keeping the
weights that were being watched."""
import json
import os
import shutil

from streamlit.testing.v1 import AppTest

from core import rundir
from core.rundir import checkpoints
from core.training import loop
from core.training.config import TrainConfig
from tests.test_app import APP


def heatmap_title(at):
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["data"][0]["type"] == "heatmap":
            return spec["layout"]["title"]["text"]
    return None


def test_the_checkpoint_slider_names_the_new_runs_latest_after_a_switch(tiny_run, artifacts):
    other = os.path.join(artifacts, "runs", "20261202-090000-fewer")
    shutil.copytree(tiny_run, other)
    names = [c.name for c in rundir.list_checkpoints(other)]
    os.remove(checkpoints.path(other, names[-1]))   # its latest is another checkpoint than the demo's
    latest = [c.name for c in rundir.list_checkpoints(other)][-1]
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.switch_page("pages/attention.py").run()
        at.select_slider(key="attention.epoch").set_value(names[1]).run()   # an early one of the demo's
        at.sidebar.selectbox(key="attention.run").set_value(other).run()
        assert not at.exception
        assert at.select_slider(key="attention.epoch").value == latest
        assert checkpoints.title(latest) in heatmap_title(at)
    finally:
        shutil.rmtree(other)


def test_stop_saves_the_weights_being_watched_as_the_runs_default_checkpoint(tmp_path):
    run_dir = str(tmp_path / "run")
    steps = []
    config = TrainConfig(data_size=2000, epochs=5, hidden_size=8, wordvec_size=4, batch_size=16, workers=1,
                         iter_checkpoints=0)
    status = loop.train(config, run_dir, should_stop=lambda: steps.append(1) or len(steps) > 150)
    assert status["state"] == "stopped"
    listing = rundir.list_checkpoints(run_dir)
    stop_point = listing[-1]
    assert stop_point.iteration == 150 and stop_point.epoch is None and stop_point.accuracy is not None
    model, _, _, name = rundir.load_model(run_dir)   # the default checkpoint: the stop point
    assert name == stop_point.name
    records = [r for r in rundir.read_metrics(run_dir) if r.get("checkpoint") == name]
    assert records and records[0].get("stop") is True


def test_the_input_box_keeps_one_limit_whatever_the_run_or_the_text(tiny_run):
    """A limit that changed with the model's width or the text's length made a new box, and the next
    thing typed was wiped (issue 20): the box's limit is the format's, the model's width is a message."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/attention.py").run()
    limit = at.text_input(key="attention.text").max_chars
    at.text_input(key="attention.text").set_value("Wednesday, the 23rd of September, 2015 and more and more and more").run()
    assert at.text_input(key="attention.text").max_chars == limit == 100
    assert at.text_input(key="attention.text").value.endswith("and more")          # kept whole
    assert any("characters long" in e.value for e in at.error)   # the model's width, said in one line


def test_a_run_too_short_for_attention_is_told_before_it_trains_and_after(tiny_run, artifacts):
    """5,000 examples x 3 epochs is 105 iterations at batch 128: attention forms after about 1,000."""
    from core.rundir import listing
    from core.training.estimate import estimate, too_short
    config = TrainConfig(data_size=5000, epochs=3)
    assert "too short" in too_short(config, estimate(config, 5000))
    assert too_short(TrainConfig(data_size=50000, epochs=5), estimate(TrainConfig(epochs=5), 50000)) is None

    root = os.path.join(artifacts, "runs")
    before = set(listing.run_dirs(root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["workers_per_run"] = 2
    at.run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="train.size").set_value(1000)
    at.number_input(key="train.epochs").set_value(1)
    at.number_input(key="train.hidden").set_value(8)
    at.button(key="train.start").click().run()
    made = sorted(set(listing.run_dirs(root)) - before)
    try:
        assert any("too short for attention to form" in w.value for w in at.warning)
        from core import jobs
        for run_dir in made:
            jobs.wait(run_dir, timeout=120)
        at.run()
        assert any("never left the loss plateau" in w.value for w in at.warning)
    finally:
        from core.rundir import meta
        for run_dir in made:
            meta.delete(run_dir, root)
