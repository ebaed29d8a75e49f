"""The Errors page on a big data file in a real browser: decoding shows its progress, Cancel stops it and
its worker processes, Evaluate starts it again. Uses test_browser's server and page."""
import os
import time

from core import data
from tests.test_browser import OUT, open_from_home, page, record, server  # noqa: F401  (pytest fixtures)

LINES = 100_000   # enough that decoding lasts a few seconds even with the test's small model


def decode_workers_of_streamlit(server):
    """pids of decoding worker processes (core/decoding/worker_pool.py) whose parent is this test's
    streamlit server (another server on the machine, a developer's, has workers of its own)."""
    port = server.rsplit(":", 1)[1].encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"core.decoding.worker_pool" not in f.read():
                    continue
            with open(f"/proc/{pid}/stat") as f:
                parent = f.read().rsplit(")", 1)[1].split()[1]
            with open(f"/proc/{parent}/cmdline", "rb") as f:
                if b"streamlit" in (args := f.read()) and b"--server.port\0" + port + b"\0" in args:
                    found.append(int(pid))
        except OSError:
            continue   # ended meanwhile
    return found


def test_cancel_a_long_evaluation_then_run_it_again(server, page, data_folder):
    dataset = data.generated(LINES, seed=11)
    with open(os.path.join(data_folder, "many-dates.txt"), "w", encoding="utf-8") as f:
        f.writelines(f"{q}_{a}\n" for q, a in zip(dataset.questions, dataset.answers))
    open_from_home(page, server, "Errors")
    page.get_by_text("A data file on the server").click()   # its only file is picked: decoding starts
    page.wait_for_selector("text=Decoding", timeout=60000)
    assert decode_workers_of_streamlit(server)   # 100,000 rows go to worker processes
    page.screenshot(path=os.path.join(OUT, "errors-progress.png"))
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_selector("text=Decoding cancelled.", timeout=30000)
    # A cancel ends the workers with it, within a chunk: Streamlit's fast reruns show the message from
    # a new script run while the cancelled one is still finishing its chunk, then it stops them.
    deadline = time.monotonic() + 30
    while decode_workers_of_streamlit(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert decode_workers_of_streamlit(server) == []

    start = time.perf_counter()
    page.get_by_role("button", name="Evaluate").click()
    page.wait_for_selector("text=Decoding", timeout=60000)
    page.wait_for_selector("text=/Wrong predictions|Every prediction is right/", timeout=180000)
    record(f"errors_page_{LINES}_lines_small_model_s", time.perf_counter() - start)
    assert page.locator("[data-testid='stMetric']").first.inner_text().startswith("Accuracy")
    for width in (1400, 900):
        page.set_viewport_size({"width": width, "height": 1400})
        time.sleep(1)
        page.screenshot(path=os.path.join(OUT, f"errors-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1800})
