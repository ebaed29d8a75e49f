"""The fast TimeLSTM against the readable one (core/model/lstm_reference.py): outputs and every gradient, float64.

The reference is itself checked against central differences first, so the oracle is proven, not trusted.
"""
import numpy as np
import pytest

from core.model.lstm_reference import ReferenceTimeLSTM
from core.model.time_layers import TimeLSTM
from tests.gradcheck import assert_close, numerical_gradient

N, T, D, H = 5, 7, 3, 6


def make_pair(rng, lstm_biases, stateful):
    """A TimeLSTM and a ReferenceTimeLSTM holding copies of the same random float64 weights."""
    weights = [rng.standard_normal((D, 4 * H)) * 0.5, rng.standard_normal((H, 4 * H)) * 0.5,
               rng.standard_normal(4 * H) * 0.5]
    bh = rng.standard_normal(4 * H) * 0.5 if lstm_biases == 2 else None
    copies = lambda: ([w.copy() for w in weights], None if bh is None else bh.copy())
    (w1, bh1), (w2, bh2) = copies(), copies()
    return TimeLSTM(*w1, stateful=stateful, bh=bh1), ReferenceTimeLSTM(*w2, stateful=stateful, bh=bh2)


def assert_same(fast, reference, what):
    np.testing.assert_allclose(fast, reference, rtol=1e-10, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("lstm_biases", [1, 2])
@pytest.mark.parametrize("stateful", [False, True])
def test_fast_lstm_matches_the_reference(lstm_biases, stateful):
    rng = np.random.default_rng(100 + 10 * lstm_biases + stateful)
    fast, reference = make_pair(rng, lstm_biases, stateful)
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    xs, dhs = rng.standard_normal((N, T, D)), rng.standard_normal((N, T, H))
    for layer in (fast, reference):
        layer.set_state(h0, c0)
    assert_same(fast.forward(xs), reference.forward(xs), "hs")
    assert_same(fast.h, reference.h, "last h")
    assert_same(fast.c, reference.c, "last c")
    assert_same(fast.backward(dhs), reference.backward(dhs), "dxs")
    assert set(fast.grads) == set(reference.grads) == ({"Wx", "Wh", "b", "bh"} if lstm_biases == 2
                                                       else {"Wx", "Wh", "b"})
    for name in fast.grads:
        assert_same(fast.grads[name], reference.grads[name], name)
        assert np.abs(reference.grads[name]).max() > 1e-3, f"{name}: a zero gradient would prove nothing"
    if stateful:   # the decoder's initial state is the encoder's: its gradient must be right too
        assert_same(fast.dh, reference.dh, "initial h")
        assert_same(fast.dc, reference.dc, "initial c")


def test_state_carries_over_calls_like_the_reference():
    rng = np.random.default_rng(7)
    fast, reference = make_pair(rng, 2, stateful=True)
    xs = rng.standard_normal((N, T, D))
    for part in (xs[:, :3], xs[:, 3:4], xs[:, 4:]):   # the way greedy decoding feeds the decoder
        assert_same(fast.forward(part), reference.forward(part), "hs")


def test_different_batch_sizes_one_after_another():
    """The fast layer reuses buffers between calls: a smaller batch after a bigger one stays right."""
    rng = np.random.default_rng(8)
    fast, reference = make_pair(rng, 2, stateful=False)
    for n in (N, 2, N + 3):
        xs, dhs = rng.standard_normal((n, T, D)), rng.standard_normal((n, T, H))
        assert_same(fast.forward(xs), reference.forward(xs), f"hs, batch {n}")
        assert_same(fast.backward(dhs), reference.backward(dhs), f"dxs, batch {n}")
        assert_same(fast.grads["Wh"], reference.grads["Wh"], f"Wh, batch {n}")


@pytest.mark.parametrize("lstm_biases", [1, 2])
def test_reference_gradients_against_central_differences(lstm_biases):
    rng = np.random.default_rng(9 + lstm_biases)
    _, reference = make_pair(rng, lstm_biases, stateful=True)
    h0, c0 = rng.standard_normal((3, H)), rng.standard_normal((3, H))
    xs, dhs = rng.standard_normal((3, 4, D)), rng.standard_normal((3, 4, H))

    def loss():
        reference.set_state(h0, c0)
        return float(np.sum(reference.forward(xs) * dhs))

    loss()
    dxs = reference.backward(dhs)
    analytic = {**{k: g.copy() for k, g in reference.grads.items()}, "dh0": reference.dh, "dc0": reference.dc}
    assert_close(dxs, numerical_gradient(loss, xs), "xs")
    for name, p in reference.params.items():
        assert_close(analytic[name], numerical_gradient(loss, p), name)
    assert_close(analytic["dh0"], numerical_gradient(loss, h0), "initial h")
    assert_close(analytic["dc0"], numerical_gradient(loss, c0), "initial c")
