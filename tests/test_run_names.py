"""A run's name travels (issue 20, item 6): a rename shows at once in the pickers, titles, legends,
tables and downloads; the Runs table shows the data's size and explains its columns; Compare's table
of settings highlights the ones that differ and lists the shared ones."""
import gc
import json
import os
import re
import shutil

import pytest
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from core.rundir import listing, meta
from core.training.config import TrainConfig, differing_settings
from tests.test_app import heatmaps, open_page
from tests.test_runmgr import ALICE, session
from ui.plain import escape_markdown

NAME = "my best run"


@pytest.fixture
def two_runs(tiny_run, artifacts):
    """Two copies of the tiny run in the runs folder, started together (queue mates, so Compare overlays
    both), the second with another learning rate and seed; owned by ALICE."""
    root = os.path.join(artifacts, "runs")
    made = []
    for n, (lr, seed) in enumerate(((0.01, 3), (0.02, 5)), start=1):
        run_dir = os.path.join(root, f"20261202-101500-{n}-attention")
        shutil.copytree(tiny_run, run_dir)
        with open(os.path.join(run_dir, "config.json")) as f:
            config = json.load(f)
        config.update(lr=lr, seed=seed)
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(config, f)
        meta.update(run_dir, owner=meta.owner_hash(ALICE))
        made.append(run_dir)
    yield made
    for run_dir in made:
        shutil.rmtree(run_dir, ignore_errors=True)


def download(at, key):
    """(file name, content) of a page's download button, from Streamlit's media storage."""
    [button] = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    for storage in (o for o in gc.get_objects() if isinstance(o, MemoryMediaFileStorage)):
        try:
            found = storage.get_file(file_id)
        except MediaFileStorageError:
            continue   # another storage (another test's app)
        return found.filename, found.content
    raise AssertionError("download not found")


def test_a_rename_shows_at_once_in_pickers_titles_legends_and_downloads(two_runs):
    renamed, other = two_runs
    folder = os.path.basename(renamed)
    at = session(ALICE)
    at.selectbox(key="home.run").set_value(renamed).run()
    at.text_input(key=f"home.name.{folder}").input(NAME)
    at.button(key=f"home.save.{folder}").click().run()
    assert not at.exception
    # the table above the editor was drawn before the Save: it shows the name without another rerun
    assert at.dataframe[0].value.set_index("run").loc[folder, "name"] == NAME
    assert any(f"{NAME} [{folder}]" in label for label in at.selectbox(key="home.run").options)

    at = open_page("attention")
    picker = at.sidebar.selectbox(key="attention.run")
    assert any(o.startswith(f"{NAME} [{folder}] (best ") for o in picker.options)
    picker.set_value(renamed).run()
    [spec] = heatmaps(at)
    assert spec["layout"]["title"]["text"].startswith(f"{NAME} [{folder}], ")
    file_name, content = download(at, "attention.csv")
    assert file_name.startswith(f"my-best-run-{folder}-") and file_name.endswith(".csv")
    assert content.decode().splitlines()[0].startswith(",1:")                  # the matrix itself

    at = open_page("compare")
    at.sidebar.selectbox(key="compare.run").set_value(renamed).run()
    assert set(at.multiselect(key="compare.runs").value) == {renamed, other}
    loss = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("compare.loss"))
    names = {t.get("name") for t in loss["data"]}
    assert f"{NAME} [{folder}]" in names and os.path.basename(other) in names     # the legend
    assert at.table[0].value["run"].tolist()[0] == escape_markdown(f"{NAME} [{folder}]")   # the settings table


def test_runs_table_shows_the_data_size_and_explains_its_columns(two_runs):
    at = session(ALICE)
    table = at.dataframe[0].value.set_index("run")
    assert table.loc[os.path.basename(two_runs[0]), "data"] == "generator, 20,000"
    columns = json.loads(at.dataframe[0].proto.columns)
    assert "this browser" in columns["yours"]["help"] and "examples" in columns["data"]["help"]
    assert all(columns.get(name, {}).get("help") for name in table.columns)       # every column explained


def test_compare_highlights_the_settings_that_differ_and_lists_the_shared_ones(two_runs):
    at = open_page("compare")
    at.sidebar.selectbox(key="compare.run").set_value(two_runs[0]).run()
    [table] = at.table
    columns = list(table.value.columns)
    assert columns[:3] == ["run", "lr", "seed"]                 # what differs first, then data and accuracy
    assert table.value["lr"].tolist() == ["0\\.01", "0\\.02"]   # Markdown-escaped: st.table reads Markdown
    styles = table.proto.arrow_data.styler.styles
    styled = {int(c) for c in re.findall(r"row\d+_col(\d+)", styles)}
    assert "background-color: #ffe9a8" in styles and styled == {columns.index("lr"), columns.index("seed")}
    shared = next(t.value for t in at.get("text") if t.value.startswith("The same in every run"))
    assert "hidden_size 64" in shared and "lr" not in shared.replace("lstm_biases", "")


def test_differing_settings_and_data_labels():
    a, b = TrainConfig(lr=0.01, seed=1), TrainConfig(lr=0.02, seed=1, checkpoint_iterations=[0, 5])
    differ, same = differing_settings({"a": a, "b": b})
    assert differ == ["lr", "checkpoint_iterations"] and same["seed"] == 1 and "lr" not in same
    assert differing_settings({"a": a}) == ([], a.to_json())
    assert listing.data_label(TrainConfig(data_size=20000)) == "generator, 20,000"
    upload = TrainConfig(data="/x/upload.txt", data_name="dates.txt", data_size_bytes=1_300_000)
    assert listing.data_label(upload) == "dates.txt, 1.3 MB"
    assert listing.data_label(TrainConfig(data="/x/small.txt", data_size_bytes=2_000)) == "small.txt, 2 kB"
