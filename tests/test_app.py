"""Every page through Streamlit's AppTest, against the session's tiny fixture run (never artifacts/)."""
import json
import os
import shutil
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import data, jobs, rundir
from core.data import date_parser, dates, variants
from core.decoding import translation, worker_pool
from core.rundir import listing
from tests.conftest import PROJECT_ROOT, run_module

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
    model, vocab, config, epoch = rundir.load_model(tiny_run)
    expected = translation.translate(model, vocab, config, "2/10/93")
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
    ("Tuesday, November 22, 2016?", "'?'"),
])
def test_attention_bad_input_shows_an_error(tiny_run, text, message):
    at = open_page("attention")
    at.text_input(key="attention.text").input(text).run()
    assert not at.exception
    assert at.error and message in at.error[0].value
    assert not heatmaps(at)


def test_attention_too_long_text_is_kept_whole_and_explained(tiny_run):
    """A text longer than the model reads (typed, a link, another run's model) is kept whole and gets
    the one-line reason."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["attention.text"] = "Tuesday, November 22, 2016 and more and more and more and more"   # longer than any run's width (48)
    at.run()
    at.switch_page("pages/attention.py").run()
    assert at.text_input(key="attention.text").value == "Tuesday, November 22, 2016 and more and more and more and more"
    assert at.error and "62 characters long" in at.error[0].value and not heatmaps(at)


def test_attention_shows_alignment_and_outlines_the_source_spans(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("Aug 19, 2003").run()
    model, vocab, config, epoch = rundir.load_model(tiny_run)
    expected = translation.translate(model, vocab, config, "Aug 19, 2003")
    assert metric(at, "Alignment") == f"{expected.alignment:.3f}"
    shapes = [s for s in heatmaps(at)[0]["layout"]["shapes"] if s.get("name") == "source"]
    assert len(shapes) == 8                                   # 4 year + 2 month + 2 day characters
    # each digit outlines the one character it is copied from; the month digits the name "Aug"
    assert {(s["x0"] + 0.5, s["x1"] + 0.5) for s in shapes} == {(0, 3), (4, 5), (5, 6), (8, 9), (9, 10),
                                                                (10, 11), (11, 12)}
    at.toggle(key="attention.outline").set_value(False).run()
    assert not [s for s in heatmaps(at)[0]["layout"].get("shapes", []) if s.get("name") == "source"]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_attention_confidence_strip_and_metric(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("Aug 19, 2003").run()
    model, vocab, config, _ = rundir.load_model(tiny_run)
    expected = translation.translate(model, vocab, config, "Aug 19, 2003")
    [spec] = heatmaps(at)
    strip = spec["data"][1]
    np.testing.assert_allclose(np.ravel(strip["z"]), expected.confidence, rtol=1e-6)
    layout = spec["layout"]
    assert strip["xaxis"] == "x2" and layout["xaxis2"]["domain"][0] > layout["xaxis"]["domain"][1]   # right of the map
    assert [row[0] for row in strip["text"]] == [f"{p:.2f}" for p in expected.confidence]
    assert metric(at, "Confidence") == f"{expected.confidence.min():.2f}"
    assert "sure of" in spec["data"][0]["text"][0][0] and "&lt;- input 1 'A', weight" in spec["data"][0]["text"][0][0]


def first_wrong(tiny_run, count=300):
    """A generated date the tiny model gets wrong, with its core translation."""
    model, vocab, config, _ = rundir.load_model(tiny_run)
    for e in dates.generate(count, seed=11):
        result = translation.translate(model, vocab, config, e.question)
        if not result.correct:
            return e.question, result
    pytest.skip("the tiny model got every date right")


def test_attention_marks_the_wrong_characters(tiny_run):
    text, expected = first_wrong(tiny_run)
    at = open_page("attention")
    at.text_input(key="attention.text").input(text).run()
    assert at.warning and "Wrong" in at.warning[0].value
    [spec] = heatmaps(at)
    bad_rows = [t for t, bad in enumerate(expected.wrong) if bad]
    rows = spec["layout"]["yaxis"]["ticktext"]
    assert [t for t, label in enumerate(rows) if "color" in label] == bad_rows
    assert sorted(a["y"] for a in spec["layout"]["annotations"] if "✗" in a["text"]) == bad_rows
    frames = [s for s in spec["layout"]["shapes"] if s.get("name") == "wrong"]
    assert sorted(round(s["y0"] + 0.5) for s in frames) == bad_rows


def test_attention_calls_an_impossible_date_what_it_is(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("31 February 2020").run()
    assert not at.exception
    assert "Impossible date: February 2020 has only 29 days" in at.error[0].value
    assert heatmaps(at)                                       # the model's answer is still shown
    at.text_input(key="attention.text").input("2019-02-29").run()
    assert "2019 is not a leap year" in at.error[0].value


def test_attention_lists_refused_characters_and_says_the_models_width(tiny_run):
    at = open_page("attention")
    vocab = rundir.load_model(tiny_run)[1]
    box = at.text_input(key="attention.text")   # one fixed limit (issue 20); the model's width is said
    assert box.max_chars == data.MAX_QUESTION_CHARS and f"up to {vocab.input_width} " in box.help
    assert vocab.input_width <= dates.INPUT_WIDTH   # a fixture saved before the generator grew reads 38
    at.text_input(key="attention.text").input("22.11.2016 ?!").run()
    shown = [c.value.replace("\\", "") for c in at.caption]              # as displayed (Markdown escapes off)
    assert any("vocabulary" in c and "'?'" in c and "'!'" in c for c in shown)
    assert at.error and "'!' '?'" in at.error[0].value.replace("\\", "")
    at.text_input(key="attention.text").input("22.11.2016").run()
    assert not any("vocabulary" in c.value for c in at.caption)


def test_attention_variants_show_every_format_with_the_models_answers(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("nov 22 2016").run()
    assert not at.dataframe                                   # variants appear on one click
    at.toggle(key="attention.variants").set_value(True).run()
    assert not at.exception
    table = at.dataframe[0].value
    examples = variants.of_example(date_parser.parse("nov 22 2016"))
    assert list(table["input"]) == [e.question for e in examples]
    assert set(table["format"]) >= {"full/title", "short", "dot", "ordinal_of/upper"}
    assert list(table["change"])[-4:] == ["day -1", "day +1", "month -1", "month +1"]
    model, vocab, config, _ = rundir.load_model(tiny_run)
    for _, row in table.iloc[::9].iterrows():
        result = translation.translate(model, vocab, config, row["input"])
        assert row["prediction"] == result.prediction
        assert row["mark"] == ("✓" if result.correct else "✗")
    assert any(f"{sum(table['mark'] == '✓')} of {len(table)} right." in m.value for m in at.markdown)
    at.text_input(key="attention.text").input("hello").run()
    assert not at.dataframe and any("Variants need a date" in i.value for i in at.info)


def test_attention_matrix_download(tiny_run):
    at = open_page("attention")
    assert at.get("download_button")


def wait_for(condition, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def press_on_train_page(button_key, hidden_size, book_lstm=False):
    """A long run of a small model (it is stopped by the test), started by one of the page's buttons."""
    at = open_page("train")
    at.number_input(key="train.size").set_value(20000)
    at.number_input(key="train.epochs").set_value(50)
    at.number_input(key="train.hidden").set_value(hidden_size)
    at.checkbox(key="train.book_lstm").set_value(book_lstm)
    at.number_input(key="train.iter_checkpoints").set_value(3)
    at.button(key=button_key).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_start_creates_a_run_and_stop_ends_it(artifacts, tiny_run):
    at = press_on_train_page("train.start", hidden_size=32)
    root = os.path.join(artifacts, "runs")
    [run_dir] = listing.active_runs(root)
    assert rundir.read_config(run_dir).lstm_biases == 2
    assert rundir.read_config(run_dir).iter_checkpoints == 3        # the form's count reaches the run
    assert rundir.read_status(run_dir)["pid"]
    try:
        # a second Start from the same browser (another tab) is refused while the first one runs
        again = AppTest.from_file(APP, default_timeout=60)
        again.session_state["ui.owner_token"] = at.session_state["ui.owner_token"]
        again.run().switch_page("pages/train.py").run()
        again.button(key="train.start").click().run()
        assert again.error and "limit is 1 per visitor" in again.error[0].value
        assert len(listing.active_runs(root)) == 1
        assert wait_for(lambda: rundir.read_status(run_dir)["state"] == "running")
        at.run()
        assert at.get("progress")
        at.button(key="train.stop").click().run()
        assert wait_for(lambda: rundir.read_status(run_dir)["state"] == "stopped")
        assert jobs.wait(run_dir, timeout=30) == 0
    finally:
        jobs.stop(run_dir)


