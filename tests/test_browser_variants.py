"""Variants in a real browser: a click on a row of the variants table opens that variant (AppTest
cannot click a table row). Uses test_browser's server and page."""
import os

from core.data import date_parser, variants
from tests.test_browser import OUT, open_from_home, page, server  # noqa: F401  (pytest fixtures)

ROW_PX = 35   # Streamlit's dataframe: header and rows are 35 px high
# true once the first heatmap's input axis spells the given text (spaces drawn as '␣')
HEATMAP_READS = """(wanted) => {
    const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
    return plot && plot.layout && (plot.layout.xaxis.ticktext || []).join('') === wanted.replaceAll(' ', '␣'); }"""


def test_a_click_on_a_variant_opens_it(server, page):  # noqa: F811
    open_from_home(page, server, "Attention")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot", timeout=30000)
    box = page.locator("[data-testid='stTextInput'] input")
    # Type until the page has taken the date (its heatmap reads it): on a loaded machine a rerun still
    # under way when the page first draws can put the default text back over what was typed.
    for attempt in range(3):
        box.fill("nov 22 2016")
        box.press("Enter")
        try:
            page.wait_for_function(HEATMAP_READS, arg="nov 22 2016", timeout=15000)
            break
        except Exception:
            if attempt == 2:
                raise
    page.get_by_text("Show this date in every format and case").click()
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=30000)
    table.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(OUT, "variants.png"))
    row = 3
    wanted = variants.of_example(date_parser.parse("nov 22 2016"))[row].question
    # Click only once the grid has drawn its rows and stopped moving: on a loaded machine the page may
    # still be laying out below the table, and a click at the box's old place misses the row.
    page.wait_for_function(f"() => document.querySelectorAll(\"[data-testid='stDataFrame'] table tr\").length > {row + 1}",
                           timeout=30000)
    frame = table.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(250)
        settled, frame = frame, table.bounding_box()
        if settled == frame:
            break
    page.mouse.click(frame["x"] + 18, frame["y"] + ROW_PX * (row + 1) + ROW_PX / 2)   # its selection box
    page.wait_for_function("(wanted) => document.querySelector(\"[data-testid='stTextInput'] input\").value === wanted",
                           arg=wanted, timeout=30000)
    page.wait_for_function(HEATMAP_READS, arg=wanted, timeout=30000)
