"""Time layers of the book's chapters 5-7, vectorised over time.

Every layer has the same four parts: ``params`` and ``grads`` (dicts with the same keys), ``forward``
and ``backward``. Shapes use the book's letters: N batch, T time steps, D input width, H hidden size,
V vocabulary size. No dtype is fixed here: float32 in training, float64 in gradient checks.
"""
import numpy as np


class TimeEmbedding:
    """ids (N, T) -> rows of W (N, T, D)."""

    def __init__(self, W):
        self.params = {"W": W}
        self.grads = {"W": np.zeros_like(W)}
        self.ids = None

    def forward(self, ids):
        self.ids = ids
        return self.params["W"][ids]

    def backward(self, dout):
        dW = self.grads["W"]
        dW[...] = 0
        # add.at accumulates repeated ids, where plain fancy assignment would keep only the last one
        np.add.at(dW, self.ids.ravel(), dout.reshape(-1, dW.shape[1]))
        return None


class TimeAffine:
    """x (N, T, D) -> x @ W + b (N, T, H), one matrix product for all time steps."""

    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.x = None

    def forward(self, x):
        N, T, D = x.shape
        self.x = x
        out = x.reshape(N * T, D) @ self.params["W"] + self.params["b"]
        return out.reshape(N, T, -1)

    def backward(self, dout):
        N, T, D = self.x.shape
        dout = dout.reshape(N * T, -1)
        self.grads["W"][...] = self.x.reshape(N * T, D).T @ dout
        self.grads["b"][...] = dout.sum(axis=0)
        return (dout @ self.params["W"].T).reshape(N, T, D)


class TimeSoftmaxWithLoss:
    """scores (N, T, V), target ids (N, T) -> mean cross-entropy over the positions not ignored."""

    def __init__(self, ignore_label=-1):
        self.params, self.grads = {}, {}
        self.ignore_label = ignore_label
        self.cache = None

    def forward(self, scores, ts):
        N, T, V = scores.shape
        scores = scores.reshape(N * T, V)
        ts = ts.reshape(N * T)
        mask = ts != self.ignore_label
        shifted = scores - scores.max(axis=1, keepdims=True)
        ys = np.exp(shifted)
        sums = ys.sum(axis=1, keepdims=True)
        ys /= sums
        # exact log-softmax (no "+ 1e-7" inside the log), so the gradient below is its true derivative
        log_picked = shifted[np.arange(N * T), np.where(mask, ts, 0)] - np.log(sums[:, 0])
        count = max(int(mask.sum()), 1)
        loss = -np.sum(log_picked * mask) / count
        self.cache = (ys, ts, mask, count, (N, T, V))
        return loss

    def backward(self, dout=1.0):
        ys, ts, mask, count, shape = self.cache
        dx = ys.copy()  # ys stays as forward left it, so backward can run twice
        dx[np.arange(len(ts)), np.where(mask, ts, 0)] -= 1
        dx *= (dout / count) * mask[:, None]
        return dx.reshape(shape)


