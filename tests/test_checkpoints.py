"""Checkpoints: bit-identical round trip, atomic writes, clear errors for damaged or foreign files."""
import os

import numpy as np
import pytest

from core import rundir
from core.errors import UserError
from core.rundir import npz


def test_round_trip_is_bit_identical(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"encoder.lstm.Wx": rng.standard_normal((3, 8)).astype(np.float32),
              "decoder.affine.b": rng.standard_normal(5).astype(np.float32)}
    path = str(tmp_path / "epoch_001.npz")
    npz.save(path, arrays)
    loaded = npz.load(path)
    assert set(loaded) == set(arrays)
    for name in arrays:
        assert loaded[name].dtype == np.float32
        assert loaded[name].tobytes() == arrays[name].tobytes()
    assert os.listdir(tmp_path) == ["epoch_001.npz"]   # no temp file left behind


def test_model_rebuilds_from_run_directory_alone(run_copy):
    model, vocab, config, epoch = rundir.load_model(run_copy)
    stored = npz.load(rundir.checkpoint_path(run_copy, epoch))
    for name, p in model.params.items():
        assert p.tobytes() == stored[name].tobytes(), name


def test_truncated_checkpoint_is_a_clear_error(run_copy):
    path = rundir.checkpoint_path(run_copy, rundir.epochs(run_copy)[-1])
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)
    with pytest.raises(UserError, match="corrupt or truncated"):
        rundir.load_model(run_copy)


def test_garbage_checkpoint_is_a_clear_error(run_copy):
    path = rundir.checkpoint_path(run_copy, 1)
    with open(path, "wb") as f:
        f.write(b"this is not a zip file at all")
    with pytest.raises(UserError, match="corrupt or truncated"):
        rundir.load_model(run_copy, 1)


def test_pickled_object_arrays_are_refused(tmp_path):
    path = str(tmp_path / "evil.npz")
    np.savez(path, W=np.array([{"a": 1}], dtype=object))
    with pytest.raises(UserError, match="corrupt or truncated"):
        npz.load(path)


def test_foreign_checkpoint_names_what_does_not_fit(run_copy):
    path = rundir.checkpoint_path(run_copy, 1)
    npz.save(path, {"something.else": np.zeros(3, dtype=np.float32)})
    with pytest.raises(UserError, match="does not fit this model"):
        rundir.load_model(run_copy, 1)


def test_missing_epoch_and_missing_run(run_copy, tmp_path):
    with pytest.raises(UserError, match="no checkpoint for epoch 99"):
        rundir.load_model(run_copy, 99)
    with pytest.raises(UserError, match="run directory not found"):
        rundir.load_model(str(tmp_path / "nothing-here"))


def test_metrics_reader_skips_a_partial_last_line(run_copy):
    before = rundir.read_metrics(run_copy)
    with open(os.path.join(run_copy, "metrics.jsonl"), "a") as f:
        f.write('{"type": "loss", "iterat')
    assert rundir.read_metrics(run_copy) == before


def test_vanished_process_reads_as_failed(run_copy):
    rundir.write_status(run_copy, state="running", pid=2 ** 22 + 12345)   # no such process
    status = rundir.read_status(run_copy)
    assert status["state"] == "failed"
    assert "without saying so" in status["reason"]


def test_run_from_before_two_lstm_biases_still_loads(run_copy):
    """Runs written before config.lstm_biases existed have one LSTM bias and no such key."""
    model, vocab, config, epoch = rundir.load_model(run_copy)
    xs = vocab.encode_questions(["11/22/16", "march 3, 1999"])
    expected = model.generate(xs, vocab.start_id, vocab.output_length)
    path = rundir.checkpoint_path(run_copy, epoch)
    arrays = npz.load(path)
    for name in [n for n in arrays if n.endswith(".bh")]:
        arrays[name[:-1]] += arrays.pop(name)             # the book's b is the sum of b and bh
    npz.save(path, arrays)
    stored = rundir.read_json(os.path.join(run_copy, "config.json"))
    del stored["lstm_biases"]
    rundir.write_json_atomic(os.path.join(run_copy, "config.json"), stored)

    old_model, _, old_config, _ = rundir.load_model(run_copy, epoch)
    assert old_config.lstm_biases == 1
    assert not any(name.endswith(".bh") for name in old_model.params)
    np.testing.assert_array_equal(old_model.generate(xs, vocab.start_id, vocab.output_length), expected)
