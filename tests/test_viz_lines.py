"""The lines view: one line per (output, input) pair with enough weight, wider and darker the more; one
group per output character, which hovering or picking highlights (the hover itself: test_browser_lines)."""
import xml.etree.ElementTree as ET

import numpy as np

from core.decoding.translation import Translation
from core.viz.lines import MIN_WEIGHT, attention_lines
from core.viz.style import WRONG_COLOR

SVG = "{http://www.w3.org/2000/svg}"


def translation(weights, text="Nov 2", prediction="2016"):
    return Translation(text, prediction, np.asarray(weights, dtype=float))


def parse(svg):
    return ET.fromstring(svg)   # well-formed XML, or this raises


def columns(root):
    return root.findall(f"{SVG}g")


def drawn_lines(root):
    """[(output index, x_to_input, width, opacity)] of every line drawn."""
    lines = []
    for column in columns(root):
        for line in column.findall(f"{SVG}line"):
            opacity = float(line.get("style").split(":")[1])
            lines.append((int(column.get("data-t")), float(line.get("x2")), float(line.get("stroke-width")), opacity))
    return lines


def input_xs(root):
    return [float(t.get("x")) for t in root.findall(f"{SVG}text") if t.get("class") == "in"]


def test_each_weight_above_the_threshold_is_one_line_and_heavier_is_wider_and_darker():
    weights = np.zeros((4, 5))
    weights[0, 4], weights[1, 0] = 1.0, 1.0
    weights[2, [1, 2]] = 0.5, 0.5
    weights[3, [0, 3]] = 0.9, 0.1
    weights[3, 4] = MIN_WEIGHT / 2                                     # too light to draw
    root = parse(attention_lines(translation(weights)))
    lines = drawn_lines(root)
    assert len(lines) == 6                                             # the zeros draw nothing
    xs = input_xs(root)
    by_weight = {}
    for t, s in zip(*np.nonzero(weights >= MIN_WEIGHT)):
        [line] = [l for l in lines if l[0] == t and np.isclose(l[1], xs[s])]   # each goes to its input
        by_weight[weights[t, s]] = line
    assert by_weight[1.0][2] > by_weight[0.5][2] > by_weight[0.1][2]    # width follows the weight
    assert by_weight[1.0][3] > by_weight[0.5][3] > by_weight[0.1][3]    # and so does opacity


def test_each_output_character_is_one_group_with_its_lines_weights_and_tooltip():
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(5), size=4)
    root = parse(attention_lines(translation(weights, text="Nov 2"), selected=2))
    groups = columns(root)
    assert [g.get("data-t") for g in groups] == ["0", "1", "2", "3"]
    assert [("picked" in g.get("class")) for g in groups] == [False, False, True, False]
    assert "picked-one" in root.get("class")                           # the CSS greys the others
    for t, group in enumerate(groups):
        assert len(group.findall(f"{SVG}line")) == int((weights[t] >= MIN_WEIGHT).sum())
        labels = [w.text for w in group.findall(f"{SVG}text") if w.get("class") == "w"]
        assert labels == [f"{weights[t, s]:.2f}".lstrip("0") for s in np.flatnonzero(weights[t] >= MIN_WEIGHT)]
        tooltip = group.find(f"{SVG}title").text
        heaviest = int(np.argmax(weights[t]))
        assert tooltip.startswith(f"output {t + 1}: ") and f"{weights[t, heaviest]:.2f}" in tooltip
    style = root.find(f"{SVG}style").text
    assert ".col:hover" in style and ":has(.col:hover)" in style         # hover is styled, not scripted
    unpicked = parse(attention_lines(translation(weights)))
    assert "picked-one" not in unpicked.get("class") and not any("picked" in g.get("class") for g in columns(unpicked))


def test_wrong_characters_are_red_and_blanks_are_named():
    weights = np.full((6, 5), 0.2)
    result = Translation("Nov 2", "91  x ", weights, expected="91    ")
    root = parse(attention_lines(result))
    outputs = [next(t for t in g.findall(f"{SVG}text") if t.get("class").startswith("out")) for g in columns(root)]
    assert [o.get("fill") == WRONG_COLOR for o in outputs] == [False, False, False, False, True, False]
    assert [o.text for o in outputs] == ["9", "1", "␣", "␣", "x", "␣"]   # a blank is drawn, as ␣
    tooltips = [g.find(f"{SVG}title").text for g in columns(root)]
    assert "a blank" in tooltips[2] and "(wrong)" in tooltips[4] and "looks at" in tooltips[0]
    inputs = [t for t in root.findall(f"{SVG}text") if t.get("class") == "in"]
    assert inputs[3].text == "␣" and "a blank" in inputs[3].find(f"{SVG}title").text   # "Nov 2": a space
    short = parse(attention_lines(Translation("Nov 2", "91", weights)))   # a prediction cut short
    assert [g.findall(f"{SVG}text")[-1].text for g in columns(short)][2:] == ["␣"] * 4   # every row has its place


def test_a_users_text_is_escaped_never_markup():
    weights = np.full((3, 9), 1 / 9)
    svg = attention_lines(Translation("<b>&x</b>", "<i>", weights))
    root = parse(svg)                                                  # still one well-formed picture
    assert "<b>" not in svg and "<i>" not in svg
    assert "".join(t.text for t in root.findall(f"{SVG}text") if t.get("class") == "in") == "<b>&x</b>"


def test_the_picture_follows_the_width():
    weights = np.full((10, 29), 1 / 29)
    result = Translation("Wednesday, September 28, 2016", "2016-09-28", weights)
    narrow, wide = parse(attention_lines(result, width=552)), parse(attention_lines(result, width=940))
    font = lambda root: int(root.find(f"{SVG}text").get("font-size"))
    assert font(narrow) < font(wide) and font(narrow) * 0.62 < (552 - 20) / 30      # characters never touch
    assert int(narrow.get("height")) <= int(wide.get("height"))
    assert int(narrow.get("width")) == 552 and max(input_xs(narrow)) < 552            # all of it inside
