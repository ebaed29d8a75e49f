"""Values the server gives widgets survive the heatmap's width report, in Chromium (issue 20, items 1-2).

A link (/attention?run=demo&epoch=2&text=2%2F10%2F93) sets the text box and the checkpoint slider from the
server. The heatmap's width probe (ui/layout.py) reports the width within the first second; when that
report reran the whole page, it replaced the box's and the slider's elements before the browser had
drawn them (Streamlit loads a widget's code lazily, slowly under load), and the browser drew the
defaults: an empty box, the slider at "iteration 0", while the server still drew 2/10/93 at epoch 2.
The next rerun sent the defaults back ("the input is empty"). Measured on this machine under load
before the fix (ui.layout.fitted, a report reruns the figure's fragment only): 7 of 9 loads of the link
drew an empty box; after: 0 of 5, and this test passes.

Each load opens the link in a fresh tab (a fresh session), waits until the heatmap is drawn for the
measured width (the report has been handled), and checks the box, the slider and the title; one load
then types a new date right away and checks it is the one drawn. Uses test_browser's server.
"""
import os
import time

import pytest

from tests.browser_lookup import chromium_for_tests
from tests.test_browser import CHROMIUM_ARGS, OUT, server  # noqa: F401  (pytest fixture)

LOADS = 4
LINK = "/attention?run=demo&epoch=2&text=2%2F10%2F93"

# The first heatmap once drawn for the width the browser measured (layout.meta.drawn_for, see
# tests/test_browser_heatmap.py): its input characters and its title, else null.
DRAWN = """() => {
    const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
    if (!plot || !plot.layout || !plot.layout.meta || plot.layout.meta.drawn_for === 700) return null;
    const title = plot.layout.title && plot.layout.title.text;
    return {columns: (plot.layout.xaxis.ticktext || []).join(''), title: title || ''}; }"""


def view(page):
    """What the browser shows: the text box's value, the slider's label, the heatmap (see DRAWN)."""
    slider = page.locator("[data-testid='stSidebar'] [data-testid='stSliderThumbValue']").first
    return {"box": page.locator("[data-testid='stTextInput'] input").first.input_value(),
            "slider": slider.inner_text().strip() if slider.count() else None,
            "map": page.evaluate(DRAWN)}


def wait_drawn(page, columns):
    page.wait_for_function(f"() => {{ const d = ({DRAWN})(); return d && d.columns === {columns!r}; }}",
                           timeout=90000)


@pytest.fixture
def browser():
    """Chromium for one test; each load opens a fresh tab (a fresh session) in it."""
    from playwright.sync_api import sync_playwright
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        chromium = chromium_for_tests(lambda: p.chromium.executable_path)
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def test_a_link_keeps_its_text_and_checkpoint_through_the_width_report(server, browser):  # noqa: F811
    seen = []
    for n in range(LOADS):
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(server + LINK)
        wait_drawn(page, "2/10/93")
        time.sleep(2)   # the probe polls once a second: a late report would rerun by now
        shown = view(page)
        seen.append(shown)
        if shown["box"] != "2/10/93":
            page.screenshot(path=os.path.join(OUT, f"link-values-{n}.png"), full_page=True)
        assert shown["box"] == "2/10/93", f"load {n + 1}: the box shows {shown['box']!r}; all: {seen}"
        assert shown["slider"] and shown["slider"].startswith("epoch 2"), f"load {n + 1}: {shown}"
        assert "epoch 2" in shown["map"]["title"], f"load {n + 1}: {shown}"
        page.close()

    # typed right after the load: the typed date is drawn and stays in the box
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(server + LINK)
    box = page.locator("[data-testid='stTextInput'] input").first
    box.wait_for(timeout=90000)
    page.wait_for_function("() => { const b = document.querySelector(\"[data-testid='stTextInput'] "
                           "input\"); return b && b.value === '2/10/93'; }", timeout=90000)
    box.fill("Aug 19, 2003")
    box.press("Enter")
    wait_drawn(page, "Aug␣19,␣2003")
    time.sleep(2)
    shown = view(page)
    assert shown["box"] == "Aug 19, 2003", shown
    assert shown["slider"].startswith("epoch 2"), shown
    assert "text=Aug+19%2C+2003" in page.url or "text=Aug%2019%2C%202003" in page.url, page.url
    page.close()


# Compare's checkpoints box: its options' labels as drawn (empty when the box lost its value), once the
# page's figures are drawn for the measured width, else null.
COMPARE_BOX = """() => {
    const box = document.querySelector("[data-testid='stMultiSelect']");
    const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
    if (!box || !plot || !plot.layout || !plot.layout.meta || plot.layout.meta.drawn_for === 700) return null;
    return box.innerText.split("\\n").map(t => t.trim()).filter(t => t.includes(" - ")); }"""


def test_compare_keeps_its_checkpoints_through_the_width_report(server, browser):  # noqa: F811
    """Compare's side-by-side checkpoints live in the width's fragment. Set through session state, they
    were lost when the width report reran that fragment before the browser had drawn the box: 4 of 8
    loads opened with no checkpoints and no maps (measured on this machine before the fix). Now the box
    is keyed by the run and starts from its default (pages/compare.py)."""
    for n in range(LOADS):
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(server + "/compare?run=demo&text=2%2F10%2F93")
        page.wait_for_function(f"() => ({COMPARE_BOX})() !== null", timeout=90000)
        time.sleep(2)   # a late report would have rerun the fragment by now
        tags = page.evaluate(COMPARE_BOX)
        if len(tags) != 3:
            page.screenshot(path=os.path.join(OUT, f"compare-box-{n}.png"), full_page=True)
        assert len(tags) == 3 and tags[0].startswith("iteration 0"), f"load {n + 1}: {tags}"
        page.close()
