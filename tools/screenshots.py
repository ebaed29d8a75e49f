"""The README's page pictures: full-page screenshots of five pages at two window widths.

    streamlit run app.py --server.port 8591 --server.address 127.0.0.1 --server.headless true &
    python -m tools.screenshots --url http://127.0.0.1:8591 --out docs [--widths 1400 900] [--pages attention errors]

Serve the app on the repo's artifacts (the demo run) first. For each page and width this opens the
page's link in Chromium (/usr/bin/chromium, or --chromium), does what the README's picture shows
(Compare: two of the demo's checkpoints side by side), waits until Streamlit has finished running, the
page's Plotly figures are drawn and nothing has changed for --settle seconds (the width probe's rerun),
grows the window to the page's height (Streamlit scrolls inside its own container, so a plain full-page
screenshot would stop at the window's height) and writes OUT/page-<name>-<width>.png. A picture over
--max-kb is cut to its top --clip px, then reduced to 256 colours if still too large.
"""
import argparse
import io
import os
import sys
import time

from PIL import Image
from playwright.sync_api import sync_playwright

DATE = "Tuesday%2C%20November%2022%2C%202016"
# name: (path, Plotly figures to wait for at least)
PAGES = {
    "attention": (f"/attention?run=demo&text={DATE}", 1),
    "compare": (f"/compare?run=demo&text={DATE}", 2),
    "runs": ("/", 1),
    "train": ("/train", 0),
    "errors": ("/errors?run=demo&iteration=500", 2),   # 74.4%: the bars differ and mistakes are listed
}
RUNNING = '[data-testid="stStatusWidget"]'            # Streamlit's "Running..." indicator
FIGURES = '[data-testid="stPlotlyChart"] .main-svg'   # a drawn Plotly figure
CONTENT = '[data-testid="stMainBlockContainer"]'


def page_state(page):
    """What changes while the app is still working: the running indicator, the figures, the content's height."""
    return page.evaluate(
        """([running, figures, content]) => {
            const status = document.querySelector(running);
            const main = document.querySelector(content);
            return [status ? status.innerText : "", document.querySelectorAll(figures).length,
                    main ? main.scrollHeight : 0, document.querySelectorAll('[data-testid="stSpinner"]').length];
        }""", [RUNNING, FIGURES, CONTENT])


def settle(page, figures, quiet=3.0, timeout=240.0):
    """Wait until Streamlit is idle with at least `figures` figures drawn and nothing changed for `quiet` s."""
    page.wait_for_selector(CONTENT, timeout=timeout * 1000)
    end, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < end:
        state = page_state(page)
        busy = "running" in state[0].lower() or state[3] > 0 or state[1] < figures
        if state != last or busy:
            last, since = state, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return state
        time.sleep(0.5)
    print(f"  still busy after {timeout:.0f} s: {last}", file=sys.stderr)
    return last


def two_checkpoints(page):
    """Compare opens with three checkpoints side by side: drop the middle one: the untrained
    model beside the trained one."""
    removes = page.locator('[data-testid="stMultiSelect"]').first.locator('button[aria-label^="Remove"]:visible')
    if removes.count() > 2:
        removes.nth(1).click()


def trim_bottom(image, margin=40):
    """The picture without the empty white below the page's last element (the window grown to fit leaves some)."""
    main = image.convert("L").crop((image.width * 2 // 5, 0, image.width, image.height))   # right of the sidebar
    rows = [y for y in range(main.height - 1, -1, -8) if main.crop((0, y, main.width, y + 1)).getextrema()[0] < 250]
    bottom = min(image.height, rows[0] + margin) if rows else image.height
    return image.crop((0, 0, image.width, bottom))


def box_lost_text(page, path):
    """True when the link carried a text and the page's input box shows none (issue 20's "the first thing
    typed can be erased": seen once in four loads at 900 px while the heatmap still showed the date)."""
    boxes = page.locator('[data-testid="stMain"] [data-testid="stTextInput"] input')
    return "text=" in path and boxes.count() > 0 and not boxes.first.input_value().strip()


def open_and_settle(page, url, name, width, settle_s):
    path, figures = PAGES[name]
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(url.rstrip("/") + path)
    settle(page, figures, settle_s)
    if name == "compare":
        two_checkpoints(page)
        settle(page, figures, settle_s)
    height = page.evaluate(f"document.querySelector('{CONTENT}').scrollHeight") + 120
    page.set_viewport_size({"width": width, "height": max(1000, min(height, 6000))})
    settle(page, figures, settle_s)
    return not box_lost_text(page, path)


def shoot(page, url, name, width, out, settle_s, max_kb, clip_px):
    if not open_and_settle(page, url, name, width, settle_s):
        print(f"  {name} at {width} px: the input box lost the link's text; loading the page again", file=sys.stderr)
        if not open_and_settle(page, url, name, width, settle_s):
            print(f"  {name} at {width} px: the box is empty again; the picture shows it so", file=sys.stderr)
    png = page.screenshot(full_page=True)
    target = os.path.join(out, f"page-{name}-{width}.png")
    image = trim_bottom(Image.open(io.BytesIO(png)))
    if len(png) > max_kb * 1024 and image.height > clip_px:
        image = image.crop((0, 0, image.width, clip_px))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    if buffer.tell() > max_kb * 1024:
        buffer = io.BytesIO()
        image.convert("RGB").quantize(256).save(buffer, "PNG", optimize=True)
    with open(target, "wb") as f:
        f.write(buffer.getvalue())
    print(f"{target}: {image.width}x{image.height}, {buffer.tell() // 1024} KB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8591")
    parser.add_argument("--out", default="docs")
    parser.add_argument("--widths", type=int, nargs="+", default=[1400, 900])
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds without change before the shot")
    parser.add_argument("--max-kb", type=int, default=400)
    parser.add_argument("--clip", type=int, default=2000, help="px kept from the top of a picture too large")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium)
        try:
            for name in args.pages:
                for width in args.widths:
                    page = browser.new_page()   # a session of its own: no state carried between shots
                    try:
                        shoot(page, args.url, name, width, args.out, args.settle, args.max_kb, args.clip)
                    finally:
                        page.close()
        finally:
            browser.close()


if __name__ == "__main__":
    main()
