"""Decoding for inference (core/decoding/inference.py) and on every core (core/decoding/worker_pool.py): the same
outputs as the model's own generate, fewer encoder steps where rows share a prefix, no process left."""
import numpy as np
import pytest

from core.decoding import greedy, inference, worker_pool
from core.model import time_layers
from core.model.registry import build_model
from core.training.config import TrainConfig

V, PAD, START = 11, 0, 1


def model_of(dtype, seed=3, **overrides):
    config = TrainConfig(hidden_size=12, wordvec_size=5, **overrides)
    return build_model(config, V, dtype=dtype, rng=np.random.default_rng(seed))


def padded_questions(rng, n, width=9):
    """Rows as the book feeds them: reversed, so each starts with its padding; a few share more."""
    xs = np.full((n, width), PAD)
    for row, length in enumerate(rng.integers(1, width + 1, n)):
        xs[row, width - length:] = rng.integers(2, V, length)
    xs[n // 2] = xs[0]                      # an exact duplicate
    xs[n // 3, :-1] = xs[1, :-1]            # all but the last id shared
    xs[-1] = PAD                            # nothing but padding
    return xs


@pytest.mark.parametrize("lstm_biases", [1, 2])
def test_inference_generate_equals_the_models_generate(lstm_biases):
    model = model_of(np.float64, lstm_biases=lstm_biases)
    xs = padded_questions(np.random.default_rng(0), 40)
    expected = model.generate(xs, START, 6)
    ids, attention, probabilities = inference.generate(model.params, xs, START, 6, chunk=7)
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_allclose(attention, model.attention_weights, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(probabilities, model.output_probabilities, rtol=1e-10)


def test_float32_decoding_agrees_with_the_model_to_float32_rounding():
    model = model_of(np.float32, seed=8)
    xs = padded_questions(np.random.default_rng(2), 300, width=14)
    expected = model.generate(xs, START, 5)
    ids, attention, _ = inference.generate(model.params, xs, START, 5)
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_allclose(attention, model.attention_weights, atol=2e-5)


def test_the_fast_decoder_takes_its_gate_layout_from_time_lstm(monkeypatch):
    """One gate layout: change TimeLSTM's (here: the f and i blocks trade places, so the weights the
    model was built with feed other gates) and the fast decoder follows, because both read their gate
    matrix from time_layers.gate_matrix. A copy of the layout in the decoder would keep the old one
    and disagree with the model's own generate."""
    model = model_of(np.float64, seed=5)
    xs = padded_questions(np.random.default_rng(6), 30)
    before = inference.generate(model.params, xs, START, 6)[1]
    original = time_layers.gate_matrix

    def f_and_i_swapped(params, dtype):
        W = original(params, dtype)
        H = W.shape[0] // 4
        return np.concatenate((W[H:2 * H], W[:H], W[2 * H:]))

    monkeypatch.setattr(time_layers, "gate_matrix", f_and_i_swapped)
    expected = model.generate(xs, START, 6)
    ids, attention, _ = inference.generate(model.params, xs, START, 6)
    assert not np.allclose(attention, before)          # the change reached the decoder...
    np.testing.assert_array_equal(ids, expected)        # ...exactly as it reached the model
    np.testing.assert_allclose(attention, model.attention_weights, rtol=1e-10, atol=1e-12)


def test_encoder_computes_each_distinct_prefix_once_and_the_same_states():
    model = model_of(np.float64)
    xs = padded_questions(np.random.default_rng(4), 60)
    states, index = inference.encoder_states(inference.GateWeights(model.params, "encoder"), xs)
    distinct = sum(len(np.unique(xs[:, :t + 1], axis=0)) for t in range(xs.shape[1]))
    assert len(states) == distinct < 0.75 * xs.size   # padded rows share their first steps
    np.testing.assert_allclose(states[index], model.encoder.forward(xs), rtol=1e-10, atol=1e-13)


def test_models_without_the_fast_path_decode_through_their_own_generate():
    for overrides in ({"model": "peeky"}, {"model": "seq2seq"}, {"bidirectional": True}):
        model = model_of(np.float64, **overrides)
        assert not inference.supports(model)
        xs = padded_questions(np.random.default_rng(5), 20)
        ids, _ = greedy.generate(model, xs, START, 4)
        np.testing.assert_array_equal(ids, model.generate(xs, START, 4))
    assert inference.supports(model_of(np.float64))


def test_workers_decode_what_one_process_decodes_and_report_progress():
    model = model_of(np.float32)
    xs = padded_questions(np.random.default_rng(6), 230)
    serial = worker_pool.generate(model.params, xs, START, 6, workers=1, chunk=50)
    np.testing.assert_array_equal(serial[0], model.generate(xs, START, 6))   # rows back in the given order
    np.testing.assert_allclose(serial[1], model.attention_weights, atol=1e-6)
    progress = []
    shared = worker_pool.generate(model.params, xs, START, 6, workers=2, chunk=50,
                                     on_progress=lambda done, total: progress.append((done, total)))
    np.testing.assert_array_equal(shared[0], serial[0])
    for a, b in zip(shared[1:], serial[1:]):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert len(progress) == 5 and progress[-1] == (230, 230)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_an_interrupted_decoding_leaves_no_worker_behind():
    """Streamlit cancels by raising from inside on_progress: the workers must end with it, and the
    next call decodes right with fresh ones."""
    model = model_of(np.float32)
    xs = padded_questions(np.random.default_rng(7), 400)
    worker_pool.generate(model.params, xs, START, 6, workers=2, chunk=50)
    kept = worker_pool._kept.processes
    assert all(process.poll() is None for process in kept)   # kept, idle, for the next call

    def cancel(done, total):
        raise KeyboardInterrupt("cancelled")

    with pytest.raises(KeyboardInterrupt):
        worker_pool.generate(model.params, xs, START, 6, workers=2, chunk=50, on_progress=cancel)
    assert all(process.poll() is not None for process in kept)
    assert worker_pool._kept is None
    again = worker_pool.generate(model.params, xs, START, 6, workers=2, chunk=50)
    np.testing.assert_array_equal(again[0], model.generate(xs, START, 6))


def test_kept_workers_decode_with_each_calls_parameters_and_a_second_caller_uses_its_own():
    first, second = model_of(np.float32, seed=1), model_of(np.float32, seed=2)
    xs = padded_questions(np.random.default_rng(8), 300)
    for model in (first, second, first):   # the same kept workers, new parameters each call
        ids = worker_pool.generate(model.params, xs, START, 6, workers=2, chunk=50)[0]
        np.testing.assert_array_equal(ids, model.generate(xs, START, 6))
    with worker_pool._kept_lock:   # as if another visitor's decoding held the kept workers
        kept = worker_pool._kept
        ids = worker_pool.generate(second.params, xs, START, 6, workers=2, chunk=50)[0]
        assert worker_pool._kept is kept
    np.testing.assert_array_equal(ids, second.generate(xs, START, 6))


def test_repeated_rows_are_decoded_once_and_each_gets_its_result():
    model = model_of(np.float32)
    distinct = padded_questions(np.random.default_rng(9), 120)
    xs = distinct[np.random.default_rng(10).integers(0, len(distinct), 360)]   # every row about three times
    calls, progress = [], []
    real = inference.generate

    def counting(params, rows, *args):
        calls.append(len(rows))
        return real(params, rows, *args)

    inference.generate = counting
    try:
        ids, weights, _ = worker_pool.generate(model.params, xs, START, 6, workers=1, chunk=50,
                                                  on_progress=lambda done, total: progress.append((done, total)))
    finally:
        inference.generate = real
    assert sum(calls) == len(np.unique(xs, axis=0))                   # each distinct row once
    np.testing.assert_array_equal(ids, model.generate(xs, START, 6))  # every row its own answer
    np.testing.assert_allclose(weights, model.attention_weights, atol=1e-6)
    assert progress[-1] == (360, 360)                                 # counted in the caller's rows
