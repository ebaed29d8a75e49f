"""The lines view in Chromium (issue 20, item 5): hovering an output character highlights its lines and
greys the others, with no click and no rerun; a click picks it in the picker above. Uses test_browser's
server (the tiny run, as "demo")."""
import os

from tests.browser_lookup import chromium_for_tests
from tests.test_browser import CHROMIUM_ARGS, OUT, server  # noqa: F401  (pytest fixture)

LINK = "/attention?run=demo&text=Aug%2019%2C%202003"
LINE_RGB = "rgb(8, 81, 156)"

# The lines view's <svg> (it sits in the component's open shadow root, which querySelector does not
# enter), the width it was drawn for, and the stroke colour of every line by output character.
SVG = """(() => { const host = [...document.querySelectorAll('*')].find(
    e => e.shadowRoot && e.shadowRoot.querySelector('svg.lines'));
    return host ? host.shadowRoot.querySelector('svg.lines') : null; })()"""
DRAWN_WIDTH = f"() => {{ const svg = {SVG}; return svg && svg.getAttribute('width'); }}"
STROKES = f"""() => {{ const out = {{}};
    {SVG}.querySelectorAll('g.col').forEach(g => {{
        out[g.dataset.t] = [...g.querySelectorAll('line')].map(l => getComputedStyle(l).stroke); }});
    return out; }}"""


# The strokes once output character t's lines alone are in colour, else false.
HIGHLIGHTED = f"""(t) => {{ const strokes = ({STROKES})();
    const alone = Object.entries(strokes).every(([k, colours]) =>
        colours.every(c => (c === {LINE_RGB!r}) === (k === String(t))));
    return alone && strokes; }}"""


def hover_until_highlighted(page, t):
    """Hover output character t until its lines alone are in colour -> the strokes by character.

    Hovered once, the highlight came and went in one full CI run (all lines in colour a moment later):
    the page moved or redrew the view under the still mouse. The mouse is moved onto the character
    again then (three tries); the view itself must still highlight that character's lines alone."""
    for _ in range(3):
        page.locator("svg.lines g.col").nth(t).locator("text.out").hover()
        try:
            return page.wait_for_function(HIGHLIGHTED, arg=t, timeout=10000).json_value()
        except Exception:
            continue
    raise AssertionError(f"hovering character {t} never highlighted its lines alone: {page.evaluate(STROKES)}")


def test_hover_highlights_one_characters_lines_and_a_click_picks_it(server):  # noqa: F811
    from playwright.sync_api import sync_playwright
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        chromium = chromium_for_tests(lambda: p.chromium.executable_path)
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1400})
            page.goto(server + LINK)
            lines = page.locator("svg.lines")          # Playwright's locators enter open shadow roots
            lines.wait_for(timeout=90000)
            # drawn for the width the browser measured (not the 700 px default): no redraw under the mouse
            page.wait_for_function(f"() => {{ const w = ({DRAWN_WIDTH})(); return w && w !== '700'; }}",
                                   timeout=90000)
            before = page.evaluate(STROKES)
            assert all(c == LINE_RGB for colours in before.values() for c in colours), before   # all in colour

            hovered = hover_until_highlighted(page, 2)
            page.screenshot(path=os.path.join(OUT, "lines-hover.png"), full_page=True)
            assert hovered["2"] and all(c == LINE_RGB for c in hovered["2"]), hovered   # its lines in colour
            others = [c for t, colours in hovered.items() if t != "2" for c in colours]
            assert others and all(c != LINE_RGB for c in others), hovered               # the rest grey
            assert page.locator("svg.lines g.col").nth(2).locator("text.w").first.is_visible()  # its weights

            page.locator("svg.lines g.col").nth(2).locator("text.out").click()
            picked = page.locator("[data-testid='stButtonGroup'] button[aria-checked='true'], "
                                  "[data-testid='stButtonGroup'] button[kind*='Active']")
            page.wait_for_function("() => [...document.querySelectorAll(\"[data-testid='stButtonGroup'] button\")]"
                                   ".some(b => b.innerText.trim().startsWith('3:') && "
                                   "(b.getAttribute('aria-checked') === 'true' || (b.getAttribute('kind') || '')"
                                   ".includes('Active')))", timeout=30000)
            assert picked.count() == 1
            page.mouse.move(5, 5)                                      # hover nothing: the pick stays
            page.wait_for_function(f"() => ({STROKES})()['0'].every(c => c !== {LINE_RGB!r}) && "
                                   f"({STROKES})()['2'].every(c => c === {LINE_RGB!r})", timeout=30000)
        finally:
            browser.close()
