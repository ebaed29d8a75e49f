"""Looking inside a decision (issue 22): teacher forcing against training's forward pass, forced
attention, gradients against central differences, integrated gradients' completeness, rank
correlation, the embedding map; and each view on the Attention and Compare pages through AppTest."""
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import data, rundir
from core.decoding import inspection, translation
from core.model.attention_seq2seq import AttentionSeq2seq
from core.model.registry import build_model
from core.rundir import checkpoints, npz
from core.viz.style import WRONG_COLOR
from tests.gradcheck import assert_close, numerical_gradient
from tests.test_app import APP, heatmaps

# ---- the math ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny64(tiny_run):
    """The fixture run's last checkpoint in float64: (model, vocab, config)."""
    config, vocab = rundir.read_config(tiny_run), rundir.read_vocab(tiny_run)
    model = build_model(config, len(vocab.chars), dtype=np.float64)
    npz.load_into(model.params, checkpoints.path(tiny_run, rundir.list_checkpoints(tiny_run)[-1].name))
    return model, vocab, config


def first_wrong_date(model, vocab, config):
    """A generated date the tiny model gets wrong (it gets most right)."""
    return next(text for text in data.generated(400, seed=7).questions
                if (t := translation.translate(model, vocab, config, text)).expected and not t.correct)


def small_model(bidirectional=False, seed=0):
    """A random float64 model small enough for central differences; weights scaled up so the
    gradients are far from zero."""
    model = AttentionSeq2seq(7, 4, 5, rng=np.random.default_rng(seed), dtype=np.float64, bidirectional=bidirectional)
    for name, p in model.params.items():
        p[...] = np.random.default_rng(hash(name) % 2 ** 32).standard_normal(p.shape) * 0.5
    return model


@pytest.mark.parametrize("text", ["Tuesday, November 22, 2016", "2/10/93", "august 19, 2003"])
def test_teacher_forced_attention_is_trainings_forward_pass(tiny64, text):
    model, vocab, config = tiny64
    answer = inspection.right_answer(text)
    look = inspection.teacher_forced(model, vocab, config, text, answer)
    xs, ts = vocab.encode_questions([text], config.reverse_input), vocab.encode_answers([answer])
    model.forward(xs, ts)   # the training loss: the decoder fed ts[:, :-1]
    trained = translation.reading_order(model.decoder.attention.attention_weights[0], len(text), config.reverse_input)
    np.testing.assert_allclose(look.result.attention, trained, rtol=0, atol=1e-12)
    assert look.fed == "_" + answer[:-1]
    assert look.result.expected == answer


