"""The Ray cluster a host may name for training (README, "A class on many machines").

    ray_address = "ray://head:10001"   in .streamlit/secrets.toml (or "auto", or the head's "host:6379"),
    ATTENTION_LAB_RAY_ADDRESS=...      in the environment (it wins over the secrets file)
Unset, runs train on this server (core/jobs/waiter.py). Set, each queued group is a dispatcher
process here (core/jobs/dispatcher.py) whose runs train as Ray actors on the cluster's nodes.

Ray is optional (requirements-ray.txt): nothing here imports it at module level, and the app server
itself never joins the cluster; a Start asks a short-lived process whether the cluster answers
(check), so a cluster that is down is one clear message and nothing is queued.

main(ADDRESS) prints what the cluster offers as JSON: the probe check runs in a process of its own.
"""
import json
import os
import subprocess
import sys
import threading
import time

from core import PROJECT_ROOT
from core.errors import UserError

ADDRESS_ENV = "ATTENTION_LAB_RAY_ADDRESS"
PROBE_TIMEOUT_S = 30
ANSWER_KEPT_S = 30   # a class pressing Start together asks the cluster once, not thirty times
# What the nodes need of the project is its code: not the runs, the demo, the docs or the tests.
NOT_SHIPPED = ["artifacts/", "test-artifacts/", ".git/", "docs/", "tests/", "__pycache__/", "*.npz", "*.tmp"]

PROBE = "import sys; from core.jobs.cluster import main; sys.exit(main(sys.argv[1:]))"
_answers = {}   # address -> (time, what the cluster offers)
_answers_lock = threading.Lock()


def address(setting=None):
    """The cluster to train on: the environment's, else the host's setting; None: this server."""
    chosen = os.environ.get(ADDRESS_ENV) or setting
    return chosen.strip() if isinstance(chosen, str) and chosen.strip() else None


def connect(where):
    """Join the cluster as a driver (the dispatcher, the probe), shipping the project's code."""
    import ray
    ray.init(address=where, logging_level="ERROR", log_to_driver=False,
             runtime_env={"working_dir": PROJECT_ROOT, "excludes": NOT_SHIPPED})


def unreachable(error):
    first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
    return f"cannot reach the Ray cluster: {first}"


def check(where, cpus_per_run=1):
    """What the cluster offers ({"nodes", "cpus", "largest_node_cpus"}), or UserError in one line when it
    cannot be reached, Ray is not installed, or no node has the CPUs one run reserves."""
    with _answers_lock:
        kept = _answers.get(where)
        if kept is None or time.time() - kept[0] > ANSWER_KEPT_S:
            kept = (time.time(), _probe(where))
            _answers[where] = kept
    offer = kept[1]
    if cpus_per_run > offer["largest_node_cpus"]:
        raise UserError(f"each run reserves {cpus_per_run} CPUs, and the cluster's largest node has "
                        f"{offer['largest_node_cpus']}: lower workers_per_run")
    return offer


def _probe(where):
    try:
        done = subprocess.run([sys.executable, "-c", PROBE, where], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise UserError(f"cannot reach the Ray cluster at {where}: no answer within {PROBE_TIMEOUT_S} s; "
                        f"nothing was queued") from None
    if done.returncode != 0:
        lines = (done.stdout + done.stderr).strip().splitlines()
        raise UserError(f"cannot reach the Ray cluster at {where}: {lines[-1][:200] if lines else 'no answer'}; "
                        f"nothing was queued")
    return json.loads(done.stdout.strip().splitlines()[-1])


def offer():
    """In a connected driver: the alive nodes and their CPUs."""
    import ray
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    cpus = [int(n.get("Resources", {}).get("CPU", 0)) for n in nodes]
    return {"nodes": len(nodes), "cpus": sum(cpus), "largest_node_cpus": max(cpus, default=0)}


def main(argv):
    try:
        import ray
    except ImportError:
        print("Ray is not installed on the app server: pip install -r requirements-ray.txt")
        return 1
    try:
        ray.init(address=argv[0], logging_level="ERROR", log_to_driver=False)
    except Exception as e:
        print(unreachable(e))
        return 1
    print(json.dumps(offer()))
    return 0

