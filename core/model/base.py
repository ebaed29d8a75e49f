"""What every model shares: named-parameter collection and the book's initialisation."""
import numpy as np

from core.model.time_layers import TimeBiLSTM, TimeLSTM


def collect(prefix_layers, what):
    """{"prefix.key": array} for what="params" or "grads" of each (prefix, layer) pair."""
    named = {}
    for prefix, layer in prefix_layers:
        for key, array in getattr(layer, what).items():
            named[f"{prefix}.{key}"] = array
    return named


class Init:
    """The book's initialisation, from one seeded generator, in one dtype. ``lstm_biases`` is 1 for
    the book's LSTM (one bias b) or 2 for PyTorch's (b plus a recurrent bias bh, both starting at 0)."""

    def __init__(self, rng, dtype, lstm_biases=2):
        if lstm_biases not in (1, 2):
            raise ValueError(f"lstm_biases must be 1 or 2, not {lstm_biases!r}")
        self.rng, self.dtype, self.lstm_biases = rng, dtype, lstm_biases

    def embedding(self, V, D):
        return (self.rng.standard_normal((V, D)) / 100).astype(self.dtype)

    def weight(self, fan_in, fan_out):
        return (self.rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(self.dtype)

    def zeros(self, n):
        return np.zeros(n, dtype=self.dtype)

    def lstm(self, D, H, stateful):
        bh = self.zeros(4 * H) if self.lstm_biases == 2 else None
        return TimeLSTM(self.weight(D, 4 * H), self.weight(H, 4 * H), self.zeros(4 * H), stateful, bh)

    def bilstm(self, D, H):
        return TimeBiLSTM(self.lstm(D, H, stateful=False), self.lstm(D, H, stateful=False))


class Seq2seqBase:
    """forward(xs, ts) -> loss with teacher forcing (decoder input ts[:, :-1], target ts[:, 1:]);
    backward(); generate(xs, start_id, sample_size) -> ids (N, sample_size), greedy and batched.

    Subclasses set encoder, decoder (each with ``layers``: [(name, layer)]) and softmax, then call
    _collect(), which names every parameter "encoder.<layer>.<key>". After generate,
    ``attention_weights`` holds (N, sample_size, S) for attention models and None otherwise, and
    ``output_probabilities`` (N, sample_size) the softmax probability of each chosen character.
    """

    def _collect(self):
        layers = [(f"encoder.{n}", l) for n, l in self.encoder.layers]
        layers += [(f"decoder.{n}", l) for n, l in self.decoder.layers]
        self.params = collect(layers, "params")
        self.grads = collect(layers, "grads")
        self.attention_weights = None
        self.output_probabilities = None

    def forward(self, xs, ts):
        decoder_in, target = ts[:, :-1], ts[:, 1:]
        encoded = self.encoder.forward(xs)
        score = self.decoder.forward(decoder_in, encoded)
        return self.softmax.forward(score, target)

    def backward(self, dout=1.0):
        self.encoder.backward(self.decoder.backward(self.softmax.backward(dout)))

    def generate(self, xs, start_id, sample_size):
        encoded = self.encoder.forward(xs)
        start_ids = np.full(len(xs), start_id, dtype=np.int64)
        ids, self.attention_weights, self.output_probabilities = self.decoder.generate(
            encoded, start_ids, sample_size)
        return ids


def chosen_probability(score):
    """score (N, V) -> the softmax probability of each row's largest score (the greedy choice), (N,)."""
    return 1.0 / np.exp(score - score.max(axis=1, keepdims=True)).sum(axis=1)
