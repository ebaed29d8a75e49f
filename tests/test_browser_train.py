"""The Train form in a real browser: the estimate follows the settings before Start (issue 20, item 4),
and the form's widgets never show twice while it redraws (they did once the settings left st.form: a
widget that moved showed at its old and new places for a moment, and the browser tests clicked the
wrong one). Uses test_browser's server and page; screenshots at 1400 and 900 px go to test-artifacts/."""
import os

from core.rundir import listing
from tests.test_browser import open_from_home, page, server, set_number, wait_for_train_form  # noqa: F401
from tests.test_browser_runs import screenshots

ESTIMATE = "() => { const box = document.querySelector('.st-key-train-estimate'); return box ? box.innerText : ''; }"
# How many of the form's widgets with this label the page shows (a stale copy mid-redraw counts too)
COPIES = """(label) => Array.from(document.querySelectorAll("[data-testid='stNumberInput'] label, button"))
    .filter(e => e.innerText.trim() === label).length"""


def wait_for_estimate(page, text):
    return page.wait_for_function(f"(text) => {{ const now = ({ESTIMATE})(); return now.includes(text) && now; }}",
                                  arg=text, timeout=30000).json_value()


def assert_one_of_each(page):
    """Sampled while the form redraws: every widget once."""
    for _ in range(15):
        for label in ("Epochs", "Generator examples", "Start training"):
            assert page.evaluate(COPIES, label) == 1, label
        page.wait_for_timeout(40)


def test_the_estimate_changes_with_the_epochs_before_start(server, page, artifacts):
    root = os.path.join(artifacts, "runs")
    before = set(listing.run_dirs(root))
    open_from_home(page, server, "Train")
    wait_for_train_form(page)
    assert "1,755 iterations (5 epochs of 351)" in wait_for_estimate(page, "iterations")   # the book's setting

    set_number(page, "Epochs", 12)
    assert_one_of_each(page)
    assert "4,212 iterations (12 epochs of 351)" in wait_for_estimate(page, "4,212 iterations")

    set_number(page, "Generator examples", 2000)   # 14 iterations an epoch: attention will not form
    assert_one_of_each(page)
    shown = wait_for_estimate(page, "168 iterations")
    assert "168 iterations (12 epochs of 14)" in shown
    page.wait_for_selector("text=168 iterations is too short for attention to form", timeout=30000)
    screenshots(page, "train-estimate")
    set_number(page, "Epochs", 100)   # 1,400 iterations: the warning goes, Start keeps its one place
    assert_one_of_each(page)
    assert "too short" not in wait_for_estimate(page, "1,400 iterations")
    assert set(listing.run_dirs(root)) == before and not listing.active_runs(root)   # nothing started
