"""The app in a real browser: Chromium driven by Playwright against `streamlit run app.py`.

The browser is found as tests/browser_lookup.py says (ATTENTION_LAB_CHROMIUM, chromium,
chromium-browser, google-chrome on the PATH, Playwright's own). Without one these tests skip with a
one-line reason on a user's machine and fail under CI=true, so CI never passes without them.
Screenshots and the measured timings go to test-artifacts/.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from core import jobs
from core.rundir import listing
from tests.browser_lookup import chromium_for_tests
from tests.conftest import PROJECT_ROOT

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = os.path.join(PROJECT_ROOT, "test-artifacts")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tiny_run, artifacts):
    port = free_port()
    env = {**os.environ, "ATTENTION_LAB_ARTIFACTS": artifacts}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert time.time() < deadline, "streamlit did not become healthy"
        assert process.poll() is None, "streamlit exited"
        time.sleep(0.2)
    yield url
    for run_dir in listing.active_runs(os.path.join(artifacts, "runs")):
        jobs.stop(run_dir)
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        chromium = chromium_for_tests(lambda: p.chromium.executable_path)   # skips or fails without one
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        watch_for_trouble(page)
        yield page
        browser.close()


def watch_for_trouble(page):
    """Keep the browser's console errors and failed requests on the page (page.trouble), so a failing
    test (tests/conftest.py) or a retry (wait_for_train_form) reports them."""
    page.trouble = []
    page.on("console", lambda m: m.type == "error" and page.trouble.append(f"console: {m.text[:300]}"))
    page.on("pageerror", lambda e: page.trouble.append(f"page error: {str(e)[:300]}"))
    page.on("requestfailed", lambda r: page.trouble.append(f"request failed: {r.url} ({r.failure})"))


def record(name, seconds):
    path = os.path.join(OUT, "browser-timings.json")
    timings = json.load(open(path)) if os.path.exists(path) else {}
    timings[name] = round(seconds, 3)
    with open(path, "w") as f:
        json.dump(timings, f, indent=1)
    print(f"{name}: {seconds:.3f} s")


def heatmap_columns(page):
    """The input characters on the first heatmap's x axis, as the browser holds them."""
    return page.evaluate("""() => {
        const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
        return plot && plot.layout ? plot.layout.xaxis.ticktext : null; }""")


def test_type_a_date_and_see_the_heatmap(server, page):
    start = time.perf_counter()
    page.goto(server)
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=30000)
    record("first_load_s", time.perf_counter() - start)

    page.locator("[data-testid='stSidebarNavLink']", has_text="Attention").click()
    page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot", timeout=30000)
    box = page.locator("[data-testid='stTextInput'] input")
    box.fill("august 19, 2003")
    start = time.perf_counter()
    box.press("Enter")
    page.wait_for_function("""() => {
        const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
        return plot && plot.layout && plot.layout.xaxis && (plot.layout.xaxis.ticktext || []).join('') === 'august␣19,␣2003'; }""",
                           timeout=30000)
    record("type_to_heatmap_s", time.perf_counter() - start)
    assert heatmap_columns(page) == list("august␣19,␣2003")   # spaces shown as ␣, one column each
    prediction = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert len(prediction.strip()) >= 8
    assert page.get_by_text("the input means 2003-08-19").count() == 1
    page.screenshot(path=os.path.join(OUT, "attention.png"), full_page=True)


def test_a_link_opens_a_view_and_the_address_follows(server, page):
    page.goto(f"{server}/attention?run=demo&epoch=2&text=Aug%2019%2C%202003")
    page.wait_for_function("""() => {
        const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
        return plot && plot.layout && (plot.layout.xaxis.ticktext || []).join('') === 'Aug␣19,␣2003'; }""",
                           timeout=60000)
    assert page.locator("[data-testid='stTextInput'] input").first.input_value() == "Aug 19, 2003"
    assert page.get_by_text("epoch 2 - iteration").count() >= 1            # the checkpoint picker's label
    box = page.locator("[data-testid='stTextInput'] input").first
    box.fill("2/10/93")
    box.press("Enter")
    page.wait_for_function("() => window.location.search.includes('text=2%2F10%2F93')", timeout=30000)
    assert "run=demo" in page.url and "epoch=2" in page.url


def test_click_a_wrong_prediction_into_the_heatmap(server, page):
    # the tiny run by its link: through the sidebar the page opens on the pickers' default run, which the
    # runs earlier tests of the session left can change (it timed out twice in a clean clone's CI run)
    page.goto(f"{server}/errors?run=demo")
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_selector("text=Wrong predictions", timeout=120000)   # after decoding the dates
    table = page.locator("[data-testid='stDataFrame']").last
    table.wait_for(timeout=90000)
    table.scroll_into_view_if_needed()
    time.sleep(1)   # the grid draws its canvas after it is laid out
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)   # the first row's selection box (left edge)
    page.wait_for_function("""() => {
        const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
        return plot && plot.layout && plot.layout.xaxis && (plot.layout.xaxis.ticktext || []).length > 0
            && document.querySelector("[data-testid='stTextInput'] input"); }""", timeout=60000)
    question = page.locator("[data-testid='stTextInput'] input").input_value()
    page.wait_for_function("""(expected) => {
        const plot = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
        return plot && plot.layout && plot.layout.xaxis && (plot.layout.xaxis.ticktext || []).join('') === expected; }""",
                           arg=question.replace(" ", "␣"), timeout=90000)
    assert page.get_by_text("Wrong: the input means").count() == 1
    page.screenshot(path=os.path.join(OUT, "mistake.png"), full_page=True)


