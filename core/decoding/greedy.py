"""Batched greedy decoding and accuracy: the whole test set in a few big batches, not one by one.

The attention model decodes through core.decoding.inference (forward only, shared encoder prefixes) on every
core (core.decoding.worker_pool); the other models through their own generate, BATCH_SIZE rows at a time.
"""
import numpy as np

from core.decoding import inference, worker_pool

# Measured on 5,000 examples: 500 per batch decodes fastest here (bigger batches fall out of cache),
# and it bounds the decoder's working memory.
BATCH_SIZE = 500


def generate(model, xs, start_id, length, batch_size=BATCH_SIZE, on_progress=None, workers=None):
    """ids (N, length), and attention (N, length, S) in the encoder's input order or None.

    on_progress(done, total) is called after every batch. workers: processes for the attention model
    (None: one per core; 1: this process only).
    """
    if inference.supports(model):
        ids, weights, _ = worker_pool.generate(model.params, xs, start_id, length, on_progress, workers)
        return ids, weights
    ids, weights = [], []
    for i in range(0, len(xs), batch_size):
        ids.append(model.generate(xs[i:i + batch_size], start_id, length))
        weights.append(model.attention_weights)
        if on_progress:
            on_progress(min(i + batch_size, len(xs)), len(xs))
    has_attention = weights[0] is not None
    return np.concatenate(ids), (np.concatenate(weights) if has_attention else None)


def reading_order(weights, length, reversed_input):
    """Attention over the encoder's input positions -> over the first `length` characters as written."""
    if reversed_input:
        weights = weights[..., ::-1]
    return weights[..., :length]


def accuracy(model, xs, ts, batch_size=BATCH_SIZE, workers=None):
    guess, _ = generate(model, xs, ts[0, 0], ts.shape[1] - 1, batch_size, workers=workers)
    return float((guess == ts[:, 1:]).all(axis=1).mean())
