"""Batched greedy decoding and accuracy: the whole test set in a few big batches, not one by one."""
import numpy as np


def generate(model, xs, start_id, length, batch_size=500):
    """ids (N, length) and attention (N, length, S) for inputs xs (N, S)."""
    ids, weights = [], []
    for i in range(0, len(xs), batch_size):
        ids.append(model.generate(xs[i:i + batch_size], start_id, length))
        weights.append(model.attention_weights)
    return np.concatenate(ids), np.concatenate(weights)


def correct_rows(model, xs, ts, batch_size=500):
    """Boolean (N,): whether the whole generated answer equals ts[:, 1:]."""
    guess, _ = generate(model, xs, ts[0, 0], ts.shape[1] - 1, batch_size)
    return (guess == ts[:, 1:]).all(axis=1)


def accuracy(model, xs, ts, batch_size=500):
    return float(correct_rows(model, xs, ts, batch_size).mean())