def test_errors_page_tables(tiny_run):
    """Counts and charts on fresh dates; opening a mistake is in test_app_safety (the fixture rarely errs)."""
    at = open_page("errors")
    at.select_slider(key="errors.size").set_value(500).run()
    assert not at.exception
    accuracy, wrong = at.metric[0].value, at.metric[1]
    # the dates in forms the generator learnt after the fixture was trained are left out (and counted)
    evaluated = int(wrong.label.removeprefix("Wrong, of ").replace(",", ""))
    assert 0.5 * 500 <= evaluated <= 500
    assert float(accuracy) >= 0.9 and wrong.value == f"{evaluated - round(float(accuracy) * evaluated)}"
    bars = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    formats = [row[0] for trace in bars[0]["data"] for row in trace["customdata"]]   # the labels behind the names
    assert "short" in formats and "full/title" in formats
    assert "11/22/16 · M/D/YY numbers" in bars[0]["data"][0]["y"]   # each format in plain words, with an example
    assert set(y for trace in bars[1]["data"] for y in trace["y"]) <= {"title", "lower", "upper", "numeric"}


def test_errors_page_decodes_ten_thousand_dates_with_worker_processes(tiny_run):
    """10,000 dates go through the worker processes (core/worker_pool.py): the page counts what one
    process decoding the same dates counts."""
    at = open_page("errors")
    at.select_slider(key="errors.size").set_value(10000).run()
    assert not at.exception
    model, vocab, config, _ = rundir.load_model(tiny_run)
    # the page's fresh dates, in the forms this model can read (data.generated_for leaves out those a
    # model trained before issue 21 cannot; the fixture reads them all)
    dataset = data.generated_for(data.generated(10000, seed=2026), vocab)
    assert 5000 < len(dataset) <= 10000
    xs = vocab.encode_questions(dataset.questions, config.reverse_input)
    ids, _, _ = worker_pool.generate(model.params, xs, vocab.start_id, vocab.output_length, workers=1)
    wrong = int((vocab.decode_many(ids) != np.array(dataset.answers)).sum())
    assert at.metric[1].label == f"Wrong, of {len(dataset):,}" and at.metric[1].value == f"{wrong:,}"


