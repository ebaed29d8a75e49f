"""The pages when served to a class: no free paths, plain-text errors, damaged runs beside good ones."""
import gc
import io
import xml.etree.ElementTree as ET
import json
import os
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from core import jobs, rundir
from core.decoding import translation
from core.rundir import listing
from tests.test_app import heatmaps, open_page


def unescaped(text):
    """What a plain-text message (Markdown characters escaped with a backslash) shows in the browser."""
    return re.sub(r"\\(.)", r"\1", text)
from tests.test_safety import DAMAGES, GOOD_LINES, SECRET, damage

PAGES = ("home", "train", "attention", "compare", "errors")


def test_no_page_has_a_free_path_field(tiny_run):
    for page in PAGES:
        at = open_page(None if page == "home" else page)
        assert not at.text_input or all("path" not in t.label.lower() and "file" not in t.label.lower()
                                        for t in at.text_input), page


def test_train_offers_only_the_data_folders_files(tiny_run, data_folder, tmp_path):
    with open(os.path.join(data_folder, "sums.txt"), "w") as f:
        f.write(GOOD_LINES)
    os.symlink("/etc/passwd", os.path.join(data_folder, "passwd"))
    at = open_page("train")
    at.radio(key="train.source").set_value("A data file on the server").run()
    assert at.selectbox(key="train.data_file").options == ["sums.txt (0.00 MB)"]


def test_train_with_a_malformed_server_file_names_the_line_not_its_content(artifacts, data_folder):
    with open(os.path.join(data_folder, "bad.txt"), "w") as f:
        f.write(f"1+1_2\n{SECRET}\n")
    at = open_page("train")
    at.radio(key="train.source").set_value("A data file on the server").run()   # the source picks the fields
    at.selectbox(key="train.data_file").set_value("bad.txt")
    at.button(key="train.start").click().run()
    assert not at.exception
    assert at.error and "bad.txt, line 2" in unescaped(at.error[0].value) and "hunter2" not in at.error[0].value
    assert not listing.active_runs(os.path.join(artifacts, "runs"))


def run_dirs_under(artifacts):
    root = os.path.join(artifacts, "runs")
    return sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n))) if os.path.isdir(root) else []


def test_a_rejected_upload_leaves_nothing_and_quotes_itself_escaped(artifacts, tiny_run):
    before = run_dirs_under(artifacts)
    at = open_page("train")
    at.radio(key="train.source").set_value("Upload a file").run()
    at.file_uploader(key="train.upload").set_value(("config.json", b"1+1_2\n[x](http://e.vil) no sep\n", "text/plain"))
    at.button(key="train.start").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "config.json, line 2" in unescaped(message)
    assert "\\[x\\]\\(http" in message and "](" not in message   # shown as text, not as a link
    assert run_dirs_under(artifacts) == before


def test_an_upload_is_kept_inside_its_run_with_its_identity(artifacts, tiny_run):
    at = open_page("train")
    at.radio(key="train.source").set_value("Upload a file").run()
    at.file_uploader(key="train.upload").set_value(("status.json", GOOD_LINES.encode(), "text/plain"))
    at.number_input(key="train.epochs").set_value(1)
    at.number_input(key="train.hidden").set_value(8)
    at.button(key="train.start").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [run_dir] = at.session_state["train.watch"]
    try:
        config = rundir.read_config(run_dir)
        assert config.data == os.path.join(run_dir, jobs.UPLOAD_FILE) and config.data_name == "status.json"
        assert config.data_size_bytes == len(GOOD_LINES)
        assert not os.path.exists(os.path.join(artifacts, "runs", "uploads"))
    finally:
        jobs.stop(run_dir)
        jobs.wait(run_dir, timeout=60)


@pytest.fixture
def damaged_runs(artifacts, tiny_run):
    made = []
    for n, kind in enumerate(DAMAGES):
        run_dir = os.path.join(artifacts, "runs", f"damaged-{n}")
        shutil.copytree(tiny_run, run_dir)
        damage(run_dir, kind)
        made.append(run_dir)
    yield made
    for run_dir in made:
        shutil.rmtree(run_dir, ignore_errors=True)


def test_every_page_renders_with_damaged_runs_beside_good_ones(damaged_runs):
    at = open_page()
    table = at.dataframe[0].value.set_index("run")
    assert table.loc["demo", "state"] == "finished"
    for run_dir in damaged_runs:
        assert table.loc[os.path.basename(run_dir), "state"].startswith("damaged: ")
    for page in PAGES[1:]:
        assert not open_page(page).exception, page


def test_markdown_in_a_run_error_is_shown_as_text(artifacts, tiny_run):
    run_dir = os.path.join(artifacts, "runs", "injected")
    shutil.copytree(tiny_run, run_dir)
    rundir.write_status(run_dir, state="failed", reason="line 1 ![img](http://e.vil/x.png) [click](http://e.vil)")
    try:
        at = open_page("train")
        at.session_state["train.watch"] = [run_dir]
        at.run()
        shown = [e.value for e in at.error if "The run failed" in e.value]
        assert shown and "\\!\\[img\\]" in shown[0] and "](" not in shown[0]
    finally:
        shutil.rmtree(run_dir)


