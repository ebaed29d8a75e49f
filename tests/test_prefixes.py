"""The encoder that reads each distinct prefix once (core/model/prefixes.py, TimeLSTM.forward_prefixes):
the tree's bookkeeping, and outputs and gradients identical to the row-by-row computation (float64)."""
import numpy as np
import pytest

from core.model.attention_seq2seq import AttentionSeq2seq
from core.model.lstm_reference import ReferenceTimeLSTM
from core.model.prefixes import PrefixTree
from core.model.seq2seq import PeekySeq2seq, Seq2seq
from tests.gradcheck import assert_close, numerical_gradient

V, D, H = 5, 3, 6


def padded_ids(rng, N=9, S=8):
    """Rows that share prefixes the way reversed, padded questions do: leading padding (id 0) of
    different lengths, two identical rows, and two that part only at the last step."""
    ids = rng.integers(1, V, (N, S))
    for n, pad in enumerate(rng.integers(0, S, N)):
        ids[n, :pad] = 0
    ids[1] = ids[0]
    ids[3] = ids[2]
    ids[3, -1] = (ids[2, -1] % (V - 1)) + 1
    return ids


def test_the_tree_holds_each_distinct_prefix_once():
    ids = padded_ids(np.random.default_rng(1))
    tree = PrefixTree(ids)
    N, S = ids.shape
    for t in range(S):
        assert tree.counts[t] == len({tuple(row[:t + 1]) for row in ids})
    assert np.array_equal(tree.rows(tree.ids), ids)               # every row reads its own ids
    assert np.array_equal(tree.index[0], tree.index[1])            # identical rows share every column
    assert np.array_equal(tree.index[2, :-1], tree.index[3, :-1]) and tree.index[2, -1] != tree.index[3, -1]
    # a column's rows, summed: how many rows share it
    sharing = tree.sum_rows(np.ones((N, S)))
    assert sharing.sum() == N * S and sharing[0] == np.sum(ids[:, 0] == tree.ids[0])
    for t in range(1, S):   # each row's column at t extends its column at t - 1
        local = tree.index[:, t] - tree.offsets[t]
        assert np.array_equal(tree.parents[t][local], tree.index[:, t - 1] - tree.offsets[t - 1])


def test_rows_without_a_shared_prefix_make_one_column_each():
    ids = np.arange(12).reshape(4, 3)
    tree = PrefixTree(ids)
    assert tree.size == 12 and list(tree.counts) == [4, 4, 4]
    assert all(children is None for children in tree.first_children)


@pytest.mark.parametrize("lstm_biases", [1, 2])
def test_the_shared_prefix_lstm_matches_the_reference_lstm(lstm_biases):
    """forward_prefixes / backward_prefixes against the plain LSTM on every row: outputs, the gradient
    of each input and every weight gradient."""
    rng = np.random.default_rng(30 + lstm_biases)
    ids = padded_ids(rng)
    N, S = ids.shape
    embedding = rng.standard_normal((V, D))
    model = AttentionSeq2seq(V, D, H, rng=rng, dtype=np.float64, lstm_biases=lstm_biases)
    lstm = model.encoder.lstm
    for p in lstm.params.values():
        p[...] = rng.standard_normal(p.shape) * 0.5
    reference = ReferenceTimeLSTM(*(lstm.params[k].copy() for k in ("Wx", "Wh", "b")),
                                  bh=lstm.params["bh"].copy() if lstm_biases == 2 else None)
    tree = PrefixTree(ids)
    hs = tree.rows(lstm.forward_prefixes(embedding[tree.ids], tree))
    np.testing.assert_allclose(hs, reference.forward(embedding[ids]), rtol=1e-10, atol=1e-12)

    dhs = rng.standard_normal((N, S, H))
    dxs = lstm.backward_prefixes(tree.sum_rows(dhs))               # per column
    dxs_reference = reference.backward(dhs)                        # per row and step
    np.testing.assert_allclose(tree.sum_rows(dxs_reference), dxs, rtol=1e-10, atol=1e-12)
    for name in lstm.grads:
        np.testing.assert_allclose(lstm.grads[name], reference.grads[name], rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("model_class", [AttentionSeq2seq, Seq2seq, PeekySeq2seq])
def test_the_model_gives_the_same_loss_and_gradients_with_and_without_sharing(model_class):
    rng = np.random.default_rng(5)
    model = model_class(V, D, H, rng=rng, dtype=np.float64)
    for p in model.params.values():
        p[...] = rng.standard_normal(p.shape) * 0.5
    xs, ts = padded_ids(rng), rng.integers(0, V, (9, 5))
    results = []
    for sharing in (True, False):
        model.encoder.shares_prefixes = sharing
        loss = model.forward(xs, ts)
        model.backward()
        results.append((loss, {k: g.copy() for k, g in model.grads.items()}))
    (loss_shared, grads_shared), (loss_rows, grads_rows) = results
    assert model.encoder.tree.size < xs.size                       # the check shared something
    assert loss_shared == pytest.approx(loss_rows, rel=1e-12)
    for name in grads_rows:
        np.testing.assert_allclose(grads_shared[name], grads_rows[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_gradient_check_of_the_model_on_padded_inputs():
    """Central differences through the shared-prefix encoder, where rows share padding and more."""
    rng = np.random.default_rng(7)
    model = AttentionSeq2seq(V, D, H, rng=rng, dtype=np.float64)
    for p in model.params.values():
        p[...] = rng.standard_normal(p.shape) * 0.5
    xs, ts = padded_ids(rng, N=5, S=6), rng.integers(0, V, (5, 4))
    loss = lambda: model.forward(xs, ts)
    loss()
    model.backward()
    analytic = {k: v.copy() for k, v in model.grads.items()}
    assert model.encoder.tree.size < xs.size
    for name in ("encoder.embed.W", "encoder.lstm.Wx", "encoder.lstm.Wh", "encoder.lstm.b", "encoder.lstm.bh"):
        assert_close(analytic[name], numerical_gradient(loss, model.params[name]), name)
