"""How many messages a page's browser sends to the server by itself after it opens: every one is a rerun
of a script or a fragment that the server runs for that visitor, so on a class's shared server fewer is
better. Widths reported by the width probe (ui/layout.py), the history patch and the fragments that
refresh on a timer are the usual senders; no one clicks or types here.

    streamlit run app.py --server.port 8591 --server.address 127.0.0.1 --server.headless true &
    python -m tools.bench_idle_messages --url http://127.0.0.1:8591 [--seconds 20] [--widths 1400 900]

For each page of tools/screenshots.py (the demo run's links) and width, a fresh Chromium tab
(/usr/bin/chromium, or --chromium) counts its WebSocket sends for --seconds after opening the link
(counted in the page itself: Playwright's WebSocket events saw none of Streamlit's). Prints the count
and how many came after the first 5 s, when the page has drawn and should be quiet (Home and Train
refresh their run tables on a timer, so they never are). A measurement, never a test.
"""
import argparse
import time

from playwright.sync_api import sync_playwright

from tools.screenshots import PAGES

COUNT_SENDS = """(() => {
    const send = WebSocket.prototype.send;
    window.benchSent = [];
    WebSocket.prototype.send = function (message) {
        window.benchSent.push(performance.now());
        return send.call(this, message);
    };
})()"""
SETTLED_MS = 5000


def count_sends(browser, url, width, seconds):
    """-> (all sends, sends after SETTLED_MS) of a fresh tab on url for `seconds`."""
    page = browser.new_page(viewport={"width": width, "height": 1200})
    try:
        page.add_init_script(COUNT_SENDS)
        page.goto(url)
        time.sleep(seconds)
        sent = page.evaluate("() => window.benchSent || []")
        return len(sent), sum(1 for t in sent if t > SETTLED_MS)
    finally:
        page.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the served app, e.g. http://127.0.0.1:8591")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--widths", type=int, nargs="+", default=[1400, 900])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    print(f"messages a page sends by itself in {args.seconds:.0f} s (after the first {SETTLED_MS / 1000:.0f} s)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            for name, (path, _) in PAGES.items():
                counts = [count_sends(browser, args.url.rstrip("/") + path, w, args.seconds) for w in args.widths]
                print(f"  {name:10s}" + "".join(f"  {w} px: {total:3d} ({late:3d})"
                                                for w, (total, late) in zip(args.widths, counts)))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
