"""What a run pays for training on a Ray cluster instead of this server, and what a class of 30 would wait.

    python -m tools.bench_cluster [--epochs 1] [--data-size 50000] [--address HOST:PORT] [--class-size 30]

Trains the same run (the Train page's default settings, --epochs of them, one worker) twice: through
the local queue, then through a Ray cluster (one started here, a single node of every core on
127.0.0.1, unless --address names one). Prints, for each: seconds from Start to the first metric, the
training seconds per iteration, the wall time, and for the cluster's run the bytes shipped back to the
server (per run and per checkpoint) and the dispatcher's memory. From those it projects the wall time
for --class-size default runs on 1, 4 and 16 two-core nodes. A measurement, never a test: run it on a
quiet machine and compare the figures of one session.
"""
import argparse
import math
import os
import re
import tempfile
import time

from core import jobs, rundir
from core.rundir import definition
from core.training.config import TrainConfig

LOCAL_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"   # "0": Ray keeps every address on 127.0.0.1


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None


def measure(root, config, cluster=None):
    """-> dict of the figures of one run through the queue (a cluster's when cluster is an address)."""
    start = time.perf_counter()
    run_dir = jobs.start_queue(root, [(config, "bench")], cores=os.cpu_count(), cluster=cluster)[0]
    first_metric, peak_rss = None, 0.0
    while True:
        status = rundir.read_status(run_dir)
        if first_metric is None and rundir.read_metrics(run_dir):
            first_metric = time.perf_counter() - start
        if status.get("pid"):
            peak_rss = max(peak_rss, rss_mb(status["pid"]) or 0.0)
        if status["state"] not in rundir.ACTIVE_STATES:
            break
        time.sleep(0.2)
    wall = time.perf_counter() - start
    jobs.wait(run_dir, timeout=60)   # the dispatcher writes what it shipped as it ends, after the status
    if status["state"] != "finished":
        raise SystemExit(f"the run did not finish: {status}")
    epochs = [r for r in rundir.read_metrics(run_dir) if r.get("type") == "epoch"]
    figures = {"start_to_first_metric_s": first_metric, "wall_s": wall,
               "s_per_iter": epochs[-1]["train_time"] / status["iteration"],
               "process_peak_rss_mb": peak_rss, "checkpoints": len(rundir.list_checkpoints(run_dir))}
    with open(os.path.join(run_dir, definition.LOG)) as f:
        shipped = re.search(r"(\d+) bytes received, checkpoints \[([\d, ]*)\]", f.read())
    if shipped:
        sizes = [int(n) for n in shipped.group(2).split(",") if n.strip()]
        figures.update(bytes_shipped=int(shipped.group(1)), checkpoint_bytes=sizes[0] if sizes else None)
    return figures


def project(class_size, run_s, overhead_s, cores_per_node=2):
    """Wall seconds for class_size one-worker runs on n nodes: waves of (cores per node x n) runs."""
    return {nodes: math.ceil(class_size / (cores_per_node * nodes)) * (run_s + overhead_s) for nodes in (1, 4, 16)}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.bench_cluster", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--data-size", type=int, default=TrainConfig().data_size)
    p.add_argument("--address", help="a running cluster (default: start a one-node cluster here)")
    p.add_argument("--class-size", type=int, default=30)
    args = p.parse_args(argv)
    config = TrainConfig(epochs=args.epochs, data_size=args.data_size, workers=1)
    started = None
    if not args.address:
        os.environ.setdefault(LOCAL_ONLY, "0")
        from ray.cluster_utils import Cluster
        started = Cluster(initialize_head=True, head_node_args={
            "num_cpus": os.cpu_count(), "include_dashboard": False, "node_ip_address": "127.0.0.1"})
    address = args.address or started.address
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as root:
            local = measure(os.path.join(root, "local"), config)
            remote = measure(os.path.join(root, "remote"), config, cluster=address)
    finally:
        if started:
            started.shutdown()
    for name, figures in (("local", local), ("cluster", remote)):
        print(name + ": " + ", ".join(f"{k} {v:,.3f}" if isinstance(v, float) else f"{k} {v:,}"
                                      for k, v in figures.items()))
    overhead = remote["wall_s"] - local["wall_s"] * remote["s_per_iter"] / local["s_per_iter"]
    print(f"cluster/local training speed: {local['s_per_iter'] / remote['s_per_iter']:.2f}; "
          f"extra wall per run through the cluster: {overhead:.1f} s")
    default_epochs = TrainConfig().epochs
    run_s = local["wall_s"] * default_epochs / args.epochs
    for nodes, wall in project(args.class_size, run_s, max(overhead, 0.0)).items():
        print(f"{args.class_size} default runs ({default_epochs} epochs, about {run_s / 60:.1f} min each) on "
              f"{nodes} two-core node(s): about {wall / 60:.0f} min")


if __name__ == "__main__":
    main()
