"""The book's chapter 7 baselines: Seq2seq (the decoder sees only the encoder's last state) and
PeekySeq2seq (that state is also fed to every decoder step and to its output layer)."""
import numpy as np

from core.model.base import Init, Seq2seqBase, chosen_probability
from core.model.prefixes import PrefixTree
from core.model.time_layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss


class Encoder:
    """ids (N, S) -> the LSTM's last hidden state h (N, H). Like AttentionEncoder it reads each distinct
    prefix of the rows once (core/model/prefixes.py); shares_prefixes = False reads row by row."""

    def __init__(self, V, D, H, init):
        self.embed = TimeEmbedding(init.embedding(V, D))
        self.lstm = init.lstm(D, H, stateful=False)
        self.layers = [("embed", self.embed), ("lstm", self.lstm)]
        self.shares_prefixes = True
        self.hs_shape = self.tree = None

    def forward(self, xs):
        if self.shares_prefixes:
            self.tree = PrefixTree(xs)
            return self.lstm.forward_prefixes(self.embed.forward(self.tree.ids), self.tree)[self.tree.index[:, -1]]
        hs = self.lstm.forward(self.embed.forward(xs))
        self.hs_shape = hs.shape
        return hs[:, -1]

    def backward(self, dh):
        if self.shares_prefixes:
            dh_columns = np.zeros((self.tree.size, dh.shape[1]), dtype=dh.dtype)
            np.add.at(dh_columns, self.tree.index[:, -1], dh)   # identical rows share a last column
            self.embed.backward(self.lstm.backward_prefixes(dh_columns))
            return
        dhs = np.zeros(self.hs_shape, dtype=dh.dtype)
        dhs[:, -1] = dh
        self.embed.backward(self.lstm.backward(dhs))


class Decoder:
    """Teacher-forced ids (N, T), encoder state h (N, H) -> scores (N, T, V); ``peeky`` feeds h to
    every step's LSTM input and to the affine layer as well."""

    def __init__(self, V, D, H, init, peeky=False):
        self.peeky = peeky
        self.embed = TimeEmbedding(init.embedding(V, D))
        self.lstm = init.lstm(D + H if peeky else D, H, stateful=True)
        self.affine = TimeAffine(init.weight(2 * H if peeky else H, V), init.zeros(V))
        self.layers = [("embed", self.embed), ("lstm", self.lstm), ("affine", self.affine)]
        self.H = H

    def forward(self, ts, h):
        self.lstm.set_state(h)
        return self._step(ts, h)

    def _step(self, ts, h):
        out = self.embed.forward(ts)
        if self.peeky:
            hs = np.repeat(h[:, None, :], ts.shape[1], axis=1)
            out = np.concatenate((hs, out), axis=2)
        out = self.lstm.forward(out)
        if self.peeky:
            out = np.concatenate((hs, out), axis=2)
        return self.affine.forward(out)

    def backward(self, dscore):
        H = self.H
        dout = self.affine.backward(dscore)
        dh_peek = 0
        if self.peeky:
            dh_peek, dout = dout[:, :, :H].sum(axis=1), dout[:, :, H:]
        dout = self.lstm.backward(dout)
        if self.peeky:
            dh_peek = dh_peek + dout[:, :, :H].sum(axis=1)
            dout = dout[:, :, H:]
        self.embed.backward(dout)
        return self.lstm.dh + dh_peek

    def generate(self, h, start_ids, sample_size):
        """Greedy ids (N, sample_size), no attention to report (None), and the softmax probability
        of each chosen id (N, sample_size)."""
        self.lstm.set_state(h)
        ids = start_ids.reshape(-1, 1)
        sampled, probabilities = [], []
        for _ in range(sample_size):
            score = self._step(ids, h)
            ids = score.argmax(axis=2)
            sampled.append(ids[:, 0])
            probabilities.append(chosen_probability(score[:, 0]))
        return np.stack(sampled, axis=1), None, np.stack(probabilities, axis=1)


class Seq2seq(Seq2seqBase):
    """Encoder + Decoder: the book's chapter 7 seq2seq."""

    peeky = False

    def __init__(self, vocab_size, wordvec_size=16, hidden_size=256, rng=None, dtype=np.float32,
                 lstm_biases=2):
        init = Init(rng if rng is not None else np.random.default_rng(0), dtype, lstm_biases)
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.encoder = Encoder(V, D, H, init)
        self.decoder = Decoder(V, D, H, init, peeky=self.peeky)
        self.softmax = TimeSoftmaxWithLoss()
        self._collect()


class PeekySeq2seq(Seq2seq):
    """Encoder + peeky Decoder: chapter 7's improved seq2seq."""

    peeky = True
