"""Every layer's backward against central differences: float64, random upstream gradient, error < 1e-6."""
import numpy as np
import pytest

from core.model.attention_layers import Attention, AttentionWeight, TimeAttention, WeightSum
from core.model.attention_seq2seq import AttentionSeq2seq
from core.model.seq2seq import PeekySeq2seq, Seq2seq
from core.model.time_layers import TimeAffine, TimeBiLSTM, TimeEmbedding, TimeLSTM, TimeSoftmaxWithLoss
from tests.gradcheck import assert_close, numerical_gradient

N, T, S, D, H, V = 3, 4, 5, 3, 4, 6


@pytest.fixture
def rng():
    return np.random.default_rng(20261127)


def randn(rng, *shape):
    return rng.standard_normal(shape)


def check_layer(layer, forward, inputs, rng):
    """forward(*inputs) -> one array or a tuple; backward(dout) -> grads of inputs (tuple or one)."""
    out = forward(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    douts = [randn(rng, *o.shape) for o in outs]

    def scalar():
        result = forward(*inputs)
        results = result if isinstance(result, tuple) else (result,)
        return sum(float(np.sum(r * d)) for r, d in zip(results, douts))

    scalar()
    dx = layer.backward(*douts)
    dx = dx if isinstance(dx, tuple) else (dx,)
    for n, (x, g) in enumerate(zip(inputs, dx)):
        if g is not None and np.issubdtype(x.dtype, np.floating):
            assert_close(g, numerical_gradient(scalar, x), f"input {n}")
    scalar()
    layer.backward(*douts)
    analytic = {k: v.copy() for k, v in layer.grads.items()}
    for name, p in layer.params.items():
        assert_close(analytic[name], numerical_gradient(scalar, p), name)


def test_time_affine(rng):
    layer = TimeAffine(randn(rng, D, H), randn(rng, H))
    check_layer(layer, layer.forward, [randn(rng, N, T, D)], rng)


def test_time_embedding(rng):
    layer = TimeEmbedding(randn(rng, V, D))
    ids = rng.integers(0, V, (N, T))
    check_layer(layer, layer.forward, [ids], rng)


def test_time_lstm(rng):
    layer = TimeLSTM(randn(rng, D, 4 * H) * 0.5, randn(rng, H, 4 * H) * 0.5, randn(rng, 4 * H) * 0.5)
    check_layer(layer, layer.forward, [randn(rng, N, T, D)], rng)


def test_time_lstm_with_recurrent_bias(rng):
    layer = TimeLSTM(randn(rng, D, 4 * H) * 0.5, randn(rng, H, 4 * H) * 0.5, randn(rng, 4 * H) * 0.5,
                     bh=randn(rng, 4 * H) * 0.5)
    check_layer(layer, layer.forward, [randn(rng, N, T, D)], rng)


def test_time_lstm_gradient_reaches_initial_state(rng):
    layer = TimeLSTM(randn(rng, D, 4 * H) * 0.5, randn(rng, H, 4 * H) * 0.5, randn(rng, 4 * H) * 0.5,
                     stateful=True)
    h0, xs = randn(rng, N, H), randn(rng, N, T, D)
    dhs = randn(rng, N, T, H)

    def loss():
        layer.set_state(h0)
        return float(np.sum(layer.forward(xs) * dhs))

    loss()
    layer.backward(dhs)
    assert_close(layer.dh, numerical_gradient(loss, h0), "initial h")


def test_weight_sum(rng):
    layer = WeightSum()
    a = rng.random((N, T, S))
    check_layer(layer, layer.forward, [randn(rng, N, S, H), a / a.sum(axis=2, keepdims=True)], rng)


def test_attention_weight(rng):
    layer = AttentionWeight()
    check_layer(layer, layer.forward, [randn(rng, N, S, H), randn(rng, N, T, H)], rng)


def test_attention(rng):
    layer = Attention()
    check_layer(layer, layer.forward, [randn(rng, N, S, H), randn(rng, N, T, H)], rng)


def test_time_attention(rng):
    layer = TimeAttention()
    check_layer(layer, layer.forward, [randn(rng, N, S, H), randn(rng, N, T, H)], rng)


def test_softmax_with_loss(rng):
    layer = TimeSoftmaxWithLoss()
    scores, ts = randn(rng, N, T, V), rng.integers(0, V, (N, T))
    ts[0, 1] = -1   # an ignored position must get no gradient and no loss
    loss = lambda: layer.forward(scores, ts)
    loss()
    analytic = layer.backward()
    assert_close(analytic, numerical_gradient(loss, scores), "scores")
    assert np.all(analytic[0, 1] == 0)


def check_model(model, rng, expected_names):
    for p in model.params.values():   # the book's tiny init makes gradients vanish; widen it
        p[...] = randn(rng, *p.shape) * 0.5
    xs, ts = rng.integers(0, V, (N, S)), rng.integers(0, V, (N, T + 1))
    loss = lambda: model.forward(xs, ts)
    loss()
    model.backward()
    analytic = {k: v.copy() for k, v in model.grads.items()}
    assert set(analytic) == set(expected_names)
    for name, p in model.params.items():
        assert_close(analytic[name], numerical_gradient(loss, p), name)


LSTM = ("Wx", "Wh", "b", "bh")
ENCODER = ["encoder.embed.W"] + [f"encoder.lstm.{k}" for k in LSTM]
DECODER = ["decoder.embed.W", "decoder.affine.W", "decoder.affine.b"] + [f"decoder.lstm.{k}" for k in LSTM]


def test_attention_model(rng):
    check_model(AttentionSeq2seq(V, D, H, rng=rng, dtype=np.float64), rng, ENCODER + DECODER)


def test_attention_model_with_the_books_one_lstm_bias(rng):
    model = AttentionSeq2seq(V, D, H, rng=rng, dtype=np.float64, lstm_biases=1)
    check_model(model, rng, [n for n in ENCODER + DECODER if not n.endswith(".bh")])


def test_bidirectional_attention_model(rng):
    model = AttentionSeq2seq(V, D, H, rng=rng, dtype=np.float64, bidirectional=True)
    names = ["encoder.embed.W"] + [f"encoder.lstm.{side}.{k}" for side in ("forward", "backward") for k in LSTM]
    check_model(model, rng, names + DECODER)
    assert model.params["decoder.lstm.Wh"].shape == (2 * H, 8 * H)


def test_seq2seq_model(rng):
    check_model(Seq2seq(V, D, H, rng=rng, dtype=np.float64), rng, ENCODER + DECODER)


def test_peeky_seq2seq_model(rng):
    model = PeekySeq2seq(V, D, H, rng=rng, dtype=np.float64)
    check_model(model, rng, ENCODER + DECODER)
    assert model.params["decoder.lstm.Wx"].shape == (D + H, 4 * H)


def test_time_bilstm(rng):
    make = lambda: TimeLSTM(randn(rng, D, 4 * H) * 0.5, randn(rng, H, 4 * H) * 0.5, randn(rng, 4 * H) * 0.5)
    layer = TimeBiLSTM(make(), make())
    check_layer(layer, layer.forward, [randn(rng, N, T, D)], rng)
