"""Issue 20, items 8 and 9 in a real browser: Back goes back a page (not to the same page under another
address), and a click on a format's bar on the Errors page filters the mistakes to that format.
Uses test_browser's server and page."""
from tests.test_browser import page, server  # noqa: F401  (pytest fixtures)

NAV = "[data-testid='stSidebarNavLink']"


def heading(page):
    return page.locator("h1").first.inner_text()


def test_back_goes_back_a_page(server, page):
    page.goto(server)
    page.wait_for_selector("text=Start here", timeout=60000)
    page.wait_for_function("() => window.__attentionLabHistory === true", timeout=90000)   # the patch is in
    for name in ("Attention", "Compare"):
        page.locator(NAV, has_text=name).click()
        page.wait_for_selector(f"h1:has-text('{name}')", timeout=60000)
        page.wait_for_function(f"() => location.pathname === '/{name.lower()}' && location.search.includes('run=')",
                               timeout=60000)   # the page's own address, written by sync_link
    page.go_back()
    page.wait_for_function("() => location.pathname === '/attention'", timeout=90000)
    page.wait_for_selector("h1:has-text('Attention')", timeout=90000)   # slow under a full CI run
    assert "epoch=" in page.url or "iteration=" in page.url   # Attention's own address, not Compare's
    page.go_back()
    page.wait_for_function("() => location.pathname === '/'", timeout=90000)
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
    # the middle of a bar with some accuracy (a 0% bar has no width) and mistakes, scrolled into view
    point = page.evaluate("""() => {
        const bar = Array.from(document.querySelectorAll(".st-key-errors-by_format .js-plotly-plot .bars path"))
            .filter(p => p.getBoundingClientRect().width > 5)   // the worst format that is not at 0%
            .sort((a, b) => a.getBoundingClientRect().width - b.getBoundingClientRect().width)[0];
        if (!bar) return null;
        bar.scrollIntoView({block: "center"});
        const box = bar.getBoundingClientRect();
        return [box.left + box.width / 2, box.top + box.height / 2]; }""")
    assert point, "no bar wide enough to click"
    page.wait_for_timeout(500)
    page.mouse.click(*point)
    chosen = page.wait_for_function("""() => {
        const box = document.querySelector("input[aria-label='Show the mistakes of']");
        return box && box.value !== "every format" ? box.value : false; }""", timeout=60000).json_value()
    assert " · " in chosen, chosen   # a format in plain words, beside its example
    assert page.get_by_text("No wrong prediction in this format.").count() == 0   # the worst: it has some
    assert labels   # the bars carry the generator's labels as customdata
