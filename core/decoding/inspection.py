"""Looking inside one decision of the attention model (issue 22): the decoder fed the right answer
(teacher forcing, as the book draws it), the candidates at each step, the attention moved by hand,
attention against gradients (saliency, integrated gradients, rank correlation), and the character
embeddings in 2-D.

Every pass here is written out in NumPy on fresh layers that share the model's parameter arrays
(read, never written): the cached model the Attention page translates with keeps its own state and
buffers, so these passes need no lock, and the decoder's step loop can be changed (a forced attention
row) without touching core/model/. Shapes: N rows, S input positions (the encoder's order: reversed
when the run reverses its input), T output steps, D embedding width, H hidden size, V vocabulary.
"""
from dataclasses import dataclass

import numpy as np

from core.data import tasks
from core.decoding.greedy import reading_order
from core.decoding.translation import Translation
from core.model.attention_layers import TimeAttention
from core.model.time_layers import TimeAffine, TimeBiLSTM, TimeLSTM

# ---- the passes -------------------------------------------------------------------------------------


def _fresh_lstm(lstm, stateful=False):
    """A new TimeLSTM (or TimeBiLSTM) on the same parameter arrays, with its own state and buffers."""
    if isinstance(lstm, TimeBiLSTM):
        return TimeBiLSTM(_fresh_lstm(lstm.forward_lstm), _fresh_lstm(lstm.backward_lstm))
    p = lstm.params
    return TimeLSTM(p["Wx"], p["Wh"], p["b"], stateful=stateful, bh=p.get("bh"))


def supports(model):
    """Only the chapter 8 model has attention to look inside."""
    return hasattr(model.decoder, "attention")


def decode(model, xs, start_id, length, feed=None, force=None):
    """The decoder's step loop -> ids (N, T) argmax at each step, probabilities (N, T, V), attention
    (N, T, S), contexts (N, T, H).

    feed (N, T): the ids fed to the decoder at each step (teacher forcing: the start id, then the right
    answer); None feeds back each step's own argmax, as generate does. force (step, weights (S,)):
    that step's attention is replaced by weights before its context is taken (the steps before it
    are untouched; the later ones follow from what it wrote)."""
    N = len(xs)
    encoder, decoder = model.encoder, model.decoder
    hs = _fresh_lstm(encoder.lstm).forward(encoder.embed.params["W"][xs])      # (N, S, H)
    lstm = _fresh_lstm(decoder.lstm, stateful=True)
    lstm.set_state(hs[:, -1])
    W_embed, W, b = decoder.embed.params["W"], decoder.affine.params["W"], decoder.affine.params["b"]
    ids = np.full(N, start_id, dtype=np.int64)
    written, probabilities, attention, contexts = [], [], [], []
    for t in range(length):
        fed = ids if feed is None else feed[:, t]
        h = lstm.forward(W_embed[fed][:, None])                                 # (N, 1, H)
        scores = h @ hs.transpose(0, 2, 1)                                      # (N, 1, S)
        a = softmax(scores)
        if force is not None and force[0] == t:
            a = np.broadcast_to(np.asarray(force[1], dtype=a.dtype), a.shape)
        context = a @ hs                                                        # (N, 1, H)
        p = softmax(np.concatenate((context, h), axis=2)[:, 0] @ W + b)         # (N, V)
        ids = p.argmax(axis=1)
        written.append(ids)
        probabilities.append(p)
        attention.append(a[:, 0])
        contexts.append(context[:, 0])
    return tuple(np.stack(x, axis=1) for x in (written, probabilities, attention, contexts))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def input_gradients(model, embedded, feed, steps, targets):
    """d log p(targets[n] at output step steps[n]) / d embedded, for each row n -> (gradient (N, S, D),
    log-probabilities (N,)).

    embedded (N, S, D): the encoder's input embeddings (the input's rows of the embedding matrix, or
    points on a path to them); feed (N, T): the decoder's teacher-forced input. One forward and one
    backward for all rows, through the layers' own backward methods; each row's upstream gradient
    sits on its one step only."""
    N = len(embedded)
    encoder, decoder = model.encoder, model.decoder
    H = decoder.H
    encoder_lstm = _fresh_lstm(encoder.lstm)
    hs = encoder_lstm.forward(embedded)
    lstm = _fresh_lstm(decoder.lstm, stateful=True)
    lstm.set_state(hs[:, -1])
    attention = TimeAttention()
    affine = TimeAffine(decoder.affine.params["W"], decoder.affine.params["b"])
    dec_hs = lstm.forward(decoder.embed.params["W"][feed])
    scores = affine.forward(np.concatenate((attention.forward(hs, dec_hs), dec_hs), axis=2))
    rows = np.arange(N)
    picked = scores[rows, steps]                                                # (N, V)
    p = softmax(picked)
    log_p = np.log(p[rows, targets])
    dscores = np.zeros_like(scores)
    dscores[rows, steps] = -p                                                   # d log p_target / d scores
    dscores[rows, steps, targets] += 1
    dout = affine.backward(dscores)
    dhs, ddec_attention = attention.backward(dout[:, :, :H])
    lstm.backward(dout[:, :, H:] + ddec_attention)
    dhs[:, -1] += lstm.dh               # the decoder starts from the encoder's last state
    return encoder_lstm.backward(dhs), log_p


