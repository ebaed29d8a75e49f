"""The book's LSTM (chapter 6) written as plainly as its equations: read this before core/model/time_layers.py.

One step, for a batch of N rows (x: (N, D), h and c: (N, H)):

    A = x @ Wx + h_prev @ Wh + b (+ bh)      the four gates' pre-activations side by side, (N, 4H)
    f = sigmoid(A_f)  i = sigmoid(A_i)  o = sigmoid(A_o)  g = tanh(A_g)
    c = f * c_prev + g * i                   the memory cell: forget some, write some
    h = o * tanh(c)                          the output: a gated view of the cell

The gate blocks are ordered [f, i, o, g] (the book orders them [f, g, i, o]) so that this file and the
fast ``TimeLSTM`` read the same weights. ``ReferenceTimeLSTM`` loops the step over time with the same
interface as ``TimeLSTM``; tests/test_lstm_reference.py uses it as the oracle for the fast layer. It is
slow on purpose: no fused operations, no buffers, no transposed layout, nothing to get wrong.
"""
import numpy as np


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def split_gates(A):
    """(N, 4H) -> the four (N, H) blocks f, i, o, g."""
    H = A.shape[1] // 4
    return A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H], A[:, 3 * H:]


def step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One time step -> (h, c, cache). ``b`` is the whole bias added to A (b + bh for two biases)."""
    A = x @ Wx + h_prev @ Wh + b
    a_f, a_i, a_o, a_g = split_gates(A)
    f, i, o, g = sigmoid(a_f), sigmoid(a_i), sigmoid(a_o), np.tanh(a_g)
    c = f * c_prev + g * i
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, (x, h_prev, c_prev, f, i, o, g, tanh_c)


def step_backward(dh, dc, cache, Wx, Wh):
    """Gradients flowing into one step's h and c -> (dx, dh_prev, dc_prev, dWx, dWh, db)."""
    x, h_prev, c_prev, f, i, o, g, tanh_c = cache
    dc = dc + dh * o * (1 - tanh_c ** 2)     # c reaches the loss directly and through h = o tanh(c)
    df = dc * c_prev
    di = dc * g
    dg = dc * i
    do = dh * tanh_c
    # through the nonlinearities: sigmoid' = s (1 - s), tanh' = 1 - tanh^2
    dA = np.hstack((df * f * (1 - f), di * i * (1 - i), do * o * (1 - o), dg * (1 - g ** 2)))
    dWx = x.T @ dA
    dWh = h_prev.T @ dA
    db = dA.sum(axis=0)
    dx = dA @ Wx.T
    dh_prev = dA @ Wh.T
    dc_prev = dc * f
    return dx, dh_prev, dc_prev, dWx, dWh, db


class ReferenceTimeLSTM:
    """xs (N, T, D) -> hs (N, T, H), one ``step_forward`` per time step; same interface as TimeLSTM,
    including ``stateful`` (the last h, c carry into the next forward) and ``dh``, ``dc`` (gradients
    w.r.t. the initial state) after backward."""

    def __init__(self, Wx, Wh, b, stateful=False, bh=None):
        self.params = {"Wx": Wx, "Wh": Wh, "b": b}
        if bh is not None:
            self.params["bh"] = bh
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.stateful = stateful
        self.h = self.c = None
        self.dh = self.dc = None
        self.caches = []

    def set_state(self, h, c=None):
        self.h, self.c = h, c

    def reset_state(self):
        self.h = self.c = None

    def forward(self, xs):
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        b = self.params["b"] + self.params.get("bh", 0)
        N, T, D = xs.shape
        H = Wh.shape[0]
        h = self.h if (self.stateful and self.h is not None) else np.zeros((N, H), dtype=xs.dtype)
        c = self.c if (self.stateful and self.c is not None) else np.zeros((N, H), dtype=xs.dtype)
        hs = np.empty((N, T, H), dtype=xs.dtype)
        self.caches = []
        for t in range(T):
            h, c, cache = step_forward(xs[:, t], h, c, Wx, Wh, b)
            self.caches.append(cache)
            hs[:, t] = h
        self.h, self.c = h, c
        return hs

    def backward(self, dhs):
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        N, T, H = dhs.shape
        dxs = np.empty((N, T, Wx.shape[0]), dtype=dhs.dtype)
        dh, dc = np.zeros((N, H), dtype=dhs.dtype), np.zeros((N, H), dtype=dhs.dtype)
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(self.params["b"])
        for t in reversed(range(T)):
            # h_t feeds both the layer above (dhs[:, t]) and the next step (dh from t + 1)
            dx, dh, dc, dWx_t, dWh_t, db_t = step_backward(dhs[:, t] + dh, dc, self.caches[t], Wx, Wh)
            dxs[:, t] = dx
            dWx += dWx_t
            dWh += dWh_t
            db += db_t
        self.grads["Wx"][...] = dWx
        self.grads["Wh"][...] = dWh
        self.grads["b"][...] = db
        if "bh" in self.grads:
            self.grads["bh"][...] = db   # A adds b + bh: both get the same gradient
        self.dh, self.dc = dh, dc
        return dxs
