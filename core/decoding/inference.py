"""Greedy decoding of the attention model without training's bookkeeping: the same arithmetic as
AttentionSeq2seq.generate, arranged for speed. core.decoding.greedy uses it for the attention model, through
core.decoding.worker_pool (chunks of rows on every core).

Training's layers keep every step's activations for backward and run the decoder one step at a time
through the general TimeLSTM; decoding needs none of that. Three savings, all exact:

- **Shared prefixes.** The encoder starts every row from the same zero state, so rows whose first k
  ids agree pass through the same k states. Each step computes one column per distinct prefix, not one
  per row. With the book's reversed input every question shorter than the model's width starts with
  padding, and many end alike (", 2016" read backwards): on 5,000 lines of the book's file the encoder
  computes 46,000 row-steps instead of 145,000 (190,000 at the demo's width of 38).
- **Folded input weights.** An input id selects a row of the embedding, which then meets the LSTM's
  input weights: (embedding @ Wx + b) is a (V, 4H) table, one column per id. Written beside Wh, it
  turns each step into one product, [Wh | table] @ [h; one-hot of the ids]. The same for the decoder,
  whose input is the id it chose one step before.
- **One layout.** States stay gate-major, (H, N) as in TimeLSTM; attention scores and contexts are two
  batched products over all rows at once, DECODER_CHUNK rows at a time.

Float32 rounding may differ from the training path's (a product over a different block of rows); the
tests hold the two to float32 tolerance and to identical ids.
"""
import numpy as np

from core.model import time_layers
from core.model.prefixes import PrefixTree
from core.model.time_layers import TimeLSTM, cell_forward

# Rows decoded together after the shared encoder pass: their encoder states (rows x S x H floats, 3 MB
# at the book's size) stay in cache through the decoder's steps; 500 rows (19 MB) decode 10% slower.
DECODER_CHUNK = 100


def supports(model):
    """True for a unidirectional attention model, whose parameters are all this module reads (the
    bidirectional and chapter 7 models decode through their own generate)."""
    encoder = getattr(model, "encoder", None)
    return (type(model).__name__ == "AttentionSeq2seq" and encoder is not None
            and isinstance(encoder.lstm, TimeLSTM))


class GateWeights:
    """One LSTM's weights (``side`` "encoder" or "decoder" of a model's named parameters) in TimeLSTM's
    gate-major layout (time_layers.gate_matrix: rows scaled so that each gate is one exp), with the
    embedding folded into the input weights."""

    def __init__(self, model_params, side):
        params = {key[len(side) + 6:]: value for key, value in model_params.items()
                  if key.startswith(f"{side}.lstm.")}
        embedding = model_params[f"{side}.embed.W"]
        D, H = params["Wx"].shape[0], params["Wh"].shape[0]
        W = time_layers.gate_matrix(params, params["Wh"].dtype)                  # (4H, D + H + 1): x | h | 1
        # An id picks one row of (embedding @ Wx + b): as a one-hot column beside h, the pick and the
        # add are part of the one product W @ [h; one-hot] (gathering columns costs more than that).
        table = W[:, :D] @ embedding.T + W[:, D + H:]                               # (4H, V)
        self.W = np.ascontiguousarray(np.concatenate((W[:, D:D + H], table), axis=1))   # (4H, H + V)
        self.H, self.V = H, table.shape[1]

    def inputs(self, h, ids):
        """The (H + V, n) column stack [h; one-hot of ids] that lstm_step reads and writes."""
        x = np.zeros((self.H + self.V, len(ids)), dtype=self.W.dtype)
        x[:self.H] = h
        x[self.H + ids, np.arange(len(ids))] = 1
        return x


def lstm_step(weights, x, c, gates):
    """One step for the columns of x = [h; one-hot ids] (H + V, n) and c (H, n): the new h replaces the
    old in x[:H], c is updated in place; gates is a (4H, n) work array. The cell is TimeLSTM's own
    (time_layers.cell_forward); the spent f and i blocks serve as its work arrays."""
    H = weights.H
    np.matmul(weights.W, x, out=gates)
    activations = gates.reshape(4, H, -1)
    with np.errstate(over="ignore"):   # see cell_forward
        cell_forward(activations, c, c, activations[0], activations[1], x[:H])


def encoder_states(weights, xs):
    """The encoder's states for ids xs (N, S), each distinct prefix computed once: returns (states
    (R, H), index (N, S)) with hs[n, t] = states[index[n, t]]."""
    tree = PrefixTree(xs)
    H, dtype = weights.H, weights.W.dtype
    h = np.zeros((H, 1), dtype=dtype)   # the states of the previous step's distinct prefixes, as columns
    c = np.zeros((H, 1), dtype=dtype)
    states = []
    for t in range(xs.shape[1]):
        # step 0's prefixes all extend the zero state, column 0 here
        parents = tree.parents[t] if t else np.zeros(tree.counts[0], dtype=np.int64)
        x = weights.inputs(h[:, parents], tree.ids[tree.step(t)])
        c = c[:, parents]   # fancy indexing copies: contiguous (H, U)
        lstm_step(weights, x, c, np.empty((4 * H, len(parents)), dtype=dtype))
        h = x[:H]
        states.append(h.T)
    return np.concatenate(states), tree.index


def generate(params, xs, start_id, length, chunk=DECODER_CHUNK):
    """Greedy decoding with the named parameters of a model that ``supports`` -> what its generate
    gives: ids (N, length), attention (N, length, S) in the encoder's input order, and the
    probability of each chosen id (N, length)."""
    states, index = encoder_states(GateWeights(params, "encoder"), xs)
    dec = GateWeights(params, "decoder")
    parts = [decode_rows(params, dec, states[index[a:a + chunk]], start_id, length)
             for a in range(0, len(xs), chunk)]
    return tuple(np.concatenate(p) for p in zip(*parts))


def decode_rows(params, dec, enc_hs, start_id, length):
    """Greedy decoding from encoder states enc_hs (n, S, H) -> ids, attention, probabilities."""
    W, b = params["decoder.affine.W"], params["decoder.affine.b"]
    H = dec.H
    W_context, W_state = W[:H], W[H:]
    N, S = enc_hs.shape[:2]
    dtype = dec.W.dtype
    # the decoder starts from the encoder's last hidden state and a zero cell, as in training
    x = dec.inputs(enc_hs[:, -1].T, np.full(N, start_id))
    h, columns = x[:H], np.arange(N)
    c = np.zeros((H, N), dtype=dtype)
    gates = np.empty((4 * H, N), dtype=dtype)
    out_ids = np.empty((N, length), dtype=np.int64)
    weights = np.empty((N, length, S), dtype=dtype)
    probabilities = np.empty((N, length), dtype=dtype)
    for t in range(length):
        if t:
            x[H:] = 0
            x[H + ids, columns] = 1
        lstm_step(dec, x, c, gates)
        state = np.ascontiguousarray(h.T)   # (N, H): contiguous rows make the products below 7x faster
        scores = np.matmul(enc_hs, state[:, :, None])[:, :, 0]          # (N, S)
        scores -= scores.max(axis=1, keepdims=True)
        a = np.exp(scores, out=scores)
        a /= a.sum(axis=1, keepdims=True)
        context = np.matmul(a[:, None, :], enc_hs)[:, 0]                # (N, H)
        score = context @ W_context + state @ W_state + b
        ids = score.argmax(axis=1)
        out_ids[:, t] = ids
        weights[:, t] = a
        best = score[columns, ids]
        probabilities[:, t] = 1.0 / np.exp(score - best[:, None]).sum(axis=1)
    return out_ids, weights, probabilities