class TimeLSTM:
    """xs (N, T, D) -> hs (N, T, H). Gates are [f, i, o, g] blocks of width H in Wx (D, 4H), Wh (H, 4H), b.

    The plain version of this layer, one step per screen, is core/model/lstm_reference.py; tests check this
    one against it. Speed notes (the LSTM is most of the training time):
    - Inside, every step works in a transposed, gate-major layout: one product ``W @ [x; h; 1]`` gives
      the (4H, N) pre-activations, so each gate is a contiguous (H, N) block and the bias comes free.
      (Contiguous blocks matter: the same arithmetic on (N, H) column slices of an (N, 4H) array is
      about five times slower per pass.)
    - NumPy's exp is about twice as fast as its tanh, so every nonlinearity is one exp:
      sigmoid(a) = 1 / (1 + exp(-a)) and tanh(a) = 2 / (1 + exp(-2a)) - 1; the factors -1 and -2 are
      folded into the rows of W once per call, so the four gates cost one exp, one add, one divide.
    - Backward shares products between the gate derivatives (dh o, dc f, dc i) and writes each gate's
      gradient in two passes; weight gradients are one product over all steps after the loop. Work
      arrays are preallocated and reused (fresh 15 MB arrays every call cost more in page faults than
      the arithmetic they hold).
    With ``stateful`` the last (h, c) carries into the next forward call (the decoder uses this).
    With ``bh`` the layer keeps a second bias, as PyTorch's and cuDNN's LSTMs do: the pre-activation
    adds b + bh, so the function is the book's, but Adam moves the sum twice as fast as one bias
    (README, "Two LSTM biases").
    """

    def __init__(self, Wx, Wh, b, stateful=False, bh=None):
        self.params = {"Wx": Wx, "Wh": Wh, "b": b}
        if bh is not None:
            self.params["bh"] = bh
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.stateful = stateful
        self.h = self.c = None
        self.dh = self.dc = None  # gradients w.r.t. the initial h and c, read by an encoder that supplied them
        self.cache = None
        self._buffers = {}

    def _buffer(self, name, shape, dtype):
        buf = self._buffers.get(name)
        if buf is None or buf.shape != shape or buf.dtype != dtype:
            buf = self._buffers[name] = np.empty(shape, dtype=dtype)
        return buf

    def set_state(self, h, c=None):
        self.h, self.c = h, c

    def reset_state(self):
        self.h = self.c = None

    def _flat(self, name, size, dtype):
        """A reused 1-D work array of at least size elements, cut to size: for shapes that change from
        call to call (the prefix tree's column count), where _buffer would allocate every time."""
        buf = self._buffers.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = self._buffers[name] = np.empty(int(size * 1.25) + 1, dtype=dtype)
        return buf[:size]

    def _gate_matrix(self, dtype):
        return gate_matrix(self.params, dtype)

    def forward(self, xs):
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        N, T, D = xs.shape
        H = Wh.shape[0]
        K = D + H + 1
        dtype = np.result_type(xs, Wx)
        W = self._gate_matrix(dtype)                                 # (4H, K)
        # xh[:, t] = [x_t; h_(t-1); 1] as columns; xh[:, t + 1] receives h_t (the last slot only h_T).
        # Step-minor layout (K, T + 1, N): per step a strided view BLAS takes as it is, and after the
        # loop all steps side by side as one (K, T * N) matrix for the weight gradient.
        xh = self._buffer("xh", (K, T + 1, N), dtype)
        xh[:D, :T] = xs.transpose(2, 1, 0)
        xh[D + H] = 1
        xh[D:D + H, 0] = self.h.T if (self.stateful and self.h is not None) else 0
        cs = self._buffer("cs", (T + 1, H, N), dtype)
        cs[0] = self.c.T if (self.stateful and self.c is not None) else 0
        act = self._buffer("act", (T, 4, H, N), dtype)
        tanh_cs = self._buffer("tanh_cs", (T, H, N), dtype)
        hs = np.empty((N, T, H), dtype=dtype)   # the output: a fresh array, safe to keep
        ig = self._buffer("ig", (H, N), dtype)
        with np.errstate(over="ignore"):   # see cell_forward
            for t in range(T):
                gates = act[t]
                np.matmul(W, xh[:, t], out=gates.reshape(4 * H, N))
                h = xh[D:D + H, t + 1]
                cell_forward(gates, cs[t], cs[t + 1], tanh_cs[t], ig, h)
                hs[:, t] = h.T   # step by step: one 3-D transposing copy after the loop is 20x slower
        self.h, self.c = hs[:, -1].copy(), cs[T].T.copy()
        self.cache = (xh, act, cs, tanh_cs, (N, T, D, H))
        return hs

    def backward(self, dhs):
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        xh, act, cs, tanh_cs, (N, T, D, H) = self.cache
        K = D + H + 1
        dtype = act.dtype
        dA = self._buffer("dA", (4 * H, T, N), dtype)                # step-minor, like xh
        dh = np.zeros((H, N), dtype=dtype)
        dc = np.zeros((H, N), dtype=dtype)
        dc_prev, q, p, v, w = (self._buffer(name, (H, N), dtype) for name in ("dc_prev", "q", "p", "v", "w"))
        for t in reversed(range(T)):
            dh += dhs[:, t].T
            cell_backward(act[t], tanh_cs[t], cs[t], dh, dc, dA[:, t].reshape(4, H, N), dc_prev, (q, p, v, w))
            dc, dc_prev = dc_prev, dc
            np.matmul(Wh, dA[:, t], out=dh)        # dh_prev
        self.dh, self.dc = dh.T, dc.T.copy()       # dc may be a reused buffer: copy it
        # dW = sum over steps of [x; h; 1] dA^T: one product over all T * N columns
        dA_all = dA.reshape(4 * H, T * N)
        dW = xh[:, :T].reshape(K, T * N) @ dA_all.T                  # (K, 4H)
        self.grads["Wx"][...] = dW[:D]
        self.grads["Wh"][...] = dW[D:D + H]
        self.grads["b"][...] = dW[D + H]
        if "bh" in self.grads:
            self.grads["bh"][...] = dW[D + H]
        return (Wx @ dA_all).reshape(D, T, N).transpose(2, 1, 0)   # (N, T, D)

    # ---- one pass per distinct prefix (an encoder from the zero state; core/model/prefixes.py) ----------
    # The same steps as forward/backward, over a PrefixTree's columns instead of rows: step t computes
    # its counts[t] columns, each from its parent's state; backward sums the gradients of a parent's
    # children. Arrays are flat with one contiguous block per step ((4, H, U) gates, (H, U) states), and
    # xh / dA are (K, R) / (4H, R) with the steps side by side, so the weight gradient is one product.

    def forward_prefixes(self, xs, tree):
        """xs (R, D), the input of each column of tree -> h (R, H), each column's hidden state."""
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        R, D = xs.shape
        H = Wh.shape[0]
        K = D + H + 1
        dtype = np.result_type(xs, Wx)
        W = self._gate_matrix(dtype)
        widest = int(tree.counts.max())
        xh = self._flat("p.xh", K * R, dtype).reshape(K, R)   # [x; h of the parent; 1] per column
        xh[:D] = xs.T
        xh[D + H] = 1
        act = self._flat("p.act", 4 * H * R, dtype)
        c_prevs = self._flat("p.c_prev", H * R, dtype)
        tanh_cs = self._flat("p.tanh_c", H * R, dtype)
        h_blocks = self._flat("p.h", H * R, dtype)
        cells = [self._flat(name, H * widest, dtype) for name in ("p.c_a", "p.c_b")]
        ig = self._flat("p.ig", H * widest, dtype)
        hs = np.empty((R, H), dtype=dtype)   # the output: a fresh array, safe to keep
        h = c = None
        with np.errstate(over="ignore"):   # see cell_forward
            for t in range(len(tree.counts)):
                cols = tree.step(t)
                a, U = cols.start, cols.stop - cols.start
                block = xh[:, cols]
                c_prev = c_prevs[H * a:H * (a + U)].reshape(H, U)
                if t == 0:
                    block[D:D + H] = 0
                    c_prev[...] = 0
                elif tree.first_children[t] is None:   # no prefix branches here: the parents in order
                    block[D:D + H] = h
                    c_prev[...] = c
                else:
                    block[D:D + H] = h[:, tree.parents[t]]
                    np.take(c, tree.parents[t], axis=1, out=c_prev)
                gates = act[4 * H * a:4 * H * (a + U)].reshape(4, H, U)
                np.matmul(W, block, out=gates.reshape(4 * H, U))
                h = h_blocks[H * a:H * (a + U)].reshape(H, U)
                c = cells[t % 2][:H * U].reshape(H, U)
                cell_forward(gates, c_prev, c, tanh_cs[H * a:H * (a + U)].reshape(H, U),
                             ig[:H * U].reshape(H, U), h)
                hs[cols] = h.T
        self.prefix_cache = (tree, xh, act, c_prevs, tanh_cs, (R, D, H))
        return hs

    def backward_prefixes(self, dhs):
        """dhs (R, H), the gradient at each column's h (summed over its rows) -> dxs (R, D). Every
        prefix starts from the zero state, so there is no initial-state gradient: dh and dc stay as
        they are (they belong to the stateful, row-by-row path)."""
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        tree, xh, act, c_prevs, tanh_cs, (R, D, H) = self.prefix_cache
        K = D + H + 1
        dtype = act.dtype
        widest = int(tree.counts.max())
        dA = self._flat("p.dA", 4 * H * R, dtype).reshape(4 * H, R)
        dh_buffer, dh_prev_buffer = (self._flat(name, H * widest, dtype) for name in ("p.dh", "p.dh_prev"))
        dc_buffers = [self._flat(name, H * widest, dtype) for name in ("p.dc_a", "p.dc_b")]
        work = [self._flat(name, H * widest, dtype) for name in ("p.q", "p.p", "p.v", "p.w")]
        dh_children = None   # the gradient that the next step's columns send back to this step's
        for t in reversed(range(len(tree.counts))):
            cols = tree.step(t)
            a, U = cols.start, cols.stop - cols.start
            dh = dh_buffer[:H * U].reshape(H, U)
            dc, dc_prev = (buffer[:H * U].reshape(H, U) for buffer in dc_buffers)
            if dh_children is None:   # the last step: only the output's gradient
                np.copyto(dh, dhs[cols].T)
                dc[...] = 0
            else:
                np.add(dhs[cols].T, dh_children, out=dh)
            cell_backward(act[4 * H * a:4 * H * (a + U)].reshape(4, H, U), tanh_cs[H * a:H * (a + U)].reshape(H, U),
                          c_prevs[H * a:H * (a + U)].reshape(H, U), dh, dc, dA[:, cols].reshape(4, H, U), dc_prev,
                          [w[:H * U].reshape(H, U) for w in work])
            if t == 0:
                break   # step 0 started from the zero state: nothing to send back
            dh_prev = dh_prev_buffer[:H * U].reshape(H, U)
            np.matmul(Wh, dA[:, cols], out=dh_prev)
            children = tree.first_children[t]
            if children is None:   # one child per parent: pass on as it is
                dh_children = dh_prev
                dc_buffers.reverse()   # dc_prev becomes the next (earlier) step's dc
            else:                  # several children per parent: their sum
                dh_children = np.add.reduceat(dh_prev, children, axis=1)
                U_parent = len(children)
                np.add.reduceat(dc_prev, children, axis=1, out=dc_buffers[0][:H * U_parent].reshape(H, U_parent))
        dW = xh @ dA.T                                               # (K, 4H)
        self.grads["Wx"][...] = dW[:D]
        self.grads["Wh"][...] = dW[D:D + H]
        self.grads["b"][...] = dW[D + H]
        if "bh" in self.grads:
            self.grads["bh"][...] = dW[D + H]
        return (Wx @ dA).T                                           # (R, D)


