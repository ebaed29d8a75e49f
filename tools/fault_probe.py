"""Fault probe: what holds when a class leans on a served copy of Attention Lab.

    python -m tools.fault_probe --url http://127.0.0.1:8611 --artifacts PATH

PATH is the served copy's ATTENTION_LAB_ARTIFACTS folder: the probe drives the app in Chromium
(/usr/bin/chromium, through Playwright) and, as the host's shell would, reads and writes PATH/runs.
Each check prints "HELD: ..." or "BROKE: ..." lines, then a count; exit status 1 if anything broke.

1. Flood: 21 fresh sessions (no cookie, like private windows) press "Start training" at once: how
   many were queued or refused and why, whether the queue kept its cap; then new visitors until one
   is refused (at most 3), who must get one clear line.
   The host then stops everything (core.jobs.stop_all); the probe removes the runs it made.
2. Race: one browser (one owner cookie) trains a tiny run; 4 tabs save different names for it at
   the same instant, then 2 tabs delete it while a third saves: no error page, no refused save, the
   owner kept, each tab still on the run it picked, no half-deleted run.
3. Damaged files: six copies of the demo run, each with one hostile file (FIFOs, /dev/zero, nested
   brackets, a 2 MB status.json, a link to /etc/passwd): every page loads, the Runs table lists
   them, nothing of /etc/passwd shows. The planted runs are removed at the end.

It starts training and deletes runs: point it only at a copy served on this machine.
"""
import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from core import jobs
from core.jobs.launch import MAX_WAITING
from core.rundir import ACTIVE_STATES, listing, meta, read_status

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FLOOD = MAX_WAITING + 1   # one more than may wait (runs training side by side do not wait)
LATECOMERS = 3            # new visitors after the flood, until one is refused: the cap's message
TIMEOUT_MS = 30_000
PAGES = ("/", "/train", "/attention", "/compare", "/errors")
DEEP_LINK = "/attention?run=damaged-f&epoch=1"
PLANTS = {"a": ("metrics.jsonl", "a FIFO"), "b": ("metrics.jsonl", "-> /dev/zero"),
          "c": ("metrics.jsonl", "+ a line of 100,000 nested brackets"), "d": ("status.json", "of 2 MB"),
          "e": ("config.json", "-> /etc/passwd"), "f": (os.path.join("checkpoints", "epoch_001.npz"), "a FIFO")}
# The README ("The run directory") says a metrics record of the wrong shape is skipped: (c) may read finished.
MAY_READ_FINISHED = {"c"}
results = []

# What a page says: Streamlit's error page, error and warning boxes (their text lines, without the
# icon), the Train live view's heading ("<run>: queued") and whether it is another visitor's run,
# /etc/passwd's first line, and the end of the main text (to say what a page showed instead).
SAYS = """() => {
  const texts = (sel) => [...document.querySelectorAll(sel)].map(e => e.innerText.split('\\n')
      .filter(l => /[\\p{L}\\p{N}]/u.test(l)).join('\\n').trim());
  const body = document.body.innerText, main = document.querySelector("[data-testid='stMain']");
  const exception = texts("[data-testid='stException']");
  return {exception, broken: exception.length > 0 || body.includes('Traceback'),
          errors: texts("[data-testid='stAlertContentError']"),
          warnings: texts("[data-testid='stAlertContentWarning']"),
          live: texts("[data-testid='stMain'] h3").filter(h => /: (queued|running|finished|stopped|failed)$/.test(h)),
          other: body.includes('Training now for another visitor'), passwd: body.includes('root:x:0:0'),
          tail: main ? main.innerText.slice(-160).replace(/\\s+/g, ' ') : ''}; }"""
# Clicks a button (looked up when the timer fires, so a rerun in between does not matter) at one
# wall-clock time in every tab it is armed in: the sync Playwright API clicks one tab at a time.
ARM = """([label, at]) => { window.probeClicked = false; setTimeout(() => {
  const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim().endsWith(label));
  if (b) { b.click(); window.probeClicked = true; } }, at - Date.now()); }"""
# The Runs table's rows as text: Streamlit draws the grid on a canvas but keeps an accessible copy.
TABLE_ROWS = """() => { for (const frame of document.querySelectorAll("[data-testid='stDataFrame']")) {
  const rows = [...frame.querySelectorAll("table tr")]
      .map(tr => [...tr.querySelectorAll("th, td")].map(c => c.textContent.trim()));
  if (rows.length && rows[0].includes('state'))
    return rows.slice(1).map(cells => Object.fromEntries(rows[0].map((name, i) => [name, cells[i]]))); }
  return []; }"""


