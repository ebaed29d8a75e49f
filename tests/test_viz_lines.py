"""The lines view: one line per (output, input) pair with enough weight, wider and darker the more."""
import numpy as np

from core.decoding.translation import Translation
from core.viz.lines import BAND_EDGES, GREY_RGB, attention_lines
from core.viz.style import LINE_RGB, WRONG_COLOR


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


def test_picking_an_output_character_highlights_its_lines_over_the_others_in_grey():
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(5), size=4)
    fig = attention_lines(translation(weights), selected=2)
    x_out = np.linspace(0, 4, 4)
    coloured = [t for t in fig.data if t.mode == "lines" and LINE_RGB in t.line.color]
    grey = [t for t in fig.data if t.mode == "lines" and GREY_RGB in t.line.color]
    ends = [x for t in coloured for x in t.x[::3]]
    assert ends and all(np.isclose(x, x_out[2]) for x in ends)                 # only its lines in colour
    assert len(ends) == int((weights[2] >= BAND_EDGES[0]).sum())
    assert {x for t in grey for x in t.x[::3]} >= {x_out[0], x_out[1], x_out[3]}   # the rest kept, grey
    assert max(drawn_opacity(t) for t in grey) < min(drawn_opacity(t) for t in coloured)
    [outputs] = [t for t in fig.data if t.name == "output"]
    assert outputs.marker.color[2] != outputs.marker.color[0]        # the picked character stands out
    [inputs] = [t for t in fig.data if t.name == "input"]
    assert "weight" in inputs.hovertext[0]                           # hover gives its weights


def drawn_opacity(trace):
    return float(trace.line.color.rsplit(",", 1)[1].rstrip(")"))


def test_wrong_characters_are_red_and_blanks_are_named():
    weights = np.full((6, 5), 0.2)
    result = Translation("Nov 2", "91  x ", weights, expected="91    ")
    fig = attention_lines(result)
    [outputs] = [t for t in fig.data if t.name == "output"]
    assert [c == WRONG_COLOR for c in outputs.textfont.color] == [False, False, False, False, True, False]
    assert list(outputs.text) == ["9", "1", "␣", "␣", "x", "␣"]          # a blank is drawn, as ␣
    assert "a blank" in outputs.hovertext[2] and "(wrong)" in outputs.hovertext[4]
    assert "looks at" in outputs.hovertext[0]                           # hover says where it looks
    [inputs] = [t for t in fig.data if t.name == "input"]
    assert "a blank" in inputs.hovertext[3]                             # "Nov 2": its 4th is a space
    short = attention_lines(Translation("Nov 2", "91", weights))        # a prediction cut short
    [outputs] = [t for t in short.data if t.name == "output"]
    assert len(outputs.text) == 6 and list(outputs.text[2:]) == ["␣"] * 4   # every row has its place


def test_the_figure_follows_the_width():
    weights = np.full((10, 29), 1 / 29)
    result = Translation("Wednesday, September 28, 2016", "2016-09-28", weights)
    narrow, wide = attention_lines(result, width=552), attention_lines(result, width=940)
    font = lambda fig: next(t for t in fig.data if t.name == "input").textfont.size
    assert font(narrow) < font(wide) and font(narrow) * 0.62 < (552 - 20) / 30      # characters never touch
    assert narrow.layout.height <= wide.layout.height
