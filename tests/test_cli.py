"""The command-line tools: output format, and bad input as one clear line with a non-zero exit."""
import json
import os
import re

import pytest

from core import rundir
from core.decoding import translation
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
    assert re.fullmatch(r"alignment: [01]\.\d{4} \(mean attention mass on the input character each output "
                        r"character is copied from, 3 dates\)",
                        lines[-2]), lines[-2]


@pytest.mark.parametrize("text, pattern", [
    ("", "empty"),
    ("x" * 60, "60 characters long"),   # longer than the input width (48)
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


def test_iteration_checkpoints_through_the_command_line(tiny_run, tmp_path):
    """--iteration N loads a checkpoint saved inside training; --epoch K keeps working beside it."""
    inside = [c for c in rundir.list_checkpoints(tiny_run) if c.epoch is None]
    assert inside and inside[0].iteration == 0
    first = run_module("core.translate", tiny_run, "2/10/93", "--iteration", "0", check=True)
    assert "(iteration 0;" in first.stdout
    model, vocab, config, _ = rundir.load_model(tiny_run, inside[0].name)
    assert first.stdout.splitlines()[0] == translation.translate(model, vocab, config, "2/10/93").prediction
    data = tmp_path / "dates.txt"
    data.write_text("2/10/93 _1993-02-10\naugust 19, 2003_2003-08-19\n")
    last = inside[-1]
    result = run_module("core.evaluate", tiny_run, "--data", data, "--iteration", last.iteration, check=True)
    assert f"iteration {last.iteration}," in result.stdout.splitlines()[0]
    assert any(line.startswith("alignment: ") for line in result.stdout.splitlines())
    assert_clean_failure(run_module("core.translate", tiny_run, "2/10/93", "--iteration", "7"),
                         "no checkpoint at iteration 7")
    both = run_module("core.evaluate", tiny_run, "--data", data, "--epoch", "1", "--iteration", "0")
    assert both.returncode == 2 and "not allowed with" in both.stderr.strip().splitlines()[-1]


def test_runs_saved_before_iteration_checkpoints_still_load(run_copy):
    """An old run: epoch checkpoints only, no checkpoint records, no iter_checkpoints in config.json."""
    for name in os.listdir(os.path.join(run_copy, "checkpoints")):
        if name.startswith("iter_"):
            os.remove(os.path.join(run_copy, "checkpoints", name))
    metrics = os.path.join(run_copy, "metrics.jsonl")
    with open(metrics) as f:
        kept = [json.loads(line) for line in f if line.strip()]
    with open(metrics, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in kept if r["type"] != "checkpoint")
    config_path = os.path.join(run_copy, "config.json")
    with open(config_path) as f:
        config = json.load(f)
    del config["iter_checkpoints"]
    with open(config_path, "w") as f:
        json.dump(config, f)
    listing = rundir.list_checkpoints(run_copy)
    assert [c.epoch for c in listing] == rundir.epochs(run_copy) and listing[0].label.startswith("epoch 1 - iteration")
    result = run_module("core.translate", run_copy, "2/10/93", check=True)
    assert f"(epoch {rundir.epochs(run_copy)[-1]};" in result.stdout


@pytest.mark.parametrize("module, args, pattern", [
    ("core.evaluate", ["RUN", "--data", "x", "--epoch", "abc"], "invalid int value"),
    ("core.evaluate", ["RUN", "--data", "x", "--split", "bogus"], "invalid choice"),
    ("core.evaluate", ["RUN", "--data", "x", "--epoch", "inf"], "invalid int value"),
    ("core.translate", ["RUN"], "arguments are required: text"),
    ("core.translate", ["RUN", "1/2/03", "--iteration", "1e9"], "invalid int value"),
    ("core.bench", ["--time-to", "nan"], "test accuracies in \\(0, 1\\]"),
    ("core.train", ["--queue", "/no/such/run"], "no run directory"),
])
def test_every_command_says_a_bad_argument_in_one_line(tiny_run, module, args, pattern):
    """Issue 18: argparse's usage block, and a traceback after 10 s for a missing --queue directory."""
    assert_clean_failure(run_module(module, *[tiny_run if a == "RUN" else a for a in args], timeout=60), pattern)


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "-5", "lots"])
def test_a_bad_data_size_limit_in_the_environment_is_one_line(tiny_run, value, monkeypatch):
    monkeypatch.setenv("ATTENTION_LAB_MAX_DATA_MB", value)
    result = run_module("core.evaluate", tiny_run, "--data", os.path.join(tiny_run, "config.json"), timeout=60)
    assert_clean_failure(result, "ATTENTION_LAB_MAX_DATA_MB must be a number of megabytes")