def gate_matrix(params, dtype):
    """(4H, D + H + 1): an LSTM's [Wx; Wh; b (+ bh)]^T, its rows scaled for one exp per gate (-1 for the
    sigmoid gates f, i, o; -2 for g; see TimeLSTM). The one place the gate layout is written: the
    training layer and the fast decoder (core/decoding/inference.py) both read their weights from here."""
    Wx, Wh, b = params["Wx"], params["Wh"], params["b"]
    if "bh" in params:
        b = b + params["bh"]
    H = Wh.shape[0]
    scale = np.full((4 * H, 1), -1, dtype=dtype)   # exp(-a) for the sigmoid gates, exp(-2a) for g
    scale[3 * H:] = -2
    return np.concatenate((Wx, Wh, b[None, :])).T * scale


def cell_forward(gates, c_prev, c, tanh_c, ig, h):
    """One LSTM step after its product: gates (4, H, n) holds the pre-activations [f, i, o, g] scaled
    by -1 (f, i, o) and -2 (g), and becomes the activations in place; writes c, tanh(c) and h (each
    (H, n)); ig is a work array. Call it under np.errstate(over="ignore"): exp(-a) overflows to inf for
    a strongly negative a, and 1 / (1 + inf) is then the exact limit 0."""
    np.exp(gates, out=gates)
    gates += 1
    np.divide(1, gates, out=gates)       # f, i, o done; g holds sigmoid(2a)
    f, i, o, g = gates
    g *= 2
    g -= 1
    np.multiply(f, c_prev, out=c)
    np.multiply(i, g, out=ig)
    c += ig
    np.multiply(c, -2, out=tanh_c)
    np.exp(tanh_c, out=tanh_c)
    tanh_c += 1
    np.divide(2, tanh_c, out=tanh_c)
    tanh_c -= 1
    np.multiply(o, tanh_c, out=h)


