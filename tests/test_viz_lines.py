"""The lines view: one line per (output, input) pair with enough weight, wider and darker the more."""
import numpy as np

from core.decoding.translation import Translation
from core.viz.lines import BAND_EDGES, attention_lines


def translation(weights, text="Nov 2", prediction="2016"):
    return Translation(text, prediction, np.asarray(weights, dtype=float))


def drawn_lines(fig):
    """[(x_from_output_row, x_to_input, width, opacity)] of every line drawn."""
    lines = []
    for trace in fig.data:
        if trace.mode != "lines":
            continue
        xs = [x for x in trace.x if x is not None]
        opacity = float(trace.line.color.rsplit(",", 1)[1].rstrip(")"))
        lines += [(xs[i], xs[i + 1], trace.line.width, opacity) for i in range(0, len(xs), 2)]
    return lines


def test_each_weight_above_the_threshold_is_one_line_and_heavier_is_wider_and_darker():
    weights = np.zeros((4, 5))
    weights[0, 4], weights[1, 0] = 1.0, 1.0
    weights[2, [1, 2]] = 0.5, 0.5
    weights[3, [0, 3]] = 0.9, 0.1
    lines = drawn_lines(attention_lines(translation(weights)))
    assert len(lines) == 6                                          # the zeros draw nothing
    by_weight = {}
    x_out = np.linspace(0, 4, 4)
    for t, s in zip(*np.nonzero(weights)):
        [line] = [l for l in lines if np.isclose(l[0], x_out[t]) and l[1] == s]
        by_weight[weights[t, s]] = line
    assert by_weight[1.0][2] > by_weight[0.5][2] > by_weight[0.1][2]    # width follows the weight
    assert by_weight[1.0][3] > by_weight[0.5][3] > by_weight[0.1][3]    # and so does opacity


def test_picking_an_output_character_draws_its_lines_alone():
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(5), size=4)
    fig = attention_lines(translation(weights), selected=2)
    lines = drawn_lines(fig)
    x_out = np.linspace(0, 4, 4)
    assert lines and all(np.isclose(l[0], x_out[2]) for l in lines)
    assert len(lines) == int((weights[2] >= BAND_EDGES[0]).sum())
    [outputs] = [t for t in fig.data if t.name == "output"]
    assert outputs.textfont.color[2] != outputs.textfont.color[0]     # the picked character stands out
    [inputs] = [t for t in fig.data if t.name == "input"]
    assert "weight" in inputs.hovertext[0]                           # hover gives its weights
