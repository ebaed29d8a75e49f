"""The book's chapter 8 model: AttentionEncoder + AttentionDecoder = AttentionSeq2seq.

Parameters are named ("encoder.lstm.Wx", ...): the names key checkpoints and optimiser state.
Initialisation follows the book: embeddings randn/100, weights randn/sqrt(fan_in), zero biases.
"""
import numpy as np

from core.attention import TimeAttention
from core.layers import TimeAffine, TimeEmbedding, TimeLSTM, TimeSoftmaxWithLoss


def collect(prefix_layers, what):
    """{"prefix.key": array} for what="params" or "grads" of each (prefix, layer) pair."""
    named = {}
    for prefix, layer in prefix_layers:
        for key, array in getattr(layer, what).items():
            named[f"{prefix}.{key}"] = array
    return named


class _Init:
    """The book's initialisation, from one seeded generator, in one dtype."""

    def __init__(self, rng, dtype):
        self.rng, self.dtype = rng, dtype

    def embedding(self, V, D):
        return (self.rng.standard_normal((V, D)) / 100).astype(self.dtype)

    def weight(self, fan_in, fan_out):
        return (self.rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(self.dtype)

    def zeros(self, n):
        return np.zeros(n, dtype=self.dtype)

    def lstm(self, D, H, stateful):
        return TimeLSTM(self.weight(D, 4 * H), self.weight(H, 4 * H), self.zeros(4 * H), stateful)


class AttentionEncoder:
    """ids (N, S) -> all hidden states hs (N, S, H)."""

    def __init__(self, V, D, H, init):
        self.embed = TimeEmbedding(init.embedding(V, D))
        self.lstm = init.lstm(D, H, stateful=False)
        self.layers = [("embed", self.embed), ("lstm", self.lstm)]

    def forward(self, xs):
        return self.lstm.forward(self.embed.forward(xs))

    def backward(self, dhs):
        self.embed.backward(self.lstm.backward(dhs))


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
        """Greedy decoding of a whole batch -> ids (N, sample_size), attention (N, sample_size, S)."""
        self.lstm.set_state(enc_hs[:, -1])
        ids = start_ids.reshape(-1, 1)
        sampled, weights = [], []
        for _ in range(sample_size):
            score = self._step(ids, enc_hs)
            ids = score.argmax(axis=2)
            sampled.append(ids[:, 0])
            weights.append(self.attention.attention_weights[:, 0])
        return np.stack(sampled, axis=1), np.stack(weights, axis=1)


class AttentionSeq2seq:
    """forward(xs, ts) -> loss; backward(); generate(xs, start_id, sample_size) -> ids."""

    def __init__(self, vocab_size, wordvec_size=16, hidden_size=256, rng=None, dtype=np.float32):
        init = _Init(rng if rng is not None else np.random.default_rng(0), dtype)
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.encoder = AttentionEncoder(V, D, H, init)
        self.decoder = AttentionDecoder(V, D, H, init)
        self.softmax = TimeSoftmaxWithLoss()
        layers = [(f"encoder.{n}", l) for n, l in self.encoder.layers]
        layers += [(f"decoder.{n}", l) for n, l in self.decoder.layers]
        self.params = collect(layers, "params")
        self.grads = collect(layers, "grads")
        self.attention_weights = None

    def forward(self, xs, ts):
        decoder_in, target = ts[:, :-1], ts[:, 1:]
        enc_hs = self.encoder.forward(xs)
        score = self.decoder.forward(decoder_in, enc_hs)
        return self.softmax.forward(score, target)

    def backward(self, dout=1.0):
        self.encoder.backward(self.decoder.backward(self.softmax.backward(dout)))

    def generate(self, xs, start_id, sample_size):
        """Greedy ids (N, sample_size); the attention (N, sample_size, S) is kept in attention_weights."""
        enc_hs = self.encoder.forward(xs)
        start_ids = np.full(len(xs), start_id, dtype=np.int64)
        ids, self.attention_weights = self.decoder.generate(enc_hs, start_ids, sample_size)
        return ids


MODELS = {"attention": AttentionSeq2seq}


def build_model(config, vocab_size, dtype=np.float32, rng=None):
    """The model a TrainConfig names, freshly initialised from its seed (or the given rng)."""
    if config.model not in MODELS:
        raise ValueError(f"unknown model {config.model!r}; choose from {sorted(MODELS)}")
    rng = rng if rng is not None else np.random.default_rng(config.seed)
    return MODELS[config.model](vocab_size, config.wordvec_size, config.hidden_size, rng=rng, dtype=dtype)
