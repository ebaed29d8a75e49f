"""TensorBoard's curve controls, shared by the Train and Compare pages."""
import streamlit as st

from core.viz import curves


def curve_controls(prefix, default_x="epoch", container=None):
    """TensorBoard's curve controls in one row: smoothing, log scale for the loss, and the x axis.

    -> {"smoothing": float, "log_y": bool, "x": one of core.viz.curves.X_LABELS}; pass them to
    curves.loss_figure / curves.score_figure.
    """
    where = container or st
    # A row that wraps: in a narrow window the controls go onto the next line whole, where fixed columns
    # squeezed them (the toggle lost its label, the x choices stood one under the other).
    row = where.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    smoothing = row.slider("Smoothing", 0.0, 0.99, 0.6, 0.01, key=f"{prefix}.smoothing", width=260,
                           help="TensorBoard's smoothing: an exponential moving average (debiased at the "
                                "start); 0 draws the raw loss. The raw curve stays faint behind.")
    log_y = row.toggle("Log loss", True, key=f"{prefix}.log", help="Log scale for the loss axis")
    x = row.radio("x axis", list(curves.X_LABELS), index=list(curves.X_LABELS).index(default_x),
                  format_func=curves.X_LABELS.get, horizontal=True, key=f"{prefix}.x",
                  help="'examples seen' (iterations x batch size) and 'training time' compare runs "
                       "with different batch or data sizes")
    return {"smoothing": float(smoothing), "log_y": bool(log_y), "x": x}
