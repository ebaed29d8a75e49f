"""Users' text never becomes Plotly markup: a run name or an input with <a href=...> stays text in every
figure builder (titles, axis labels, hover text, legends). Plotly renders a few HTML tags in all of
these, so an unescaped <a> was a working link in a shared replay (issue 18). The lines view is SVG
markup, not Plotly: its escaping is tested in test_viz_lines."""
import json

import numpy as np
import pytest

from core.decoding.translation import Translation
from core.viz import attention_heatmap, curves, replay_figure

EVIL = '<a href="https://e.vil">x</a>'


def translation():
    text, prediction = f"1/2/03{EVIL}", "<b>-01-02"
    weights = np.full((len(prediction), len(text)), 1 / len(text))
    return Translation(text, prediction, weights, expected="2003-01-02")


def series(name):
    return curves.Series(name, np.array([10.0, 20.0]), np.array([1.0, 0.5]), np.array([1.0, 2.0]),
                         epochs=[{"epoch": 1, "iteration": 20, "test_accuracy": 0.5, "alignment": 0.4,
                                  "train_time": 2.0}], batch_size=8, iters_per_epoch=20)


FIGURES = {
    "heatmap": lambda: attention_heatmap(translation(), title=f"run {EVIL}"),
    "replay": lambda: replay_figure([("epoch 1", 20, translation())], [(10, 1.0), (20, 0.5)], title=f"run {EVIL}"),
    "loss": lambda: curves.loss_figure([series(EVIL), series("other")]),
    "scores": lambda: curves.score_figure([series(EVIL), series("other")]),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_no_users_markup_reaches_a_figure(name):
    spec = json.dumps(FIGURES[name]().to_plotly_json())
    assert "<a " not in spec and "<b>-01" not in spec, name
    assert "&lt;a href" in spec   # shown as the text it is
