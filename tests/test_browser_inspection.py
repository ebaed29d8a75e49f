"""Looking inside a decision in a real browser: open "Look inside this decision", click a heatmap cell
in "Move the attention", see the prediction change; screenshots of every view at 1400 and 900 px
(test-artifacts/inspect-*.png)."""
import os

from core import rundir
from core.decoding import inspection
from tests.test_browser import OUT, open_from_home, page, server  # noqa: F401  (the fixtures)

TEXT = "Tuesday, November 22, 2016"
VIEWS = ["Teacher forcing", "Candidates", "Move the attention", "Attention vs gradients", "Embeddings"]


def open_inside(page, server, text=TEXT):
    open_from_home(page, server, "Attention")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot", timeout=60000)
    box = page.locator("[data-testid='stTextInput'] input")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function("""(t) => {
        const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
        return plot && plot.layout && (plot.layout.xaxis.ticktext || []).join('') === t; }""",
                           arg=text.replace(" ", "␣"), timeout=60000)
    page.get_by_text("Look inside this decision").click()
    page.wait_for_selector("[data-testid='stExpander'] [data-testid='stButtonGroup']", timeout=60000)


def pick_view(page, view):
    """Click a view's button; the first view is picked when the expander opens (a second click on it
    would unpick it)."""
    if view != VIEWS[0]:
        page.locator("[data-testid='stExpander'] [data-testid='stButtonGroup'] button", has_text=view).click()


def cell_point(page, row, column):
    """The viewport coordinates of a heatmap cell in the expander's last chart, from Plotly's own axes
    (scrolled into view first: a click outside the viewport reaches nothing)."""
    page.locator("[data-testid='stExpander'] .js-plotly-plot").last.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    return page.evaluate("""([row, column]) => {
        const plots = document.querySelectorAll("[data-testid='stExpander'] .js-plotly-plot");
        const plot = plots[plots.length - 1];
        const xa = plot._fullLayout.xaxis, ya = plot._fullLayout.yaxis, box = plot.getBoundingClientRect();
        return [box.left + xa._offset + xa.l2p(column), box.top + ya._offset + ya.l2p(row)]; }""", [row, column])


def test_click_a_cell_to_move_the_attention(server, page, tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    before = inspection.free_running(model, vocab, config, TEXT).result.prediction
    step, position = next((t, s) for t in range(4) for s in (10, 11, 19) if inspection.free_running(
        model, vocab, config, TEXT, force=(t, [s])).result.prediction != before)
    after = inspection.free_running(model, vocab, config, TEXT, force=(step, [position])).result.prediction

    open_inside(page, server)
    pick_view(page, "Move the attention")
    page.wait_for_selector("text=click a cell to move its attention", timeout=60000)
    page.wait_for_timeout(500)   # Plotly lays the chart out after it is attached
    x, y = cell_point(page, step, position)
    page.mouse.click(x, y)
    page.wait_for_selector("text=Attention moved", timeout=60000)
    values = page.locator("[data-testid='stExpander'] [data-testid='stMetricValue']").all_inner_texts()
    assert [v.strip() for v in values][:2] == [before, after]
    page.locator("[data-testid='stExpander']").screenshot(path=os.path.join(OUT, "inspect-move-attention-1400.png"))
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_selector("text=click a cell to move its attention", timeout=60000)
    assert page.get_by_text("Attention moved").count() == 0


def test_every_view_at_two_widths(server, page):
    for width in (1400, 900):
        page.set_viewport_size({"width": width, "height": 1800})
        open_inside(page, server, "2/10/93")
        for view in VIEWS:
            pick_view(page, view)
            page.wait_for_timeout(3000)   # the view's rerun and Plotly's drawing
            page.wait_for_selector("[data-testid='stExpander'] .js-plotly-plot", timeout=60000)
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.locator("[data-testid='stExpander'] .js-plotly-plot").count() >= 1
            name = view.lower().replace(" ", "-")
            page.locator("[data-testid='stExpander']").screenshot(path=os.path.join(OUT, f"inspect-{name}-{width}.png"))
    page.set_viewport_size({"width": 1400, "height": 1800})
