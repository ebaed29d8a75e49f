"""Issue 20, items 8 and 9 in a real browser: Back goes back a page (not to the same page under another
address), and a click on a format's bar on the Errors page filters the mistakes to that format.
Uses test_browser's server and page."""
import re

from tests.test_browser import page, server  # noqa: F401  (pytest fixtures)

NAV = "[data-testid='stSidebarNavLink']"


def heading(page):
    return page.locator("h1").first.inner_text()


def test_back_goes_back_a_page(server, page):
    page.goto(server)
    page.wait_for_selector("text=Start here", timeout=60000)
    page.wait_for_function("() => window.__attentionLabHistory === true", timeout=30000)   # the patch is in
    for name in ("Attention", "Compare"):
        page.locator(NAV, has_text=name).click()
        page.wait_for_selector(f"h1:has-text('{name}')", timeout=60000)
        page.wait_for_function(f"() => location.pathname === '/{name.lower()}' && location.search.includes('run=')",
                               timeout=60000)   # the page's own address, written by sync_link
    page.go_back()
    page.wait_for_function("() => location.pathname === '/attention'", timeout=30000)
    page.wait_for_selector("h1:has-text('Attention')", timeout=60000)
    assert "epoch=" in page.url or "iteration=" in page.url   # Attention's own address, not Compare's
    page.go_back()
    page.wait_for_function("() => location.pathname === '/'", timeout=30000)
    page.wait_for_selector("h1:has-text('Home')", timeout=60000)


def test_a_click_on_a_format_bar_keeps_that_formats_mistakes(server, page):
    page.goto(f"{server}/errors?run=demo&epoch=2")   # 92%: mistakes in several formats, bars to click
    page.wait_for_selector("text=Wrong predictions", timeout=180000)
    chart = page.locator(".st-key-errors-by_format .js-plotly-plot")
    chart.wait_for(timeout=60000)
    page.wait_for_selector(".st-key-errors-by_format .js-plotly-plot .bars path", state="attached", timeout=60000)
    labels = page.evaluate("""() => {
        const plot = document.querySelector(".st-key-errors-by_format .js-plotly-plot");
        return plot._fullData[0].customdata.map(row => row[0]); }""")
    bars = page.locator(".st-key-errors-by_format .js-plotly-plot .bars path")
    wide = page.evaluate("""() => Array.from(document.querySelectorAll(
        ".st-key-errors-by_format .js-plotly-plot .bars path")).findIndex(p => p.getBBox().width > 5)""")
    assert wide >= 0   # a bar with some accuracy, wide enough to click (a 0% bar has no width)
    bars.nth(wide).click()
    filtered = page.locator("[data-testid='stSelectbox']", has_text="Show the mistakes of")
    page.wait_for_function("""() => {
        const box = Array.from(document.querySelectorAll("[data-testid='stSelectbox']"))
            .find(b => b.innerText.includes("Show the mistakes of"));
        return box && !box.innerText.includes("every format"); }""", timeout=60000)
    chosen = filtered.inner_text()
    assert re.search(r" · ", chosen), chosen   # a format in plain words, beside its example
    assert labels   # the bars carry the generator's labels as customdata