# ---- one input, as the pages ask ------------------------------------------------------------------


@dataclass
class Look:
    """One decoding of one input: result draws as a heatmap (core.viz.attention_heatmap)."""
    result: Translation          # prediction, attention in reading order, confidence, expected
    probabilities: np.ndarray    # (T, V) the softmax at each step
    fed: str                     # the characters fed to the decoder, the start character first


def encoded(vocab, config, text):
    vocab.check_question(text)
    return vocab.encode_questions([text], config.reverse_input)


def right_answer(text, task=tasks.DATES):
    """The input's right answer: from the run's own data (task, core.data.tasks.Task), or what the date
    parser reads (a date task); else None."""
    return task.answer_of(text).expected


def free_running(model, vocab, config, text, force=None, task=tasks.DATES):
    """What the model writes (each step fed its own last character); with force (step, positions in
    reading order), that step's attention spread evenly over those input characters. task gives the
    right answer (result.expected)."""
    text = text.strip()
    xs = encoded(vocab, config, text)
    forced = None if force is None else (force[0], forced_weights(vocab, config, text, force[1]))
    ids, probabilities, attention, _ = decode(model, xs, vocab.start_id, vocab.output_length, force=forced)
    prediction = vocab.decode(ids[0])
    return _look(vocab, config, text, prediction, probabilities[0], attention[0],
                 vocab.chars[vocab.start_id] + prediction[:-1], right_answer(text, task))


def teacher_forced(model, vocab, config, text, answer):
    """The decoder fed the right answer (the start character, then answer[:-1]), as in training: the
    characters it would write at each step given the right ones before it. A shorter answer is padded
    with spaces, as training pads its answers ("91" -> "91  ")."""
    text = text.strip()
    xs = encoded(vocab, config, text)
    fed = vocab.encode_answers([answer.ljust(vocab.output_length)])[:, :-1]                               # start + answer[:-1]
    ids, probabilities, attention, _ = decode(model, xs, vocab.start_id, vocab.output_length, feed=fed)
    return _look(vocab, config, text, vocab.decode(ids[0]), probabilities[0], attention[0], vocab.decode(fed[0]),
                 expected=answer)


def _look(vocab, config, text, prediction, probabilities, attention, fed, expected):
    confidence = probabilities[np.arange(len(prediction)), [vocab.chars.index(c) for c in prediction]]
    shown = np.ascontiguousarray(reading_order(attention, len(text), config.reverse_input))
    return Look(Translation(text, prediction, shown, expected, confidence=np.asarray(confidence, dtype=float)),
                probabilities, fed)


