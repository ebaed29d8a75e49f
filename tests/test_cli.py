"""The command-line tools: output format, and bad input as one clear line with a non-zero exit."""
import os
import re

import pytest

from tests.conftest import run_module


def assert_clean_failure(result, pattern):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(pattern, lines[0]), lines[0]


def test_translate_prints_prediction_and_heatmap(tiny_run):
    result = run_module("core.translate", tiny_run, "Tuesday, November 22, 2016", check=True)
    lines = result.stdout.splitlines()
    assert re.fullmatch(r".{10}", lines[0])                     # the prediction, one line
    assert "    Tuesday, November 22, 2016" in lines             # the heatmap's column header
    assert len([l for l in lines if l.startswith("  ")]) >= 10   # one row per output character
    assert "expected 2016-11-22" in result.stdout


def test_evaluate_ends_with_the_accuracy_line(tiny_run, tmp_path):
    data = tmp_path / "dates.txt"
    data.write_text("Tuesday, November 22, 2016   _2016-11-22\n2/10/93 _1993-02-10\n"
                    "august 19, 2003_2003-08-19\n")
    result = run_module("core.evaluate", tiny_run, "--data", data, check=True)
    lines = result.stdout.strip().splitlines()
    assert re.fullmatch(r"accuracy: [01]\.\d{5} \(\d/3\)", lines[-1]), lines[-1]
    assert any(l.startswith("short ") for l in lines) and any(l.startswith("full/title") for l in lines)
    assert any(l.startswith("numeric ") for l in lines) and any(l.startswith("lower ") for l in lines)
    assert re.fullmatch(r"alignment: [01]\.\d{4} \(mean attention mass on the source characters, 3 dates\)",
                        lines[-2]), lines[-2]


@pytest.mark.parametrize("text, pattern", [
    ("", "empty"),
    ("x" * 40, "40 characters long"),
    ("Tuesday, November 22, 2016!", "vocabulary: '!'"),
])
def test_translate_bad_text(tiny_run, text, pattern):
    assert_clean_failure(run_module("core.translate", tiny_run, text), pattern)


def test_translate_missing_run_and_epoch(tiny_run, tmp_path):
    assert_clean_failure(run_module("core.translate", tmp_path / "nope", "1/2/03"), "run directory not found")
    assert_clean_failure(run_module("core.translate", tiny_run, "1/2/03", "--epoch", "42"), "no checkpoint for epoch 42")


def test_translate_corrupt_checkpoint(run_copy):
    path = os.path.join(run_copy, "checkpoints", "epoch_001.npz")
    with open(path, "r+b") as f:
        f.truncate(100)
    assert_clean_failure(run_module("core.translate", run_copy, "1/2/03", "--epoch", "1"), "corrupt or truncated")


def test_evaluate_malformed_data_line(tiny_run, tmp_path):
    data = tmp_path / "bad.txt"
    data.write_text("2/10/93 _1993-02-10\n2/10/93 1993-02-10\n")
    assert_clean_failure(run_module("core.evaluate", tiny_run, "--data", data), "line 2")


def test_train_malformed_data_line_fails_cleanly(tmp_path):
    data = tmp_path / "bad.txt"
    data.write_text("1+1_2\n" * 20 + "oops\n")
    result = run_module("core.train", "--run-dir", tmp_path / "run", "--data", data, "--quiet")
    assert_clean_failure(result, "line 21")


def test_train_refuses_an_existing_run(tiny_run):
    assert_clean_failure(run_module("core.train", "--run-dir", tiny_run, "--epochs", "1"), "already holds a run")
