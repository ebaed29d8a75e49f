"""The probability of each greedily chosen output character, recorded by generate."""
import numpy as np
import pytest

from core.model.attention_seq2seq import AttentionSeq2seq
from core.model.seq2seq import PeekySeq2seq, Seq2seq


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("model_class", [AttentionSeq2seq, Seq2seq, PeekySeq2seq])
def test_output_probabilities_are_the_softmax_of_the_chosen_ids(model_class):
    """Teacher-forcing the generated ids gives the same scores; their softmax at each chosen id is
    what generate recorded."""
    rng = np.random.default_rng(7)
    model = model_class(11, 5, 8, rng=rng, dtype=np.float64)
    for p in model.params.values():
        p[...] = rng.standard_normal(p.shape)
    xs = rng.integers(0, 11, (4, 9))
    ids = model.generate(xs, 0, 5)
    probabilities = model.output_probabilities
    assert probabilities.shape == (4, 5)
    ts = np.concatenate([np.zeros((4, 1), dtype=ids.dtype), ids], axis=1)
    encoded = model.encoder.forward(xs)
    scores = model.decoder.forward(ts[:, :-1], encoded)
    chosen = np.take_along_axis(softmax(scores), ids[:, :, None], axis=2)[:, :, 0]
    np.testing.assert_allclose(probabilities, chosen, rtol=1e-10)
    assert (probabilities > 1 / 11).all() and (probabilities <= 1).all()   # the greedy choice is the likeliest