def first_difference(a, b):
    """The first position where two strings differ (0-based), or None when they are equal."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def candidates(probabilities, vocab, k=5):
    """probabilities (T, V) -> per step the k likeliest characters, [(char, probability)], likeliest first."""
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return [[(vocab.chars[i], float(row[i])) for i in top] for row, top in zip(probabilities, order)]


def forced_weights(vocab, config, text, positions):
    """Attention weights over the encoder's positions (S,) spread evenly over the input characters at
    positions (reading order): where the run reverses its input, reading position s is encoder
    position S - 1 - s (the question is padded to S, then the whole row reversed)."""
    S = vocab.input_width
    weights = np.zeros(S)
    for s in positions:
        if not 0 <= s < len(text.strip()):
            raise ValueError(f"input position {s} is outside the input")
        weights[S - 1 - s if config.reverse_input else s] = 1.0 / len(positions)
    return weights


# ---- attention against gradients ------------------------------------------------------------------


@dataclass
class Attribution:
    """Per output character (rows) and input character (columns, reading order)."""
    text: str
    prediction: str
    attention: np.ndarray        # (T, L)
    saliency: np.ndarray         # (T, L) gradient x input (or integrated gradients), signed
    correlation: np.ndarray      # (T,) Spearman's rank correlation of attention and |saliency| per step
    method: str


def attribution(model, vocab, config, text, integrated=False, path_steps=20):
    """Saliency of every input character for each output character the model writes (teacher-forced on
    its own prediction, which is the free-running pass), beside the attention."""
    text = text.strip()
    look = free_running(model, vocab, config, text)
    xs = encoded(vocab, config, text)
    scores = saliency(model, vocab, xs, vocab.encode_answers([look.result.prediction]), integrated, path_steps)
    shown = reading_order(scores[0], len(text), config.reverse_input)
    rho = np.array([spearman(a, np.abs(s)) for a, s in zip(look.result.attention, shown)])
    return Attribution(text, look.result.prediction, look.result.attention, shown, rho,
                       "integrated gradients" if integrated else "gradient x input")


def saliency(model, vocab, xs, answers, integrated=False, path_steps=20):
    """xs (N, S), answers (N, 1 + T) (start id first) -> (N, T, S): for each example and output step,
    gradient x input summed over the embedding, per input position. Integrated gradients average the
    gradient at path_steps points on the straight path from a zero embedding (midpoint rule)."""
    N, S = xs.shape
    T = answers.shape[1] - 1
    embedded = model.encoder.embed.params["W"][xs]                              # (N, S, D)
    alphas = (np.arange(path_steps) + 0.5) / path_steps if integrated else np.ones(1)
    A = len(alphas)
    # rows ordered (alpha, example, step): each row differentiates one step's log-probability
    rows = (alphas[:, None, None, None, None] * embedded[None, :, None]).astype(embedded.dtype)
    rows = np.broadcast_to(rows, (A, N, T, S, embedded.shape[2])).reshape(A * N * T, S, -1)
    feed = np.tile(np.repeat(answers[:, :-1], T, axis=0), (A, 1))
    steps = np.tile(np.arange(T), A * N)
    targets = np.tile(answers[:, 1:].reshape(-1), A)
    gradient, _ = input_gradients(model, rows, feed, steps, targets)
    gradient = gradient.reshape(A, N, T, S, -1).mean(axis=0)
    return (gradient * embedded[:, None]).sum(axis=3)                          # (N, T, S)


def agreement(model, vocab, config, texts):
    """Mean Spearman correlation of attention and |gradient x input| over every (example, output step)
    of texts (the inputs the model can read), and the number of pairs it averages."""
    texts = [t.strip() for t in texts]
    xs = vocab.encode_questions(texts, config.reverse_input)
    ids, _, attention, _ = decode(model, xs, vocab.start_id, vocab.output_length)
    answers = np.concatenate((np.full((len(xs), 1), vocab.start_id), ids), axis=1)
    scores = saliency(model, vocab, xs, answers)
    rhos = [spearman(a, np.abs(s))
            for text, rows_a, rows_s in zip(texts, attention, scores)
            for a, s in zip(reading_order(rows_a, len(text), config.reverse_input),
                            reading_order(rows_s, len(text), config.reverse_input))]
    rhos = np.array([r for r in rhos if np.isfinite(r)])
    return (float(rhos.mean()) if len(rhos) else float("nan")), len(rhos)


def ranks(x):
    """Ranks 0..n-1 of x, ties given their average rank (as Spearman's coefficient needs)."""
    x = np.asarray(x)
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(len(x))
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    return (np.bincount(inverse, weights=r) / counts)[inverse]


def spearman(a, b):
    """Spearman's rank correlation; nan when either side is constant (no order to compare)."""
    ra, rb = ranks(a), ranks(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    scale = np.sqrt((ra ** 2).sum() * (rb ** 2).sum())
    return float((ra * rb).sum() / scale) if scale > 0 else float("nan")


# ---- embeddings -----------------------------------------------------------------------------------


def embedding_map(matrices):
    """Embedding matrices (V, D), one per checkpoint in training order -> their (V, 2) projections on
    fixed axes: the last checkpoint's two principal components, so that characters move only because
    their embeddings moved. Each checkpoint is centred on its own mean: a drift of the whole cloud
    says nothing about which characters the model tells apart."""
    centred = [m.astype(float) - m.astype(float).mean(axis=0) for m in matrices]
    _, _, vt = np.linalg.svd(centred[-1], full_matrices=False)
    axes = vt[:2].T                                                             # (D, 2)
    return [c @ axes for c in centred]