@pytest.fixture(scope="module")
def seq2seq_run(artifacts):
    run_dir = os.path.join(artifacts, "runs", "tiny-seq2seq")
    result = run_module("core.train", "--run-dir", run_dir, "--quiet", "--model", "seq2seq", "--data-size", "300",
                        "--epochs", "1", "--hidden-size", "8", "--wordvec-size", "4")
    assert result.returncode == 0, result.stderr
    yield run_dir


def test_a_model_without_attention_says_so(seq2seq_run):
    at = open_page("attention")
    at.selectbox(key="attention.run").set_value(seq2seq_run).run()
    assert not at.exception
    assert at.metric[0].value                                   # still predicts
    assert any("has no attention" in i.value for i in at.info)
    assert not heatmaps(at)
    at.switch_page("pages/compare.py").run()
    assert not at.exception


def test_comparison_preset_queues_three_models(artifacts, tiny_run):
    press_on_train_page("train.comparison", hidden_size=16, book_lstm=True)
    root = os.path.join(artifacts, "runs")
    queued = listing.active_runs(root)
    assert [rundir.read_config(r).model for r in queued] == ["seq2seq", "peeky", "attention"]
    assert [rundir.read_config(r).lstm_biases for r in queued] == [1, 1, 1]   # the book's LSTM, as ticked
    assert len({rundir.read_status(r)["pid"] for r in queued}) == 1   # one process trains them in turn
    try:
        assert wait_for(lambda: rundir.read_status(queued[0])["state"] == "running")
        jobs.stop(queued[0])
        assert wait_for(lambda: not listing.active_runs(root))
        assert [rundir.read_status(r)["state"] for r in queued] == ["stopped"] * 3
    finally:
        for run_dir in queued:
            jobs.stop(run_dir)


def test_a_corrupt_checkpoint_is_an_error_message_not_a_crash(artifacts, tiny_run):
    broken = os.path.join(artifacts, "runs", "broken-checkpoint")
    shutil.copytree(tiny_run, broken)
    with open(rundir.checkpoint_path(broken, rundir.epochs(broken)[-1]), "r+b") as f:
        f.truncate(64)
    try:
        for page in ("attention", "compare", "errors"):
            at = open_page(page)
            at.selectbox(key=f"{page}.run").set_value(broken).run()
            assert not at.exception, page
            assert any("corrupt or truncated" in e.value for e in at.error), page
    finally:
        shutil.rmtree(broken)


def test_a_killed_run_shows_as_failed_with_its_reason(artifacts, tiny_run):
    killed = os.path.join(artifacts, "runs", "killed-run")
    shutil.copytree(tiny_run, killed)
    rundir.write_status(killed, state="running", pid=2 ** 22 + 4321)   # a process that no longer exists
    try:
        at = open_page()
        table = at.dataframe[0].value.set_index("run")
        assert table.loc["killed-run", "state"] == "failed"
        shown = [e.value.replace("\\", "") for e in at.error]   # plain text: Markdown characters escaped
        assert any("killed-run failed" in e and "without saying so" in e for e in shown)
    finally:
        shutil.rmtree(killed)
