"""The attention heatmap as Chromium draws it (issue 20, item 5): a full-length date at 900 and 1400 px
fills the page's width with square cells, row labels that do not overlap, and the colour bar beside
the map. Uses test_browser's server (a module-scoped server of its own); the measured sizes and
screenshots go to test-artifacts/.

On the code before issue 20's item 5 (da21a43~1) this failed: at 900 px the map drew 11 x 10 px cells
(not square) under 15 px row labels, with the colour bar under the map; at 1400 px, 16 px cells in a
300 px tall figure. Measured here after it: 14.1 px cells, 11 px labels at 900; 26.6 px, 16 px at 1400.
"""
import json
import os
import urllib.parse

from tests.browser_lookup import chromium_for_tests
from tests.test_browser import CHROMIUM_ARGS, OUT, server  # noqa: F401  (pytest fixture)

FULL_LENGTH = "Wednesday, September 28, 2016"   # 29 characters, as long as the generator's dates get

# What the first heatmap on the page looks like: its cells, its row labels' boxes, the colour bar's box,
# the page's content width; null until it shows the input and is drawn for the width it has.
MEASURE = """(text) => {
    const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
    if (!plot || !plot._fullLayout || !plot._fullLayout.xaxis) return null;
    const layout = plot._fullLayout, xa = layout.xaxis, ya = layout.yaxis;
    if ((xa.ticktext || []).join('') !== text) return null;
    const main = document.querySelector("[data-testid='stMainBlockContainer']");
    const style = getComputedStyle(main);
    const content = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const labels = [...plot.querySelectorAll(".subplot.xy .yaxislayer-above .ytick text")].map(box)
        .sort((a, b) => a.top - b.top);
    const font = parseFloat(getComputedStyle(plot.querySelector(".subplot.xy .yaxislayer-above .ytick text")).fontSize);
    const at = plot.getBoundingClientRect();
    const grid = {left: at.left + xa._offset, right: at.left + xa._offset + xa._length,
                  top: at.top + ya._offset, bottom: at.top + ya._offset + ya._length};
    const bar = plot.querySelector(".colorbar");
    const meta = plot.layout.meta || {};   // the width the page built the figure for (none before issue 20)
    return {content: content, figure: layout.width, drawn_for: meta.drawn_for, height: layout.height, S: xa.tickvals.length,
            T: ya.tickvals.length, cell_w: xa._length / xa.tickvals.length, cell_h: ya._length / ya.tickvals.length,
            labels: labels, font: font, grid: grid, bar: bar ? box(bar) : null};
}"""


def drawn(page, text, timeout=60000):
    """The heatmap's measures once it shows `text` and is laid out for the width the page gives it (the
    first draw, before the browser has reported the width, is built for a default width and squeezed)."""
    shown = text.replace(" ", "␣")
    page.wait_for_function(f"""() => {{ const m = ({MEASURE})({json.dumps(shown)});
        return m && Math.abs(m.figure - m.content) < 20 &&
               (m.drawn_for === undefined || Math.abs(m.drawn_for - m.content) <= 12); }}""", timeout=timeout)
    return page.evaluate(MEASURE, shown)


def check_readable(m, min_cell):
    assert abs(m["cell_w"] - m["cell_h"]) < 1, m                       # square cells
    assert m["cell_w"] >= min_cell, m
    overlaps = [i for i in range(1, len(m["labels"])) if m["labels"][i]["top"] < m["labels"][i - 1]["bottom"] - 0.5]
    assert len(m["labels"]) == m["T"] and not overlaps, (overlaps, m["font"], m["cell_h"])
    assert m["font"] >= 11, m["font"]
    bar, grid = m["bar"], m["grid"]
    assert bar and bar["left"] >= grid["right"] and bar["top"] < grid["bottom"], (bar, grid)   # beside, not below


def test_a_full_length_date_fills_the_page_readably_at_900_and_1400(server):  # noqa: F811
    from playwright.sync_api import sync_playwright
    os.makedirs(OUT, exist_ok=True)
    url = f"{server}/attention?run=demo&text={urllib.parse.quote(FULL_LENGTH)}"
    sizes = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_for_tests(lambda: p.chromium.executable_path),
                                    args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 900, "height": 1400})
        page.goto(url)
        page.wait_for_selector("[data-testid='stApp']")
        narrow = drawn(page, FULL_LENGTH)
        page.screenshot(path=os.path.join(OUT, "heatmap-900.png"))
        page.set_viewport_size({"width": 1400, "height": 1400})
        page.wait_for_function("() => document.querySelector('[data-testid=stMainBlockContainer]').clientWidth > 900")
        wide = drawn(page, FULL_LENGTH)
        page.screenshot(path=os.path.join(OUT, "heatmap-1400.png"))
        browser.close()
    for name, m in (("900", narrow), ("1400", wide)):
        sizes[name] = {k: round(m[k], 1) for k in ("content", "figure", "height", "cell_w", "cell_h", "font")}
    with open(os.path.join(OUT, "heatmap-sizes.json"), "w") as f:
        json.dump(sizes, f, indent=1)
    print(sizes)
    check_readable(narrow, min_cell=13)
    check_readable(wide, min_cell=24)
    assert wide["grid"]["right"] - wide["grid"]["left"] >= 0.75 * wide["content"]   # was 467 of 940 px
    assert narrow["figure"] >= 0.95 * narrow["content"] and narrow["height"] >= narrow["T"] * 13


# Home's small map of the demo (ui/landing.py): its row labels' font and cell width, once drawn for the
# width its column measured (layout.meta.drawn_for is not the 700 px default), else null.
HOME_MAP = """() => {
    const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");   // the page's only one
    if (!plot || !plot._fullLayout || !plot.layout.meta || plot.layout.meta.drawn_for === 700) return null;
    const xa = plot._fullLayout.xaxis;
    const label = plot.querySelector(".subplot.xy .yaxislayer-above .ytick text");
    return {font: parseFloat(getComputedStyle(label).fontSize), cell: xa._length / xa.tickvals.length,
            drawn_for: plot.layout.meta.drawn_for}; }"""


def test_homes_demo_map_is_readable_at_900_and_1400(server):  # noqa: F811
    """At 900 px the steps and the map stack (ui/layout.py's narrow-window CSS): side by side, the map's
    column was 210 px, with 7 px labels and cells (this test failed so); at 1400 px, 10 px labels and 13.5
    px cells. Now the map has the wider of two columns at 1400 px: 15-16 px labels, 19-20 px cells."""
    from playwright.sync_api import sync_playwright
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_for_tests(lambda: p.chromium.executable_path),
                                    args=CHROMIUM_ARGS, headless=True)
        for width in (900, 1400):
            page = browser.new_page(viewport={"width": width, "height": 1200})
            page.goto(server)
            page.wait_for_function(f"() => ({HOME_MAP})() !== null", timeout=90000)
            seen[width] = page.evaluate(HOME_MAP)
            page.screenshot(path=os.path.join(OUT, f"home-{width}.png"))
            page.close()
        browser.close()
    print(seen)
    for width, m in seen.items():
        assert m["font"] >= 10 and m["cell"] >= 14, (width, m)
