"""One run listing, one "best accuracy": the Runs table, the run pickers and the Compare overlay agree
on it for a run whose checkpoints inside an epoch scored higher (on their 500-example subset) than any
epoch end scored on the whole test split."""
import json
import os
import shutil

import pytest

from core import rundir
from core.rundir import listing
from tests.test_app import open_page
from ui.plain import escape_markdown


@pytest.fixture
def run_with_a_lucky_subset(artifacts, tiny_run):
    run_dir = os.path.join(artifacts, "runs", "20261202-120000-lucky")
    shutil.copytree(tiny_run, run_dir)
    epochs = [r for r in rundir.read_metrics(run_dir) if r["type"] == "epoch"]
    with open(os.path.join(run_dir, "metrics.jsonl"), "a") as f:   # a subset score above every epoch's
        f.write(json.dumps({"type": "checkpoint", "iteration": epochs[-1]["iteration"] - 1, "epoch": len(epochs),
                            "loss": 0.01, "test_accuracy": 1.0, "alignment": 0.9, "train_time": 1.0,
                            "test_examples": 500, "checkpoint": "iter_9999999"}) + "\n")
    yield run_dir, max(r["test_accuracy"] for r in epochs)
    shutil.rmtree(run_dir)


def test_runs_page_pickers_and_compare_show_the_same_best_accuracy(run_with_a_lucky_subset):
    run_dir, best = run_with_a_lucky_subset
    assert best < 1.0
    row = listing.RunIndex().row(run_dir)
    assert row["best_accuracy"] == best                     # epoch records on the full test split only

    runs_page = open_page()
    table = runs_page.dataframe[0].value.set_index("run")
    assert table.loc[os.path.basename(run_dir), "best test accuracy"] == best

    shown = f"{100 * best:.2f}%"
    attention = open_page("attention")
    labels = attention.sidebar.selectbox(key="attention.run").options   # AppTest gives the shown labels
    label = next(text for text in labels if text.startswith("20261202-120000-lucky"))
    assert f"best {shown}" in label and "100.00%" not in label

    compare = open_page("compare")
    compare.sidebar.selectbox(key="compare.run").set_value(run_dir).run()
    configs = next(t.value for t in compare.table if "best test accuracy" in t.value.columns).set_index("run")
    assert configs.loc[escape_markdown(os.path.basename(run_dir)), "best test accuracy"] == escape_markdown(shown)