def report(ok, text):
    results.append(bool(ok))
    print(f"{'HELD' if ok else 'BROKE'}: {text}", flush=True)


def one_line(text):
    return bool(text) and "\n" not in text and len(text) <= 300


def open_page(context, url, numbers=(), timeout_ms=TIMEOUT_MS):
    """A new tab on url, once the page's title is drawn; numbers: (label, value) to type in its form."""
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    page.wait_for_selector("[data-testid='stMain'] h1")
    for label, value in numbers:
        page.get_by_label(label, exact=True).fill(str(value))
        page.get_by_label(label, exact=True).press("Tab")
    return page


def press_start(page):
    # The live button, not the copy Streamlit keeps on screen (data-stale) while the page reruns.
    page.locator("[data-stale='false']").get_by_role("button", name="Start training", exact=True).first.click()


def answers(pages, seconds, close=False):
    """What each page says after Start, polled in turn until the deadline: ("queued", heading),
    ("refused", message), ("error page", text) or ("no answer", the page's last words). close: end
    each session once it answered (a student who read it), so the probe's browser frees the 2 cores."""
    found, deadline = {}, time.time() + seconds
    while len(found) < len(pages) and time.time() < deadline:
        for n, page in enumerate(pages):
            said = None if n in found else page.evaluate(SAYS)
            if said and said["broken"]:
                found[n] = "error page", " ".join(said["exception"])[:200] or "Traceback"
            elif said and said["errors"]:
                found[n] = "refused", said["errors"][0]
            elif said and said["live"] and not said["other"]:   # its own run, not the one training for another
                found[n] = "queued", said["live"][0]
            if close and said and n in found:
                page.context.close()
        time.sleep(1)
    return [found.get(n) or ("no answer", page.evaluate(SAYS)["tail"]) for n, page in enumerate(pages)]


def wait_until(condition, seconds):
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(1)
    return condition()


def click_together(tabs, labels):
    """Click labels[i] in tabs[i] at the same instant; True when every tab found its button."""
    at = time.time() * 1000 + 2000   # every tab runs on this machine's clock
    for tab, label in zip(tabs, labels):
        tab.evaluate(ARM, [label, at])
    time.sleep(8)   # the clicks, then the reruns they cause (a few seconds on 2 busy cores)
    return all(tab.evaluate("() => window.probeClicked") for tab in tabs)


def forget(runs_root, before):
    """Remove the runs the probe made (not active ones: stop_all's job), leaving the copy as found."""
    for run_dir in set(listing.run_dirs(runs_root)) - before - set(listing.active_runs(runs_root)):
        shutil.rmtree(run_dir, ignore_errors=True)


def flood(browser, url, artifacts, runs_root):
    before = set(listing.run_dirs(runs_root))
    contexts = [browser.new_context() for _ in range(FLOOD)]   # a fresh context: no cookie, a new visitor
    try:
        pages = [open_page(context, url + "/train", [("Epochs", 1)]) for context in contexts]
        began = time.time()
        for page in pages:   # the forms are ready, a click returns once dispatched: the Starts go out together
            press_start(page)
        said = answers(pages, 180, close=True)
        took, waiting = time.time() - began, len(jobs.queue_state(runs_root)["waiting"])
        made = len(set(listing.run_dirs(runs_root)) - before)
        queued = sum(kind == "queued" for kind, _ in said)
        refused = Counter(text for kind, text in said if kind == "refused")
        odd = [f"{kind}: {text!r}" for kind, text in said if kind not in ("queued", "refused")]
        report(not odd and made == queued and waiting <= MAX_WAITING and all(map(one_line, refused)),
               f"flood of {FLOOD} fresh sessions: {queued} queued, {sum(refused.values())} refused"
               + "".join(f" ({n}x {text!r})" for text, n in refused.items())
               + f"; {made} run folders made, {waiting} waiting (cap {MAX_WAITING}); all answered within {took:.0f} s"
               + (f"; other answers: {odd}" if odd else ""))
        seen, fine = [], True
        for _ in range(LATECOMERS):   # fine: queued while the queue had room, or refused in one line
            page = open_page(browser.new_context(), url + "/train", [("Epochs", 1)], timeout_ms=120_000)
            waiting = len(jobs.queue_state(runs_root)["waiting"])   # runs may have ended meanwhile
            press_start(page)
            [(kind, text)] = answers([page], 60)
            page.context.close()
            seen.append(f"{kind} with {waiting} waiting: {text!r}")
            fine = fine and (kind == "queued" and waiting < MAX_WAITING or kind == "refused" and one_line(text))
            if kind != "queued":
                break
        report(fine, "new visitors after the flood: " + "; ".join(seen))
    finally:
        for context in contexts:
            context.close()
        time.sleep(5)   # a Start that a session sent just before it closed may still be on its way
        stopped = jobs.stop_all(runs_root)
        wait_until(lambda: not listing.active_runs(runs_root), 60)
        left = len(listing.active_runs(runs_root))
        report(not left, f"the host's stop_all stopped {stopped} group(s); {left} run(s) still active "
                         f"(waited up to 60 s)")
        forget(runs_root, before)


