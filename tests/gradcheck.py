"""Central-difference gradient checking, in float64, against a random upstream gradient."""
import numpy as np

EPS = 1e-6
TOLERANCE = 1e-6


def numerical_gradient(f, x):
    """d f() / d x by central differences, perturbing x in place one element at a time."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + EPS
        plus = f()
        x[index] = old - EPS
        minus = f()
        x[index] = old
        grad[index] = (plus - minus) / (2 * EPS)
    return grad


def relative_error(analytic, numeric):
    """Largest element error, relative to the array's largest gradient (a scale-aware max error)."""
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)), 1e-12)
    return float(np.max(np.abs(analytic - numeric)) / scale)


def assert_close(analytic, numeric, what):
    error = relative_error(analytic, numeric)
    assert error < TOLERANCE, f"{what}: relative error {error:.2e}"
    assert np.max(np.abs(numeric)) > 1e-8, f"{what}: gradient is zero, the check would prove nothing"
