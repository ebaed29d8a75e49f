"""Properties that break quietly: softmax rows, accumulation, repeatability, dtypes, decoding."""
import numpy as np

from core.model.attention_layers import AttentionWeight
from core.model.attention_seq2seq import AttentionSeq2seq
from core.model.time_layers import TimeEmbedding, TimeLSTM


def test_attention_rows_sum_to_one():
    rng = np.random.default_rng(1)
    a = AttentionWeight().forward(rng.standard_normal((4, 7, 8)) * 5, rng.standard_normal((4, 3, 8)) * 5)
    assert a.shape == (4, 3, 7)
    np.testing.assert_allclose(a.sum(axis=2), 1.0, rtol=1e-12)
    assert np.all(a >= 0)


def test_embedding_accumulates_repeated_ids():
    layer = TimeEmbedding(np.zeros((5, 2)))
    layer.forward(np.array([[3, 3, 1]]))
    layer.backward(np.ones((1, 3, 2)))
    np.testing.assert_array_equal(layer.grads["W"], [[0, 0], [1, 1], [0, 0], [2, 2], [0, 0]])


def test_backward_twice_gives_the_same_gradients():
    rng = np.random.default_rng(2)
    model = AttentionSeq2seq(9, 4, 6, rng=rng, dtype=np.float64)
    xs, ts = rng.integers(0, 9, (5, 7)), rng.integers(0, 9, (5, 4))
    model.forward(xs, ts)
    model.backward()
    first = {k: g.copy() for k, g in model.grads.items()}
    model.backward()
    for k, g in model.grads.items():
        np.testing.assert_array_equal(g, first[k], err_msg=k)


def test_float32_in_float32_out():
    rng = np.random.default_rng(3)
    model = AttentionSeq2seq(9, 4, 6, rng=rng, dtype=np.float32)
    xs, ts = rng.integers(0, 9, (5, 7)), rng.integers(0, 9, (5, 4))
    model.forward(xs, ts)
    model.backward()
    assert all(g.dtype == np.float32 for g in model.grads.values())
    assert all(p.dtype == np.float32 for p in model.params.values())


def test_stateful_lstm_step_by_step_equals_whole_sequence():
    rng = np.random.default_rng(4)
    args = (rng.standard_normal((3, 16)), rng.standard_normal((4, 16)), rng.standard_normal(16))
    xs, h0 = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 4))
    whole = TimeLSTM(*args, stateful=True)
    whole.set_state(h0)
    expected = whole.forward(xs)
    steps = TimeLSTM(*args, stateful=True)
    steps.set_state(h0)
    got = np.concatenate([steps.forward(xs[:, t:t + 1]) for t in range(5)], axis=1)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_two_lstm_biases_compute_the_books_lstm_with_their_sum():
    rng = np.random.default_rng(6)
    Wx, Wh, b, bh = (rng.standard_normal(shape) for shape in ((3, 16), (4, 16), 16, 16))
    xs = rng.standard_normal((2, 5, 3))
    two = TimeLSTM(Wx, Wh, b, bh=bh).forward(xs)
    one = TimeLSTM(Wx, Wh, b + bh).forward(xs)
    np.testing.assert_allclose(two, one, rtol=1e-12)


def decisive_model(rng):
    """A small float64 model with unit-scale weights: its argmax choices are far from ties."""
    model = AttentionSeq2seq(11, 5, 8, rng=rng, dtype=np.float64)
    for p in model.params.values():
        p[...] = rng.standard_normal(p.shape)
    return model


def test_batched_greedy_decoding_equals_one_at_a_time():
    rng = np.random.default_rng(5)
    model = decisive_model(rng)
    xs = rng.integers(0, 11, (6, 9))
    batch = model.generate(xs, 0, 4)
    batch_weights = model.attention_weights
    for row in range(6):
        np.testing.assert_array_equal(model.generate(xs[row:row + 1], 0, 4)[0], batch[row])
        np.testing.assert_allclose(model.attention_weights[0], batch_weights[row], rtol=1e-10)


def test_greedy_decoding_matches_teacher_forcing_on_its_own_output():
    """Feeding the generated ids back with teacher forcing must give them the highest scores."""
    rng = np.random.default_rng(6)
    model = decisive_model(rng)
    xs = rng.integers(0, 11, (4, 9))
    ids = model.generate(xs, 0, 5)
    ts = np.concatenate([np.zeros((4, 1), dtype=ids.dtype), ids], axis=1)
    enc_hs = model.encoder.forward(xs)
    scores = model.decoder.forward(ts[:, :-1], enc_hs)
    np.testing.assert_array_equal(scores.argmax(axis=2), ids)
