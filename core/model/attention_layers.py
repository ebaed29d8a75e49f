"""Dot-product attention of the book's chapter 8, batched over all decoder steps at once.

hs (N, S, H) are the encoder states, one per input position; h (N, T, H) are the decoder states.
The book runs one ``Attention`` per decoder step; here every layer takes all T steps together as
batched matrix products, which is the same arithmetic without the Python loop.
"""
import numpy as np


class WeightSum:
    """hs (N, S, H), weights a (N, T, S) -> context c = a @ hs (N, T, H)."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.cache = None

    def forward(self, hs, a):
        self.cache = (hs, a)
        return a @ hs

    def backward(self, dc):
        hs, a = self.cache
        dhs = a.transpose(0, 2, 1) @ dc
        da = dc @ hs.transpose(0, 2, 1)
        return dhs, da


class AttentionWeight:
    """hs (N, S, H), h (N, T, H) -> a = softmax over S of h . hs (N, T, S)."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.cache = None

    def forward(self, hs, h):
        scores = h @ hs.transpose(0, 2, 1)
        a = np.exp(scores - scores.max(axis=2, keepdims=True))
        a /= a.sum(axis=2, keepdims=True)
        self.cache = (hs, h, a)
        return a

    def backward(self, da):
        hs, h, a = self.cache
        ds = a * (da - (a * da).sum(axis=2, keepdims=True))   # softmax backward
        dhs = ds.transpose(0, 2, 1) @ h
        dh = ds @ hs
        return dhs, dh


class Attention:
    """AttentionWeight + WeightSum: hs (N, S, H), h (N, T, H) -> context (N, T, H)."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.weight_layer = AttentionWeight()
        self.sum_layer = WeightSum()
        self.attention_weight = None

    def forward(self, hs, h):
        a = self.weight_layer.forward(hs, h)
        self.attention_weight = a
        return self.sum_layer.forward(hs, a)

    def backward(self, dc):
        dhs_sum, da = self.sum_layer.backward(dc)
        dhs_weight, dh = self.weight_layer.backward(da)
        return dhs_sum + dhs_weight, dh


class TimeAttention:
    """Attention for every decoder step: hs_enc (N, S, H), hs_dec (N, T, H) -> contexts (N, T, H).

    ``attention_weights`` (N, T, S) keeps the last forward's weights for visualisation.
    """

    def __init__(self):
        self.params, self.grads = {}, {}
        self.layer = Attention()
        self.attention_weights = None

    def forward(self, hs_enc, hs_dec):
        out = self.layer.forward(hs_enc, hs_dec)
        self.attention_weights = self.layer.attention_weight
        return out

    def backward(self, dout):
        return self.layer.backward(dout)   # (dhs_enc, dhs_dec)