def test_free_running_is_the_models_own_generate(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    for text in ["Tuesday, November 22, 2016", "2/10/93", "31 February 2020"]:
        look = inspection.free_running(model, vocab, config, text)
        expected = translation.translate(model, vocab, config, text)
        assert look.result.prediction == expected.prediction
        np.testing.assert_allclose(look.result.attention, expected.attention, atol=1e-5)
        np.testing.assert_allclose(look.result.confidence, expected.confidence, atol=1e-5)


def test_teacher_forcing_parts_where_the_model_first_goes_wrong(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    wrong = first_wrong_date(model, vocab, config)
    free = inspection.free_running(model, vocab, config, wrong)
    forced = inspection.teacher_forced(model, vocab, config, wrong, free.result.expected)
    part = inspection.first_difference(free.result.prediction, free.result.expected)
    # up to the first mistake both are fed the same characters, so they write the same ones
    assert forced.result.prediction[:part] == free.result.prediction[:part]
    np.testing.assert_allclose(forced.result.attention[:part + 1], free.result.attention[:part + 1], atol=1e-6)


def test_forced_step_reads_the_chosen_encoder_state_and_earlier_steps_stay(tiny64):
    model, vocab, config = tiny64
    text = "Tuesday, November 22, 2016"
    xs = vocab.encode_questions([text], config.reverse_input)
    hs = model.encoder.forward(xs)   # the model's own encoder (shared prefixes): an independent path
    plain = inspection.decode(model, xs, vocab.start_id, vocab.output_length)
    for step, position in [(0, 3), (5, 10), (9, 0)]:
        weights = inspection.forced_weights(vocab, config, text, [position])
        forced = inspection.decode(model, xs, vocab.start_id, vocab.output_length, force=(step, weights))
        encoder_position = vocab.input_width - 1 - position   # reversed input
        np.testing.assert_allclose(forced[3][0, step], hs[0, encoder_position], atol=1e-12)
        for before, after in zip(plain, forced):
            np.testing.assert_array_equal(before[:, :step], after[:, :step])
    look = inspection.free_running(model, vocab, config, text, force=(5, [10]))
    assert look.result.attention[5].argmax() == 10 and look.result.attention[5, 10] == 1
    span = inspection.free_running(model, vocab, config, text, force=(2, [3, 4, 5]))
    np.testing.assert_allclose(span.result.attention[2, 3:6], 1 / 3)


def test_forcing_the_attention_changes_the_prediction(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    text = "Tuesday, November 22, 2016"
    before = inspection.free_running(model, vocab, config, text).result.prediction
    # the year's first digit looking at the month's 'N' instead of the year writes something else
    changed = [(t, s) for t in range(4) for s in (10, 11, 19)
               if inspection.free_running(model, vocab, config, text, force=(t, [s])).result.prediction != before]
    assert changed


@pytest.mark.parametrize("bidirectional", [False, True])
def test_input_gradients_against_central_differences(bidirectional):
    model = small_model(bidirectional)
    rng = np.random.default_rng(1)
    N, S, T = 3, 5, 4
    embedded = rng.standard_normal((N, S, 4))
    feed = rng.integers(0, 7, (N, T))
    steps, targets = np.array([0, 2, 3]), rng.integers(0, 7, N)
    upstream = rng.standard_normal(N)   # a random weight per row: each row's gradient is checked
    gradient, _ = inspection.input_gradients(model, embedded, feed, steps, targets)
    numeric = numerical_gradient(
        lambda: float(upstream @ inspection.input_gradients(model, embedded, feed, steps, targets)[1]), embedded)
    assert_close(gradient * upstream[:, None, None], numeric, "d log p / d embedding")


def test_integrated_gradients_add_up_to_the_change_from_the_baseline():
    """Completeness: the attributions of all positions sum to log p(input) - log p(zero embedding)."""
    model = small_model(seed=2)

    class Vocab:   # saliency reads only the embedding of xs
        pass
    rng = np.random.default_rng(3)
    xs, answers = rng.integers(0, 7, (2, 6)), rng.integers(0, 7, (2, 5))
    ig = inspection.saliency(model, Vocab(), xs, answers, integrated=True, path_steps=400)   # (N, T, S)
    embedded = model.encoder.embed.params["W"][xs]
    N, T = 2, 4
    feed, steps, targets = np.repeat(answers[:, :-1], T, axis=0), np.tile(np.arange(T), N), answers[:, 1:].ravel()
    rows = lambda e: np.repeat(e, T, axis=0)
    _, at_input = inspection.input_gradients(model, rows(embedded), feed, steps, targets)
    _, at_zero = inspection.input_gradients(model, rows(np.zeros_like(embedded)), feed, steps, targets)
    np.testing.assert_allclose(ig.sum(axis=2).ravel(), at_input - at_zero, rtol=1e-3, atol=1e-5)
    assert np.abs(at_input - at_zero).max() > 1e-2   # the check compares real changes


def test_spearman_and_ranks():
    assert inspection.spearman([1, 2, 3, 4], [10, 20, 30, 45]) == pytest.approx(1)
    assert inspection.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1)
    np.testing.assert_array_equal(inspection.ranks([5, 1, 5, 3]), [2.5, 0, 2.5, 1])   # ties: the mean rank
    a, b = np.array([1, 2, 2, 3, 7]), np.array([2, 1, 4, 3, 5])
    expected = np.corrcoef(inspection.ranks(a), inspection.ranks(b))[0, 1]
    assert inspection.spearman(a, b) == pytest.approx(expected)
    assert np.isnan(inspection.spearman([1, 1, 1], [1, 2, 3]))


def test_attribution_and_agreement_on_the_tiny_model(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    found = inspection.attribution(model, vocab, config, "2/10/93")
    T, L = found.attention.shape
    assert (T, L) == (vocab.output_length, 7) and found.saliency.shape == (T, L)
    assert np.all(np.abs(found.correlation[np.isfinite(found.correlation)]) <= 1)
    mean, pairs = inspection.agreement(model, vocab, config, ["2/10/93", "Aug 19, 2003"])
    assert pairs == 2 * T and -1 <= mean <= 1


def test_candidates_are_the_likeliest_characters(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    look = inspection.free_running(model, vocab, config, "2/10/93")
    tops = inspection.candidates(look.probabilities, vocab, k=5)
    assert len(tops) == vocab.output_length and all(len(step) == 5 for step in tops)
    for step, char in zip(tops, look.result.prediction):
        assert step[0][0] == char                                # the greedy choice is the top candidate
        assert [p for _, p in step] == sorted((p for _, p in step), reverse=True)
        assert sum(p for _, p in step) <= 1 + 1e-6


def test_first_difference():
    assert inspection.first_difference("2016-11-22", "2016-11-22") is None
    assert inspection.first_difference("2016-11-22", "2016-11-23") == 9
    assert inspection.first_difference("2016", "20") == 2


def test_embedding_map_uses_the_last_checkpoints_axes():
    rng = np.random.default_rng(0)
    last = rng.standard_normal((12, 6)) * np.array([5, 3, 1, 0.5, 0.2, 0.1])
    first = rng.standard_normal((12, 6)) * 0.01
    start, end = inspection.embedding_map([first, last])
    np.testing.assert_allclose(end.mean(axis=0), 0, atol=1e-12)
    centred = last - last.mean(axis=0)
    # the first axis keeps the most variance: no random direction's projection spreads more
    directions = rng.standard_normal((6, 50))
    directions /= np.linalg.norm(directions, axis=0)
    assert end[:, 0].var() >= end[:, 1].var() and end[:, 0].var() >= (centred @ directions).var(axis=0).max()
    np.testing.assert_allclose(end[:, 0].var() + end[:, 1].var(),
                               np.sort(np.linalg.svd(centred, compute_uv=False) ** 2)[-2:].sum() / 12)
    np.testing.assert_allclose(start.mean(axis=0), 0, atol=1e-12)
    assert np.abs(start).max() < 0.1                     # an untrained embedding: a small cloud in the middle


# ---- the views, through AppTest ---------------------------------------------------------------------


def inside(text="Tuesday, November 22, 2016", view=None):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/attention.py").run()
    at.text_input(key="attention.text").input(text).run()
    at.session_state["attention.inspect"] = True   # the expander opened
    if view:
        at.session_state["inspect.view"] = view
    at.run()
    assert not at.exception, at.exception
    return at


def specs(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_closed_expander_computes_nothing(tiny_run):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/attention.py").run()
    assert "inspect.view" not in at.session_state      # no view widget drawn: nothing computed
    assert len(specs(at)) == 1                         # the heatmap only (the lines view is an SVG)


def test_teacher_forcing_view_shows_both_where_they_part(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    wrong = first_wrong_date(model, vocab, config)
    free = inspection.free_running(model, vocab, config, wrong)
    forced = inspection.teacher_forced(model, vocab, config, wrong, free.result.expected)
    part = inspection.first_difference(free.result.prediction, forced.result.prediction)
    at = inside(wrong, "Teacher forcing")
    maps = heatmaps(at)
    np.testing.assert_allclose(np.array(maps[-1]["data"][0]["z"]), forced.result.attention, atol=1e-5)
    np.testing.assert_allclose(np.array(maps[-2]["data"][0]["z"]), free.result.attention, atol=1e-5)
    if part is not None:
        assert f"They part at output step {part + 1}" in at.warning[-1].value
    assert any("Decoder input" in t.value for t in at.text)


def test_candidates_view_is_cores_top_five(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    look = inspection.free_running(model, vocab, config, "2/10/93")
    tops = inspection.candidates(look.probabilities, vocab)
    at = inside("2/10/93", "Candidates")
    strip = specs(at)[-1]
    np.testing.assert_allclose(np.array(strip["data"][0]["z"]), [[s[r][1] for s in tops] for r in range(5)], atol=1e-6)
    right = [c for c, bad in zip(look.result.prediction, look.result.wrong or [False] * 10) if not bad]
    assert [t for t in strip["layout"]["xaxis"]["ticktext"] if "<span" not in t] == right   # repeats kept apart


def test_candidates_and_gradients_mark_the_wrong_characters_in_red_as_the_heatmap_does(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    wrong_date = first_wrong_date(model, vocab, config)
    wrong = inspection.free_running(model, vocab, config, wrong_date).result.wrong
    assert any(wrong)
    red = lambda labels: [WRONG_COLOR in label for label in labels]
    strip = specs(inside(wrong_date, "Candidates"))[-1]
    assert red(strip["layout"]["xaxis"]["ticktext"]) == wrong
    pair = specs(inside(wrong_date, "Attention vs gradients"))[-1]
    assert red(pair["layout"]["yaxis"]["ticktext"]) == wrong                     # the attention side's rows


def test_move_the_attention_view_decodes_again_and_resets(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    text = "Tuesday, November 22, 2016"
    before = inspection.free_running(model, vocab, config, text).result.prediction
    step, position = next((t, s) for t in range(4) for s in (10, 11, 19) if inspection.free_running(
        model, vocab, config, text, force=(t, [s])).result.prediction != before)
    after = inspection.free_running(model, vocab, config, text, force=(step, [position])).result.prediction
    at = inside(text, "Move the attention")
    suffix = f"{vocab.input_width}.{text}"
    at.selectbox(key=f"inspect.step.{suffix}").set_value(step).run()
    at.select_slider(key=f"inspect.span.{suffix}").set_value((position, position)).run()
    assert not at.exception
    moved = {m.label: m.value for m in at.metric}
    assert moved["As the model decodes"] == before and moved["Attention moved"] == after
    forced_map = heatmaps(at)[-1]
    assert np.array(forced_map["data"][0]["z"])[step, position] == 1
    at.button(key=f"inspect.reset.{suffix}").click().run()
    assert at.selectbox(key=f"inspect.step.{suffix}").value is None
    assert "Attention moved" not in [m.label for m in at.metric]


def test_gradients_view_shows_the_pair_and_rho(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    found = inspection.attribution(model, vocab, config, "2/10/93")
    at = inside("2/10/93", "Attention vs gradients")
    pair = specs(at)[-1]
    np.testing.assert_allclose(np.array(pair["data"][0]["z"]), found.attention, atol=1e-6)
    assert pair["layout"]["xaxis2"]["ticktext"] == list("2/10/93")
    assert pair["layout"]["yaxis2"]["ticktext"][0].startswith("ρ")
    at.radio(key="inspect.saliency").set_value("integrated gradients (20 steps)").run()
    assert not at.exception
    at.button(key="inspect.agreement").click().run()
    assert any("Mean ρ over" in m.value for m in at.markdown)


def test_embeddings_view_has_fixed_axes_across_checkpoints(tiny_run):
    at = inside("2/10/93", "Embeddings")
    names = [c.name for c in rundir.list_checkpoints(tiny_run)]
    last = specs(at)[-1]
    slider = at.select_slider(key=f"inspect.embedding_step.{names[-1]}")   # keyed by the page's checkpoint
    assert slider.value == names[-1]
    slider.set_value(names[0]).run()
    first = specs(at)[-1]
    assert first["layout"]["xaxis"]["range"] == last["layout"]["xaxis"]["range"]
    labels = [t for trace in last["data"] for t in trace["text"]]
    assert {"0", "9"} <= set(labels) and ({"N", "n"} & set(labels))
    assert {trace["name"] for trace in last["data"]} >= {"digits", "letters"}
    at.select_slider(key="attention.epoch").set_value(names[1]).run()     # another checkpoint on the page
    assert at.select_slider(key=f"inspect.embedding_step.{names[1]}").value == names[1]   # starts there


def test_compare_shows_agreement_per_checkpoint(tiny_run):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/compare.py").run()
    at.toggle(key="compare.agreement").set_value(True).run()
    assert not at.exception, at.exception
    chart = next(s for s in specs(at) if s["layout"].get("title", {}).get("text", "").startswith("Attention against"))
    values = chart["data"][0]["y"]
    assert len(values) == len(rundir.list_checkpoints(tiny_run))
    assert all(-1 <= v <= 1 for v in values)
