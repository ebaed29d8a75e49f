"""The book's chapter 8 model: AttentionEncoder + AttentionDecoder = AttentionSeq2seq (the chapter 7
baselines live in core/model/seq2seq.py, the registry of every model a run can name in registry.py).

Parameters are named ("encoder.lstm.Wx", ...): the names key checkpoints and optimiser state.
Initialisation follows the book: embeddings randn/100, weights randn/sqrt(fan_in), zero biases.
Every model takes ``lstm_biases``: 2 (the default, PyTorch's LSTM) or 1 (the book's); see Init.
"""
import numpy as np

from core.model.attention_layers import TimeAttention
from core.model.base import Init, Seq2seqBase, chosen_probability
from core.model.prefixes import PrefixTree
from core.model.time_layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss


class AttentionEncoder:
    """ids (N, S) -> all hidden states hs (N, S, H), or (N, S, 2H) with a bidirectional LSTM.

    A unidirectional encoder reads each distinct prefix of the rows once (core/model/prefixes.py): rows
    that begin alike (with the book's reversed input, every padded question) share those steps'
    states, so a training batch of the book's file costs about half the LSTM steps. The result, and
    every gradient, is the row-by-row computation's up to rounding (tests/test_prefixes.py compares
    them with shares_prefixes switched off; the bidirectional encoder always reads row by row).
    """

    def __init__(self, V, D, H, init, bidirectional=False):
        self.embed = TimeEmbedding(init.embedding(V, D))
        self.lstm = init.bilstm(D, H) if bidirectional else init.lstm(D, H, stateful=False)
        self.layers = [("embed", self.embed), ("lstm", self.lstm)]
        self.shares_prefixes = not bidirectional
        self.tree = None

    def forward(self, xs):
        if not self.shares_prefixes:
            return self.lstm.forward(self.embed.forward(xs))
        self.tree = PrefixTree(xs)
        return self.tree.rows(self.lstm.forward_prefixes(self.embed.forward(self.tree.ids), self.tree))

    def backward(self, dhs):
        if not self.shares_prefixes:
            self.embed.backward(self.lstm.backward(dhs))
            return
        self.embed.backward(self.lstm.backward_prefixes(self.tree.sum_rows(dhs)))


class AttentionDecoder:
    """Teacher-forced ids (N, T) and encoder states (N, S, H) -> scores (N, T, V).

    The decoder LSTM starts from the encoder's last state; each output reads the concatenation of
    its attention context and its own hidden state.
    """

    def __init__(self, V, D, H, init):
        self.embed = TimeEmbedding(init.embedding(V, D))
        self.lstm = init.lstm(D, H, stateful=True)
        self.attention = TimeAttention()
        self.affine = TimeAffine(init.weight(2 * H, V), init.zeros(V))
        self.layers = [("embed", self.embed), ("lstm", self.lstm), ("affine", self.affine)]
        self.H = H

    def forward(self, ts, enc_hs):
        self.lstm.set_state(enc_hs[:, -1])
        return self._step(ts, enc_hs)

    def _step(self, ts, enc_hs):
        dec_hs = self.lstm.forward(self.embed.forward(ts))
        contexts = self.attention.forward(enc_hs, dec_hs)
        return self.affine.forward(np.concatenate((contexts, dec_hs), axis=2))

    def backward(self, dscore):
        H = self.H
        dout = self.affine.backward(dscore)
        dcontexts, ddec_hs = dout[:, :, :H], dout[:, :, H:]
        denc_hs, ddec_hs_attention = self.attention.backward(dcontexts)
        self.embed.backward(self.lstm.backward(ddec_hs + ddec_hs_attention))
        denc_hs[:, -1] += self.lstm.dh   # the decoder's initial state is the encoder's last state
        return denc_hs

    def generate(self, enc_hs, start_ids, sample_size):
        """Greedy decoding of a whole batch -> ids (N, sample_size), attention (N, sample_size, S),
        and the softmax probability of each chosen id (N, sample_size)."""
        self.lstm.set_state(enc_hs[:, -1])
        ids = start_ids.reshape(-1, 1)
        sampled, weights, probabilities = [], [], []
        for _ in range(sample_size):
            score = self._step(ids, enc_hs)
            ids = score.argmax(axis=2)
            sampled.append(ids[:, 0])
            weights.append(self.attention.attention_weights[:, 0])
            probabilities.append(chosen_probability(score[:, 0]))
        return np.stack(sampled, axis=1), np.stack(weights, axis=1), np.stack(probabilities, axis=1)


class AttentionSeq2seq(Seq2seqBase):
    """The chapter 8 model. With ``bidirectional`` the encoder reads the input both ways (section 8.4)
    and the decoder, whose states are compared with the encoder's, gets 2 * hidden_size units."""

    def __init__(self, vocab_size, wordvec_size=16, hidden_size=256, rng=None, dtype=np.float32,
                 bidirectional=False, lstm_biases=2):
        init = Init(rng if rng is not None else np.random.default_rng(0), dtype, lstm_biases)
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.encoder = AttentionEncoder(V, D, H, init, bidirectional)
        self.decoder = AttentionDecoder(V, D, 2 * H if bidirectional else H, init)
        self.softmax = TimeSoftmaxWithLoss()
        self._collect()