def download_content(at, key):
    [button] = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    for storage in (o for o in gc.get_objects() if isinstance(o, MemoryMediaFileStorage)):
        try:
            return storage.get_file(file_id).content
        except Exception:
            continue
    raise AssertionError("download not found")


def test_the_csv_download_is_the_attention_matrix(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("Aug 19, 2003").run()
    frame = pd.read_csv(io.BytesIO(download_content(at, "attention.csv")), index_col=0)
    model, vocab, config, epoch = rundir.load_model(tiny_run)
    expected = translation.translate(model, vocab, config, "Aug 19, 2003")
    assert frame.shape == expected.attention.shape == (len(expected.prediction), len("Aug 19, 2003"))
    assert list(frame.columns)[:3] == ["1:A", "2:u", "3:g"] and frame.index[0] == f"1:{expected.prediction[0]}"
    np.testing.assert_allclose(frame.to_numpy(), expected.attention, atol=1e-6)
    assert (frame.to_numpy().sum(axis=1) <= 1 + 1e-4).all()   # the rest of each row is on the padding


def test_the_lines_view_downloads_as_the_svg_drawn_for_that_date(tiny_run):
    at = open_page("attention")
    at.text_input(key="attention.text").input("Aug 19, 2003").run()
    svg = download_content(at, "attention.lines_svg").decode("utf-8")
    root = ET.fromstring(svg)   # a standalone SVG: well-formed, with its namespace
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    inputs = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if "in" in (t.get("class") or "").split()]
    assert "".join(inputs).replace("␣", " ") == "Aug 19, 2003"   # one label per input character
    assert len(list(root.iter("{http://www.w3.org/2000/svg}line"))) > 0


def write_errors_file(folder):
    """Dates with two deliberately wrong answers: the page must find exactly those two mistakes."""
    lines = ["Tuesday, November 22, 2016_2016-11-22", "2/10/93_1993-02-10", "Aug 19, 2003_2003-08-19",
             "september 27, 1994_1994-09-27", "22 November 2016_2016-11-22", "2016-11-22_2016-11-22",
             "NOV 22, 2016_2016-11-23", "11/22/16_2015-11-22"]   # the last two are wrong on purpose
    with open(os.path.join(folder, "dates.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def test_errors_page_on_a_data_file_counts_and_opens_mistakes(tiny_run, data_folder):
    write_errors_file(data_folder)
    at = open_page("errors")
    at.radio(key="errors.source").set_value("A data file on the server").run()
    at.selectbox(key="errors.data_file").set_value("dates.txt").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # the fixture learned: only the planted mistakes are wrong
    assert at.metric[1].label == "Wrong, of 8" and at.metric[1].value == "2"
    mistakes = at.dataframe[0].value
    assert sorted(mistakes["input"]) == ["11/22/16", "NOV 22, 2016"]
    # the table's key carries its row count (pages/errors.py: a fresh selection for each list)
    at.session_state[f"errors.table.{len(mistakes)}"] = {"selection": {"rows": [1], "columns": []}}
    at.run()
    assert not at.exception
    assert at.text_input(key="attention.text").value == mistakes.iloc[1]["input"]
    assert heatmaps(at)


def test_errors_page_reads_a_replaced_file_again(tiny_run, data_folder):
    """Evaluations and the examples read are kept per file version (name, size, modification time):
    the same file again is not read again, a replaced one is."""
    write_errors_file(data_folder)
    at = open_page("errors")
    at.radio(key="errors.source").set_value("A data file on the server").run()
    at.selectbox(key="errors.data_file").set_value("dates.txt").run()
    assert at.metric[1].label == "Wrong, of 8" and at.metric[1].value == "2"
    with open(os.path.join(data_folder, "dates.txt"), "a") as f:   # two more lines, both right
        f.write("Aug 20, 2003_2003-08-20\n2/11/93_1993-02-11\n")
    at.run()
    assert not at.exception
    assert at.metric[1].label == "Wrong, of 10" and int(at.metric[1].value) >= 2   # the new version

def test_errors_chart_is_horizontal_sorted_with_full_labels(tiny_run):
    at = open_page("errors")
    at.select_slider(key="errors.size").set_value(500).run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    [bars] = spec["data"]
    assert bars["orientation"] == "h"
    labels, accuracy = bars["y"], bars["x"]
    if isinstance(accuracy, dict):   # plotly >= 6: base64 typed array
        import base64
        accuracy = np.frombuffer(base64.b64decode(accuracy["bdata"]), dtype=accuracy["dtype"]).tolist()
    # each bar names its format in plain words beside an example, whole (format_names.shown), and
    # carries the generator's own label (customdata), which a click reports
    from core.data import format_names
    generator_labels = [row[0] for row in bars["customdata"]]
    assert "full/title" in generator_labels and "short" in generator_labels
    assert labels == [format_names.shown(g) for g in generator_labels]
    assert any("M/D/YY numbers" in label for label in labels)
    assert accuracy == sorted(accuracy, reverse=True)   # drawn bottom-up: the worst format on top
    assert spec["layout"]["height"] >= 26 * len(labels)
