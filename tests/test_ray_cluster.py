"""Runs on a real Ray cluster of two nodes started here (ray.cluster_utils.Cluster, on 127.0.0.1):
the same run directories as local runs, Stop, a node lost, a dispatcher killed, an address that does
not answer. Ray is optional (requirements-ray.txt): without it these skip, except under CI, where
they must run (`bash .ci/run` installs it)."""
import os
import signal
import subprocess
import time

import numpy as np
import pytest

from core import jobs, rundir
from core.errors import UserError
from core.jobs import cluster as ray_cluster
from core.rundir import npz
from core.training.config import TrainConfig
from tests.browser_lookup import in_ci

try:
    from ray.cluster_utils import Cluster
except ImportError:
    Cluster = None
    if in_ci():
        raise RuntimeError("CI must run the Ray tests: pip install -r requirements-ray.txt")
    pytestmark = pytest.mark.skip(reason="Ray is not installed (pip install -r requirements-ray.txt)")

SHORT = TrainConfig(data_size=10000, epochs=2, hidden_size=32, wordvec_size=16, batch_size=32, lr=0.01, workers=1)
LONG = TrainConfig(data_size=20000, epochs=20, hidden_size=32, wordvec_size=16, batch_size=32, lr=0.01, workers=1)
LOCAL_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"   # "0": Ray keeps every address on 127.0.0.1


@pytest.fixture(scope="module")
def two_nodes():
    """A head and a worker node of one CPU each: two runs of one worker each must use both."""
    before = os.environ.get(LOCAL_ONLY)
    os.environ[LOCAL_ONLY] = "0"   # inherited by the dispatchers and probes this test starts
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 1, "include_dashboard": False, "node_ip_address": "127.0.0.1"})
    worker = cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    cluster.wait_for_nodes()
    try:
        yield cluster, worker
    finally:
        cluster.shutdown()
        if before is None:
            os.environ.pop(LOCAL_ONLY, None)
        else:
            os.environ[LOCAL_ONLY] = before


def wait_until(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ended(run_dir):
    return rundir.read_status(run_dir)["state"] not in rundir.ACTIVE_STATES


def epoch_accuracies(run_dir):
    return [r["test_accuracy"] for r in rundir.read_metrics(run_dir) if r.get("type") == "epoch"]


def test_two_runs_train_on_two_nodes_at_once_and_equal_local_runs(two_nodes, tmp_path):
    cluster, _ = two_nodes
    remote_root, local_root = str(tmp_path / "remote"), str(tmp_path / "local")
    configs = [TrainConfig(**{**SHORT.to_json(), "seed": seed}) for seed in (1, 2)]
    remote = [jobs.start_queue(remote_root, [(c, f"seed{c.seed}")], cluster=cluster.address)[0] for c in configs]
    seen_nodes = set()

    def both_ended():
        seen_nodes.update(g.get("node") for g in jobs.queue_state(remote_root)["running"])
        return all(ended(d) for d in remote)
    wait_until(both_ended, 240, "the cluster's runs to end")
    local = [jobs.start_queue(local_root, [(c, f"seed{c.seed}")], cores=2)[0] for c in configs]
    wait_until(lambda: all(ended(d) for d in local), 240, "the local runs to end")

    statuses = [rundir.read_status(d) for d in remote]
    assert [s["state"] for s in statuses] == ["finished", "finished"], statuses
    assert statuses[0]["node"] != statuses[1]["node"]   # one run per node, each node one CPU
    assert max(s["started_at"] for s in statuses) < min(s["ended_at"] for s in statuses)   # side by side
    assert {s["node"] for s in statuses} <= seen_nodes   # the queue view named the nodes while they trained
    assert all(s["pid"] != os.getpid() and rundir.process_alive(s["pid"]) is False for s in statuses)
    for remote_dir, local_dir in zip(remote, local):
        assert rundir.read_config(remote_dir) == rundir.read_config(local_dir)   # the data as this server knows it
        assert epoch_accuracies(remote_dir) == epoch_accuracies(local_dir)
        names = [c.name for c in rundir.list_checkpoints(remote_dir)]
        assert names == [c.name for c in rundir.list_checkpoints(local_dir)] and len(names) >= 3
        for name in names:
            ours = npz.load(rundir.checkpoint_path(remote_dir, name))
            theirs = npz.load(rundir.checkpoint_path(local_dir, name))
            for key in theirs:
                np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6)


