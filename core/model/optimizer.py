"""Adam and global-norm gradient clipping over named parameters (book, chapters 1 and 6)."""
import numpy as np


def clip_grads(grads, max_norm):
    """Scale all gradients in place so that their joint L2 norm is at most max_norm; return the norm."""
    total = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))
    rate = max_norm / (total + 1e-6)
    if rate < 1:
        for g in grads.values():
            g *= rate
    return total


class Adam:
    """Adam with the book's bias-corrected step size; state is keyed by parameter name."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.iteration = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        if not self.m:
            self.m = {k: np.zeros_like(p) for k, p in params.items()}
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.iteration += 1
        t = self.iteration
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        for key, p in params.items():
            g, m, v = grads[key], self.m[key], self.v[key]
            tmp = g - m                      # m += (1 - beta1) (g - m), without further temporaries
            tmp *= 1 - self.beta1
            m += tmp
            np.multiply(g, g, out=tmp)       # v += (1 - beta2) (g^2 - v)
            tmp -= v
            tmp *= 1 - self.beta2
            v += tmp
            np.sqrt(v, out=tmp)              # p -= lr_t m / (sqrt(v) + eps)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= lr_t
            p -= tmp