def pick(tab, folder):
    """Select the run in the Runs page's manager ("Run", below "Manage a run") and wait for its editor."""
    tab.locator("[data-testid='stSelectbox']").filter(has_text="Run").first.click()
    tab.get_by_role("option").filter(has_text=folder).click()
    tab.get_by_role("button", name="Save name and note").wait_for()


def race(browser, url, artifacts, runs_root):
    before = set(listing.run_dirs(runs_root))
    context = browser.new_context()   # one browser: its tabs share the owner cookie
    try:
        page = open_page(context, url + "/train", [("Epochs", 1), ("Generator examples", 1000), ("Hidden size", 16)])
        press_start(page)
        [(kind, text)] = answers([page], 60)
        folder = text.rsplit(": ", 1)[0]   # the live view's heading: "<its folder>: queued"
        run_dir = os.path.join(runs_root, folder)
        if kind != "queued" or not os.path.isdir(run_dir):
            return report(False, f"race: could not start a run ({kind}: {text!r})")
        ended = lambda: read_status(run_dir)["state"] not in ACTIVE_STATES   # noqa: E731
        if not wait_until(ended, 180):
            jobs.stop(run_dir)
            wait_until(ended, 60)
        owner, names = meta.owner(run_dir), [f"probe name {n}" for n in range(4)]
        tabs = [open_page(context, url + "/") for _ in names]
        for tab, name in zip(tabs, names):
            pick(tab, folder)
            tab.get_by_label("Name", exact=True).fill(name)
        clicked = click_together(tabs, ["Save name and note"] * 4)
        said, saved = [tab.evaluate(SAYS) for tab in tabs], meta.read(run_dir)
        messages = [e for s in said for e in s["errors"]]
        report(clicked and not any(s["broken"] for s in said) and not messages and owner
               and saved.get("owner") == owner and saved.get("name") in names,
               f"4 tabs save at once (all clicked: {clicked}): meta.json name {saved.get('name')!r}, owner "
               f"{'kept' if owner and saved.get('owner') == owner else 'LOST'}; error pages "
               f"{sum(s['broken'] for s in said)}; messages {messages}")
        time.sleep(25)   # two of the Runs page's idle refreshes (10 s): each tab must stay on the run it picked
        on_run = [tab.evaluate("(f) => [...document.querySelectorAll(\"[data-testid='stText']\")]"
                               ".some(e => e.innerText.includes('folder: ' + f + '\\n'))", folder) for tab in tabs]
        report(all(on_run), f"25 s after the saves, each tab's run manager still on {folder}: {on_run}")
        for tab in tabs[:3]:   # fresh sessions on the same cookie, each back on the run, for the delete race
            tab.goto(url + "/")
            pick(tab, folder)
        for tab in tabs[:2]:
            tab.get_by_role("button", name="Delete...").click()
            tab.get_by_role("button", name="Delete it").wait_for()
        tabs[2].get_by_label("Name", exact=True).fill("probe name late")
        clicked = click_together(tabs[:3], ["Delete it", "Delete it", "Save name and note"])
        said = [tab.evaluate(SAYS) for tab in tabs[:3]]
        folders = [os.path.join(runs_root, d) for d in os.listdir(runs_root) if not d.startswith(".")]
        halves = [d for d in folders if os.path.isdir(d) and not set(os.listdir(d)) - {"meta.json", ".lock"}]
        ghosts = [r["run"] for r in listing.RunIndex().rows(runs_root) if r["run"] == folder and r["epochs"] == 0]
        gone = not os.path.exists(run_dir)
        report(clicked and not any(s["broken"] for s in said) and not halves and not ghosts and gone,
               f"2 tabs delete while 1 saves (all clicked: {clicked}): run {'gone' if gone else 'STILL THERE'}; "
               f"half-deleted folders {halves}; 0-epoch rows {ghosts}; error pages {sum(s['broken'] for s in said)}; "
               f"messages {[e for s in said for e in s['errors']]}")
    finally:
        context.close()
        forget(runs_root, before)


