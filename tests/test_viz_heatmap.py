"""The attention heatmap figure on hand-made translations: plain-words tooltips, the confidence strip,
wrong characters marked, square cells."""
import numpy as np

from core import viz
from core.decoding.translation import Translation


def translation(text="Nov 22, 2016", prediction="2016-11-06", expected="2016-11-22"):
    T, S = len(prediction), len(text)
    attention = np.full((T, S), 1.0 / S)
    confidence = np.linspace(0.4, 1.0, T)
    return Translation(text, prediction, attention, expected, None, confidence)


def test_tooltip_in_plain_words():
    fig = viz.attention_heatmap(translation())
    hover = fig.data[0].text
    assert hover[1][4].startswith("output 2 '0' &lt;- input 5 '2', weight 0.083")   # Plotly shows "<-"
    assert "&larr;" not in str(hover)


def test_confidence_strip_and_wrong_characters():
    result = translation()
    fig = viz.attention_heatmap(result)
    strip = fig.data[1]
    np.testing.assert_allclose(np.ravel(strip.z), result.confidence)
    assert strip.yaxis == "y2" and strip.x0 == len(result.text) + 1.5 and strip.dx == 2
    assert [row[0] for row in strip.text] == [f"{p:.2f}" for p in result.confidence]
    assert fig.layout.yaxis2.ticktext == ("",) * 8 + ("✗ '2'", "✗ '2'")
    assert [t for t, label in enumerate(fig.layout.yaxis.ticktext) if "color" in label] == [8, 9]
    assert sorted(s.y0 + 0.5 for s in fig.layout.shapes if s.name == "wrong") == [8, 9]


def test_a_right_answer_marks_nothing_and_compact_has_no_strip():
    fig = viz.attention_heatmap(translation(prediction="2016-11-22"))
    assert not [s for s in fig.layout.shapes if s.name == "wrong"]
    assert not any("color" in label for label in fig.layout.yaxis.ticktext)
    compact = viz.attention_heatmap(translation(), compact=True)
    assert len(compact.data) == 1 and "yaxis2" not in compact.to_dict()["layout"]


def test_cells_are_square_and_characters_are_escaped():
    for text in ("2/10/93", "Wednesday, the 23rd of September, 2015"):
        fig = viz.attention_heatmap(translation(text=text))
        assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    fig = viz.attention_heatmap(translation(text="1<2&3"))
    assert fig.layout.xaxis.ticktext == ("1", "&lt;", "2", "&amp;", "3")          # the input only
