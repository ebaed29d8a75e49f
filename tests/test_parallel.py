"""Data parallelism (core/training/steppers.py): the same steps as the serial path, and no worker outlives its trainer."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from core.model.optimizer import Adam
from core.model.registry import build_model
from core.training import steppers
from core.training.config import TrainConfig
from tests.conftest import PROJECT_ROOT

V = 13


def batches(rng, n, count, ignore_some=False):
    out = []
    for _ in range(count):
        xs, ts = rng.integers(0, V, (n, 9)), rng.integers(0, V, (n, 6))
        if ignore_some:   # ignored target positions, unevenly spread: slices weigh by counted positions
            ts[:2, 3:] = -1
        out.append((xs, ts))
    return out


def run(config, dtype, workers, data):
    """Train a fresh model (same seed every time) for len(data) steps -> (losses, params, last grads)."""
    model = build_model(config, V, dtype=dtype, rng=np.random.default_rng(5))
    stepper = steppers.make_stepper(model, Adam(config.lr), config, V, workers=workers, dtype=dtype)
    try:
        assert stepper.workers == workers
        losses = [stepper.step(xs, ts) for xs, ts in data]
    finally:
        stepper.close()
    return losses, model.params, model.grads


def scale_error(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-30))


CONFIG = TrainConfig(hidden_size=16, wordvec_size=8, batch_size=7, lr=0.01, max_grad=0.5)


@pytest.mark.parametrize("model", ["attention", "peeky"])
def test_parallel_steps_equal_serial_steps_in_float64(model):
    """Exact arithmetic up to float64 rounding: the weighting of uneven slices is right, not nearly right."""
    config = TrainConfig(**{**CONFIG.to_json(), "model": model})
    data = batches(np.random.default_rng(1), 7, 3, ignore_some=True)   # 7 rows: slices of 3 and 4
    serial, parallel_run = run(config, np.float64, 1, data), run(config, np.float64, 2, data)
    np.testing.assert_allclose(parallel_run[0], serial[0], rtol=1e-12)
    for name in serial[1]:
        assert scale_error(serial[2][name], parallel_run[2][name]) < 1e-10, name
        np.testing.assert_allclose(parallel_run[1][name], serial[1][name], rtol=1e-10, atol=1e-12, err_msg=name)


def test_parallel_step_equals_serial_step_in_float32():
    """Training's dtype: loss, summed gradients and updated parameters agree to float32 rounding."""
    config = TrainConfig(hidden_size=32, wordvec_size=8, batch_size=24)
    data = batches(np.random.default_rng(2), 24, 3)
    serial, parallel_run = run(config, np.float32, 1, data), run(config, np.float32, 2, data)
    np.testing.assert_allclose(parallel_run[0], serial[0], rtol=1e-5)
    for name in serial[1]:
        assert scale_error(serial[2][name], parallel_run[2][name]) < 1e-4, name
        # Adam moves each weight by about lr per step; rounding may change a move by a tiny fraction of it
        np.testing.assert_allclose(parallel_run[1][name], serial[1][name], rtol=0, atol=config.lr * 1e-2,
                                   err_msg=name)


def test_one_worker_is_the_serial_path_and_workers_never_outnumber_rows():
    model = build_model(CONFIG, V)
    assert isinstance(steppers.make_stepper(model, Adam(), CONFIG, V, workers=1), steppers.SerialStepper)
    tiny = TrainConfig(**{**CONFIG.to_json(), "batch_size": 1})
    assert isinstance(steppers.make_stepper(model, Adam(), tiny, V, workers=4), steppers.SerialStepper)
    assert TrainConfig().workers >= 0


def test_a_failing_worker_is_an_error_not_a_hang():
    model = build_model(CONFIG, V)
    stepper = steppers.make_stepper(model, Adam(), CONFIG, V, workers=2)
    try:
        xs, ts = batches(np.random.default_rng(3), 7, 1)[0]
        with pytest.raises(RuntimeError, match="worker failed"):
            stepper.step(xs + 100, ts)   # ids beyond the vocabulary: IndexError inside the workers
    finally:
        stepper.close()


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:   # a zombie has ended; only its parent has not reaped it yet
        return f.read().split(")")[-1].split()[0] != "Z"


TRAINER = """
import sys, time
import numpy as np
from core.training import steppers
from core.training.config import TrainConfig
from core.model.registry import build_model
from core.model.optimizer import Adam
config = TrainConfig(hidden_size=8, wordvec_size=4, batch_size=4)
model = build_model(config, 13)
stepper = steppers.make_stepper(model, Adam(), config, 13, workers=2)
stepper.step(np.zeros((4, 5), dtype=int), np.zeros((4, 3), dtype=int))
print(" ".join(str(p.pid) for p in stepper.pool.processes), stepper.params.name, stepper.grads.name, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", ["SIGKILL", "close"])
def test_workers_end_with_their_trainer(how):
    trainer = subprocess.Popen([sys.executable, "-c", TRAINER if how == "SIGKILL" else
                                TRAINER.replace("time.sleep(600)", "stepper.close(); time.sleep(600)")],
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        *pids, params_name, grads_name = trainer.stdout.readline().split()
        pids = [int(p) for p in pids]
        assert len(pids) == 2
        if how == "SIGKILL":
            assert all(alive(p) for p in pids)
            trainer.send_signal(signal.SIGKILL)
        deadline = time.time() + 30
        while any(alive(p) for p in pids) and time.time() < deadline:
            time.sleep(0.05)
        assert not any(alive(p) for p in pids), "a worker outlived its trainer"
        if how == "close":   # a clean close also removes the shared memory (right after the workers end)
            blocks = [f"/dev/shm/{params_name}", f"/dev/shm/{grads_name}"]
            while any(map(os.path.exists, blocks)) and time.time() < deadline:
                time.sleep(0.05)
            assert not any(map(os.path.exists, blocks))
    finally:
        trainer.kill()
        trainer.wait()


def test_rows_are_dealt_to_workers_in_sorted_turns_and_keep_their_targets():
    rng = np.random.default_rng(3)
    xs = rng.integers(0, 3, (10, 4))
    ts = np.arange(10)[:, None] * np.ones((1, 3), dtype=int)   # target rows name their input row
    dealt_xs, dealt_ts = steppers.dealt(xs, ts, 2)
    assert np.array_equal(dealt_xs, xs[dealt_ts[:, 0]])       # each row keeps its own targets
    assert sorted(dealt_ts[:, 0]) == list(range(10))           # a permutation of the batch
    order = np.lexsort(xs.T[::-1])
    assert list(dealt_ts[:5, 0]) == list(order[0::2]) and list(dealt_ts[5:, 0]) == list(order[1::2])


@pytest.mark.parametrize("rows, workers", [(5, 2), (9, 2), (7, 3), (10, 4), (11, 4), (32, 3), (128, 2)])
def test_each_workers_slice_holds_the_rows_dealt_to_it(rows, workers):
    xs = np.random.default_rng(rows).integers(0, 4, (rows, 3))
    ts = np.arange(rows)[:, None] * np.ones((1, 2), dtype=int)
    _, dealt_ts = steppers.dealt(xs, ts, workers)
    order = np.lexsort(xs.T[::-1])
    for k, (a, b, weight) in enumerate(steppers.row_parts(dealt_ts, workers, ignore_label=-1)):
        assert list(dealt_ts[a:b, 0]) == list(order[k::workers])
        assert weight == pytest.approx((b - a) / rows)