def test_stop_of_a_remote_run_keeps_its_checkpoints(two_nodes, tmp_path):
    cluster, _ = two_nodes
    run_dir = jobs.start_queue(str(tmp_path), [(LONG, "long")], cluster=cluster.address)[0]
    wait_until(lambda: rundir.read_status(run_dir).get("iteration", 0) > 30, 180, "the remote run to train")
    assert jobs.stop(run_dir)
    wait_until(lambda: ended(run_dir), 120, "the stop")
    status = rundir.read_status(run_dir)
    assert status["state"] == "stopped", status
    stops = [r for r in rundir.read_metrics(run_dir) if r.get("stop")]
    assert stops and os.path.isfile(rundir.checkpoint_path(run_dir, stops[-1]["checkpoint"]))   # the weights at the stop


def test_a_lost_node_fails_its_run_and_keeps_what_arrived(two_nodes, tmp_path):
    cluster, worker = two_nodes
    root = str(tmp_path)
    runs = [jobs.start_queue(root, [(TrainConfig(**{**LONG.to_json(), "seed": s}), f"s{s}")], cluster=cluster.address)[0]
            for s in (1, 2)]
    wait_until(lambda: all(rundir.read_status(d).get("iteration", 0) > 30 for d in runs), 180, "both runs to train")
    on_worker = [d for d in runs if rundir.read_status(d)["node"].endswith(f"({worker.node_id[:8]})")]
    assert len(on_worker) == 1
    lost, kept = on_worker[0], next(d for d in runs if d != on_worker[0])
    cluster.remove_node(worker, allow_graceful=False)
    wait_until(lambda: ended(lost), 120, "the lost node's run to end")
    status = rundir.read_status(lost)
    assert status["state"] == "failed" and status["reason"].startswith("node lost"), status
    assert len(rundir.list_checkpoints(lost)) >= 2   # iteration 0 and those inside training that arrived
    assert rundir.read_status(kept)["state"] == "running"   # the other node trains on
    jobs.stop(kept)
    wait_until(lambda: ended(kept), 120, "the other run's stop")
    cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")   # the next tests have two nodes again
    cluster.wait_for_nodes()


def test_a_killed_dispatcher_ends_its_run_and_frees_the_node(two_nodes, tmp_path):
    cluster, _ = two_nodes
    run_dir = jobs.start_queue(str(tmp_path), [(LONG, "long")], cluster=cluster.address)[0]
    wait_until(lambda: rundir.read_status(run_dir).get("iteration", 0) > 10, 180, "the remote run to train")
    os.kill(rundir.read_status(run_dir)["pid"], signal.SIGKILL)   # as when the app server's machine goes down
    status = wait_until(lambda: ended(run_dir) and rundir.read_status(run_dir), 30, "the run to read ended")
    assert status["state"] == "failed"
    # Ray ends the actors of a driver that died, and the kernel the actor's trainer: nothing trains on.
    wait_until(lambda: not trainers_on_nodes(), 60, "the node's trainer to end")


def trainers_on_nodes():
    found = subprocess.run(["pgrep", "-f", "core.train --quiet --queue .*attention-lab-run-"],
                           capture_output=True, text=True)
    return found.stdout.split()


def test_an_address_that_does_not_answer_queues_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(ray_cluster, "PROBE_TIMEOUT_S", 8)
    monkeypatch.setenv(LOCAL_ONLY, "0")
    root = str(tmp_path / "runs")
    with pytest.raises(UserError, match="cannot reach the Ray cluster at 127.0.0.1:9: .*nothing was queued"):
        jobs.start_queue(root, [(SHORT, "short")], cluster="127.0.0.1:9")
    assert not os.path.exists(root) or os.listdir(root) == []