# Points on the Train page's loss curve (its first chart); -1 while the fragment redraws it. Plotly's
# _fullData holds the arrays decoded (the page sends them as typed arrays).
LOSS_POINTS = """() => {
    const plots = document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot");
    const trace = plots.length && plots[0]._fullData && plots[0]._fullData[0];
    return trace && trace.x ? trace.x.length : -1; }"""


# The Train page's live attention heatmap: its title (which names the iteration) and its weights.
LIVE_HEATMAP = """() => {
    for (const plot of document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")) {
        if (plot.data && plot.data[0] && plot.data[0].type === 'heatmap' && plot.layout.title) {
            return {title: plot.layout.title.text, weights: JSON.stringify(plot.data[0].z)};
        }
    }
    return null; }"""


def open_from_home(page, server, title):
    """Open Home, let it finish drawing (its run table comes last), then click `title` in the sidebar.

    Clicked while Home was still drawing, the app went blank in a full CI run: the browser logged
    "Bad delta path index 1 (should be between [0, 0])" from Streamlit's frontend (an element sent for a
    block the new page does not have, most likely from Home's interrupted run) and then lost its
    connection. A reload mends it; wait_for_train_form keeps one as a last resort.
    """
    page.goto(server)
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=90000)
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).click()


def wait_for_train_form(page, label="Generator examples"):
    """Once the Train page is open: wait for its form's first field; reload once if it is not drawn in 45 s.

    In three full CI runs of 615 tests (never alone, never here under two busy loops beside the browser
    tests) the Train form was not drawn for 90 s: the app had gone blank (see open_from_home). The retry
    keeps that rare glitch from failing tests about training, and says it happened (stdout and
    test-artifacts/browser-retries.log, with the browser's console errors and failed requests).
    """
    field = page.get_by_label(label, exact=True)
    try:
        field.wait_for(timeout=45000)
    except Exception:
        note = f"{time.strftime('%H:%M:%S')} {page.url}: {label!r} not drawn in 45 s, reloading; " \
               f"browser trouble: {getattr(page, 'trouble', [])[-10:]}"
        print(note)
        with open(os.path.join(OUT, "browser-retries.log"), "a") as log:
            log.write(note + "\n")
        page.screenshot(path=os.path.join(OUT, f"retry-{label.replace(' ', '-')}.png"), full_page=True)
        page.reload()
        field.wait_for(timeout=90000)
    return field


def set_number(page, label, value):
    field = page.get_by_label(label, exact=True)
    field.wait_for(timeout=90000)   # the form is a fragment: under load it may draw after the page's heading
    field.fill(str(value))
    field.press("Tab")


def test_start_training_and_watch_the_chart_grow(server, page, artifacts):
    open_from_home(page, server, "Train")
    wait_for_train_form(page)
    set_number(page, "Generator examples", 20000)
    set_number(page, "Epochs", 50)
    set_number(page, "Hidden size", 32)
    page.get_by_role("button", name="Start training").click()
    # Start to the live view: 6-18 s here under a load average of 20, the same with the form in st.form and
    # in a fragment (measured 2026-12-02, three Starts each); 30 s timed out under a load of 25-30
    page.wait_for_selector("[data-testid='stProgress']", timeout=90000)
    first = page.wait_for_function(f"() => {{ const n = ({LOSS_POINTS})(); return n > 0 && n; }}",
                                   timeout=60000).json_value()
    later = page.wait_for_function(f"() => {{ const n = ({LOSS_POINTS})(); return n > {first} && n; }}",
                                   timeout=30000).json_value()   # the chart updates by itself
    assert later > first > 0
    # the live attention heatmap of the probe date: drawn from the newest weights, it changes as they do
    try:
        seen = page.wait_for_function(f"() => ({LIVE_HEATMAP})()", timeout=60000).json_value()
    finally:
        page.screenshot(path=os.path.join(OUT, "train-live.png"), full_page=True)
    changed = page.wait_for_function(
        f"(before) => {{ const now = ({LIVE_HEATMAP})(); return now && (now.title !== before.title || "
        f"now.weights !== before.weights) && now; }}", arg=seen, timeout=120000).json_value()
    assert "(live)" in changed["title"] or "iteration" in changed["title"], changed["title"]
    page.screenshot(path=os.path.join(OUT, "train.png"), full_page=True)
    page.get_by_role("button", name="Stop").click()
    page.wait_for_selector("text=Stopped by request", timeout=30000)
    # issue 20, item 3: the weights being watched are kept, as the stopped run's latest checkpoint
    page.wait_for_selector("text=the weights at the stop are the run's latest checkpoint", timeout=10000)
    assert not listing.active_runs(os.path.join(artifacts, "runs"))