def plant(run_dir, kind):
    path = os.path.join(run_dir, PLANTS[kind][0])
    if kind in "abef":
        os.remove(path)
    if kind in "abef":
        os.mkfifo(path) if kind in "af" else os.symlink({"b": "/dev/zero", "e": "/etc/passwd"}[kind], path)
    elif kind == "c":
        with open(path, "a") as f:
            f.write("[" * 100_000 + "]" * 100_000 + "\n")
    else:   # valid JSON with a 2 MB reason: a reader that read it whole would accept it
        with open(path) as f:
            status = json.load(f)
        with open(path, "w") as f:
            json.dump({**status, "reason": "x" * (2 << 20)}, f)


def damaged(browser, url, artifacts, runs_root):
    planted = {kind: os.path.join(runs_root, f"damaged-{kind}") for kind in PLANTS}
    try:
        for kind, run_dir in planted.items():
            shutil.copytree(os.path.join(artifacts, "demo"), run_dir)
            plant(run_dir, kind)
        for path in PAGES + (DEEP_LINK,):
            context = browser.new_context()
            try:
                page = open_page(context, url + path)
                if path == DEEP_LINK:   # its checkpoint is a FIFO: a message, not a page blocked on it
                    said = page.wait_for_function(f"() => {{ const s = ({SAYS})(); return (s.broken || s.errors.length "
                                                  f"|| s.warnings.length) && s; }}"
                                                  ).json_value()
                else:
                    page.wait_for_timeout(5000)   # the page's script and its first fragment run
                    said = page.evaluate(SAYS)
                shown = said["errors"] + said["warnings"]
                report(not said["broken"] and not said["passwd"] and (path != DEEP_LINK or all(map(one_line, shown))),
                       f"{path} with the planted runs: error page {said['broken']}, /etc/passwd shown "
                       f"{said['passwd']}, messages {shown}")
                rows = {r.get("name"): r.get("state") for r in page.evaluate(TABLE_ROWS)} if path == "/" else {}
                for kind, (name, damage) in PLANTS.items() if path == "/" else ():
                    state = rows.get(f"damaged-{kind}")
                    report(state and (state.startswith(("damaged", "failed")) or kind in MAY_READ_FINISHED),
                           f"Runs table: damaged-{kind} ({name} {damage}) listed as {state!r}")
            except PlaywrightTimeout as e:
                report(False, f"{path} with the planted runs: nothing within {TIMEOUT_MS // 1000} s "
                              f"({str(e).splitlines()[0]})")
            finally:
                context.close()
    finally:
        for kind in "af":   # a page's thread blocked opening a FIFO gets end-of-file from a writer's open
            try:
                os.close(os.open(os.path.join(planted[kind], PLANTS[kind][0]), os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass   # ENXIO: nobody was reading it
        for run_dir in planted.values():
            shutil.rmtree(run_dir, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.fault_probe", description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="the served copy, e.g. http://127.0.0.1:8611")
    parser.add_argument("--artifacts", required=True, help="its ATTENTION_LAB_ARTIFACTS folder")
    args = parser.parse_args(argv)
    url, runs_root = args.url.rstrip("/"), os.path.join(args.artifacts, "runs")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        for check in (flood, race, damaged):   # the browser goes with the playwright context
            try:
                check(browser, url, args.artifacts, runs_root)
            except Exception as e:   # noqa: BLE001 - one check that dies must not hide the others
                report(False, f"{check.__name__}: the probe could not finish it: {type(e).__name__}: "
                              + (str(e).splitlines() or [""])[0])
    print(f"{results.count(True)} held, {results.count(False)} broke")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