def cell_backward(act, tanh_c, c_prev, dh, dc, dA, dc_prev, work):
    """One LSTM step backwards: from the activations act (4, H, n), tanh(c), c_prev and the gradients dh
    and dc at (h, c) of this step, writes the pre-activation gradients dA (4, H, n) and dc_prev = dc f;
    dc is overwritten. work: four (H, n) arrays."""
    f, i, o, g = act
    df, di, do, dg = dA
    q, p, v, w = work
    np.multiply(dh, o, out=q)              # q = dh o
    np.multiply(q, tanh_c, out=p)          # p = dh o tanh(c)
    np.multiply(p, o, out=do)              # do = dh tanh(c) o (1 - o) = p - p o
    np.subtract(p, do, out=do)
    dc += q                                # dc += dh o (1 - tanh(c)^2) = q - p tanh(c)
    p *= tanh_c
    dc -= p
    np.multiply(dc, f, out=dc_prev)        # dc_prev = dc f
    np.multiply(dc_prev, c_prev, out=p)    # df = dc c_prev f (1 - f) = p - p f
    np.multiply(p, f, out=df)
    np.subtract(p, df, out=df)
    np.multiply(dc, i, out=v)              # v = dc i
    np.multiply(v, g, out=w)               # di = dc g i (1 - i) = w - w i
    np.multiply(w, i, out=di)
    np.subtract(w, di, out=di)
    np.multiply(w, g, out=dg)              # dg = dc i (1 - g^2) = v - w g
    np.subtract(v, dg, out=dg)


class TimeBiLSTM:
    """Two TimeLSTMs, one reading xs forwards and one backwards -> hs (N, T, 2H), both states at each t."""

    def __init__(self, forward_lstm, backward_lstm):
        self.forward_lstm, self.backward_lstm = forward_lstm, backward_lstm
        self.params = {f"{side}.{k}": v for side, lstm in self._sides() for k, v in lstm.params.items()}
        self.grads = {f"{side}.{k}": v for side, lstm in self._sides() for k, v in lstm.grads.items()}
        self.H = forward_lstm.params["Wh"].shape[0]

    def _sides(self):
        return (("forward", self.forward_lstm), ("backward", self.backward_lstm))

    def forward(self, xs):
        hs_forward = self.forward_lstm.forward(xs)
        hs_backward = self.backward_lstm.forward(xs[:, ::-1])[:, ::-1]
        return np.concatenate((hs_forward, hs_backward), axis=2)

    def backward(self, dhs):
        H = self.H
        dxs = self.forward_lstm.backward(dhs[:, :, :H])
        dxs = dxs + self.backward_lstm.backward(dhs[:, ::-1, H:])[:, ::-1]
        return dxs
