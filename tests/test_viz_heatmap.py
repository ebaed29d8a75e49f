"""The attention heatmap figure on hand-made translations: plain-words tooltips, the confidence strip,
wrong characters marked, square cells."""
import numpy as np

from core import viz
from core.decoding.translation import Translation
from core.viz import heatmap


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
    assert strip.xaxis == "x2" and fig.layout.xaxis2.domain[0] > fig.layout.xaxis.domain[1]   # right of the map
    assert [row[0] for row in strip.text] == [f"{p:.2f}" for p in result.confidence]
    right = [a for a in fig.layout.annotations if "✗" in a.text]
    assert [(a.text, a.y) for a in right] == [("✗ '2'", 8), ("✗ '2'", 9)]
    assert [t for t, label in enumerate(fig.layout.yaxis.ticktext) if "color" in label] == [8, 9]
    assert sorted(s.y0 + 0.5 for s in fig.layout.shapes if s.name == "wrong") == [8, 9]


def test_a_right_answer_marks_nothing_and_compact_has_no_strip():
    fig = viz.attention_heatmap(translation(prediction="2016-11-22"))
    assert not [s for s in fig.layout.shapes if s.name == "wrong"]
    assert not any("color" in label for label in fig.layout.yaxis.ticktext)
    compact = viz.attention_heatmap(translation(), compact=True)
    assert len(compact.data) == 1 and "xaxis2" not in compact.to_dict()["layout"]
    assert not compact.data[0].showscale


def test_cells_are_square_and_characters_are_escaped():
    for text in ("2/10/93", "Wednesday, the 23rd of September, 2015"):
        fig = viz.attention_heatmap(translation(text=text))
        assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    fig = viz.attention_heatmap(translation(text="1<2&3"))
    assert fig.layout.xaxis.ticktext == ("1", "&lt;", "2", "&amp;", "3")          # the input only


# A full-length date (29 characters, as long as the generator writes them) in the widths the page gives
# the heatmap: 940 px in a 1400 px window, 552 px in a 900 px one (the sidebar beside it; measured in
# Chromium). Before issue 20 the figure's height was fixed for a 500 px plot: 477 of 940 px were used
# at 1400 and the cells were 10 px with 15 px row labels on top of each other at 900.
FULL_LENGTH = "Wednesday, September 28, 2016"
PAGE_WIDTH = {1400: 940, 900: 552}


def drawn_cell(fig):
    """The cell's width and height in px as Plotly will draw them, from the figure's own layout."""
    layout = fig.layout
    plot_w = layout.width - layout.margin.l - layout.margin.r
    plot_h = layout.height - layout.margin.t - layout.margin.b
    x0, x1 = layout.xaxis.domain
    S, T = len(layout.xaxis.tickvals), len(layout.yaxis.tickvals)
    return plot_w * (x1 - x0) / S, plot_h / T


def test_a_full_length_date_fills_the_width_with_square_cells_and_readable_labels():
    result = translation(text=FULL_LENGTH, prediction="2016-09-28", expected="2016-09-28")
    for window, width in PAGE_WIDTH.items():
        fig = viz.attention_heatmap(result, title="demo, epoch 3", width=width)
        cell_w, cell_h = drawn_cell(fig)
        assert abs(cell_w - cell_h) < 0.5, (window, cell_w, cell_h)                 # square
        assert fig.layout.width <= width and fig.layout.width >= width - 12         # the whole width
        font = fig.layout.yaxis.tickfont.size
        assert font * 1.25 <= cell_h, (window, font, cell_h)                        # rows never overlap
    big = viz.attention_heatmap(result, width=PAGE_WIDTH[1400])
    assert drawn_cell(big)[0] >= 26 and big.layout.yaxis.tickfont.size >= 15
    assert big.layout.xaxis.domain[1] * (940 - big.layout.margin.l - 6) >= 0.8 * 940   # was 467 of 940
    small = viz.attention_heatmap(result, width=PAGE_WIDTH[900])
    assert drawn_cell(small)[0] >= 14 and small.layout.yaxis.tickfont.size >= 11      # was 10 px, labels 15
    assert small.layout.height >= 10 * 14


def test_the_colour_bar_stands_beside_the_map_as_tall_as_the_rows():
    fig = viz.attention_heatmap(translation(text=FULL_LENGTH), width=PAGE_WIDTH[900])
    bar = fig.data[0].colorbar
    assert bar.orientation in (None, "v") and bar.x > fig.layout.xaxis2.domain[1]   # right of the strip
    assert bar.lenmode == "pixels" and bar.y == 1 and bar.yanchor == "top"
    assert abs(bar.len - drawn_cell(fig)[1] * 10) < 1
    assert bar.x < 1                                                                  # inside the figure


def test_a_short_input_keeps_cells_at_most_max_cell_and_compact_maps_share_a_row_when_readable():
    fig = viz.attention_heatmap(translation(text="2/10/93"), width=PAGE_WIDTH[1400])
    assert drawn_cell(fig)[0] <= heatmap.MAX_CELL + 0.5 and fig.layout.width < 600   # no wall of colour
    assert heatmap.maps_per_row(10, 29, PAGE_WIDTH[1400], 3, gap=16) == 2
    assert heatmap.maps_per_row(10, 29, PAGE_WIDTH[900], 3, gap=16) == 1
    assert heatmap.maps_per_row(10, 7, PAGE_WIDTH[1400], 3, gap=16) == 3
    assert heatmap.maps_per_row(10, 29, PAGE_WIDTH[1400], 1, gap=16) == 1
