"""An addition run trained from the Train page's one-click demo, then shown on Attention, Errors and
Compare as an addition task (issue 20, item 10), and the agreement of attention and gradients measured
on the data the Errors page chose (issue 22)."""
import importlib
import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from core import jobs, rundir
from core.rundir import listing
from core.rundir.task import run_task
from tests.conftest import PROJECT_ROOT

APP = f"{PROJECT_ROOT}/app.py"
# The demo made tiny for a test: the same button, generated data and path through the queue.
TINY_DEMO = dict(model="attention", epochs=1, iter_checkpoints=0, hidden_size=16, wordvec_size=8, batch_size=32)


def page(name, run_dir=None, prefix=None):
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(f"pages/{name}.py").run()
    if run_dir:
        at.selectbox(key=f"{prefix or name}.run").set_value(run_dir).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def addition_run(tiny_run, artifacts):
    """The Train page's addition demo, pressed once and trained to its end (a tiny model)."""
    demo = importlib.import_module("ui.addition_demo")   # (ui exports its function of the same name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "DEMO_SETTINGS", TINY_DEMO)
        patch.setattr(demo, "DEMO_SIZE", 800)
        at = page("train")
        at.button(key="train.addition").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
    [run_dir] = at.session_state["train.watch"]
    try:
        assert jobs.wait(run_dir, timeout=240) == 0
        assert rundir.read_status(run_dir)["state"] == "finished", rundir.read_status(run_dir)
        yield run_dir, at
    finally:
        jobs.stop(run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_the_demo_trains_generated_sums_and_the_train_page_probes_with_one(addition_run):
    run_dir, at = addition_run
    config = rundir.read_config(run_dir)
    assert config.data_name == "addition.txt" and config.epochs == 1 and config.hidden_size == 16
    task = run_task(run_dir)
    assert task.kind == "addition" and len(task.answers) == 800
    at.run()   # the page now follows the finished run: its probe is one of the run's sums
    probe = at.text_input(key="train.probe.addition")   # its own box: a date typed for a date run stays there
    assert probe.label == "Probe sum" and probe.value in task.examples
    assert not at.error, [e.value for e in at.error]


def test_attention_shows_an_addition_run_with_its_expected_answers(addition_run):
    run_dir, _ = addition_run
    task = run_task(run_dir)
    at = page("attention", run_dir)
    text = at.text_input(key="attention.text").value
    assert text == task.examples[0]                                  # not a date the model cannot read
    verdict = (at.success or at.warning)[0].value
    assert f"the answer is {task.answers[text]}" in verdict
    # the example buttons are the run's own questions; a click shows that one's answer
    at.button(key="attention.example.2").click().run()
    assert at.text_input(key="attention.text").value == task.examples[2]
    assert f"the answer is {task.answers[task.examples[2]]}" in (at.success or at.warning)[0].value
    # a sum the data does not hold: its answer is the sum itself
    at.text_input(key="attention.text").input("5+7").run()
    assert "the answer is 12" in (at.success or at.warning)[0].value
    # date-only panels: variants explained, not offered; no impossible-date error, no alignment metric
    assert any("Variants (the same date in every format) is for dates only" in c.value.replace("\\", "")
               for c in at.caption)
    assert "attention.variants" not in [t.key for t in at.toggle]
    assert not at.error and [m.label for m in at.metric] == ["Prediction", "Confidence"]


def test_teacher_forcing_feeds_an_addition_runs_answer_padded(addition_run):
    run_dir, _ = addition_run
    at = page("attention", run_dir)
    at.text_input(key="attention.text").input("16+75").run()
    at.session_state["attention.inspect"] = True
    at.session_state["inspect.view"] = "Teacher forcing"
    at.run()
    assert not at.exception, at.exception
    assert any(t.value.rstrip() == "Decoder input, step by step: _91" for t in at.text), \
        [t.value for t in at.text] + [i.value for i in at.info] + [e.value for e in at.error]


def test_errors_evaluates_the_runs_test_split_and_a_mistake_opens_with_its_answer(addition_run):
    run_dir, _ = addition_run
    at = page("errors", run_dir)
    assert at.radio(key="errors.source").options == ["This run's test split", "A data file on the server"]
    assert at.metric[1].label == "Wrong, of 80"                      # the 10% test split of 800
    assert not at.get("plotly_chart")                                # no per-format bars for sums
    assert any("for dates only" in c.value for c in at.caption)
    mistakes = at.dataframe[0].value
    assert list(mistakes.columns)[:3] == ["input", "expected", "predicted"] and "format" not in mistakes.columns
    wrong = int(at.metric[1].value.replace(",", ""))
    for key in ("errors.table", f"errors.table.{wrong}"):   # the table's key, with or without its count
        at.session_state[key] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert at.text_input(key="attention.text").value == mistakes.iloc[0]["input"]
    assert f"the answer is {mistakes.iloc[0]['expected'].strip()}" in at.warning[0].value


def test_compare_says_alignment_is_for_dates_and_starts_from_a_sum(addition_run):
    run_dir, _ = addition_run
    at = page("compare", run_dir)
    assert at.text_input(key="compare.text").value in run_task(run_dir).examples
    at.session_state["compare.runs"] = [run_dir]
    at.run()
    charts = {json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
              for c in at.get("plotly_chart") if "title" in json.loads(c.proto.spec)["layout"]}
    notes = [a["text"] for a in charts["Alignment score per checkpoint"]["layout"].get("annotations", [])]
    assert notes == ["alignment is scored for date runs only"]


def test_the_agreement_is_measured_on_the_errors_pages_data(addition_run):
    """Issue 22's gap (b): the data chosen on the Errors page, a seeded sample, shared by visitors."""
    import ui.inspection as views
    run_dir, _ = addition_run
    at = page("errors", run_dir)
    at.switch_page("pages/attention.py").run()
    at.selectbox(key="attention.run").set_value(run_dir).run()
    at.session_state["attention.inspect"] = True
    at.session_state["inspect.view"] = "Attention vs gradients"
    at.run()
    button = at.button(key="inspect.agreement")
    assert "examples of the run's test split" in button.label.replace("\\", "")
    button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    said = [m.value for m in at.markdown if "Mean ρ over" in m.value]
    assert said and "of 80 examples of the run" in said[0].replace("\\", "")   # the whole split: under the sample size
    keys = [k for k in views._AGREEMENT._values if k[0] == run_dir]   # (run, checkpoint, mtime, data, size)
    assert [k[3] for k in keys] == [("run", run_dir)]
    checkpoint = keys[0][1]
    mean, pairs, examples = views._AGREEMENT.get(keys[0])
    assert examples == 80 and pairs > 0
    # another visitor asking for the same gets the kept value: nothing measured again
    assert views.agreement(run_dir, checkpoint, ("run", run_dir), progress=lambda *a: pytest.fail("measured")) \
        == (mean, pairs, examples)
