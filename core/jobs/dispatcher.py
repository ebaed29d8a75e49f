"""A queued group of runs trained on a Ray cluster: `python -m core.jobs.dispatcher ROOT TICKET RUN_DIR...`.

Started by core.jobs.launch.start_queue, instead of core.jobs.waiter, when the host names a cluster
(core/jobs/cluster.py; the address comes in the environment). It stays on the app server for the
group's whole life, as the waiter's trainer would: its pid is the runs' pid in status.json, so the
pages, Stop and the queue treat it exactly like a local trainer. For each run in turn it

1. creates a RemoteRun actor (core/jobs/remote.py) reserving the run's CPUs: Ray starts it on a node
   with that many free, and until then the group waits in the queue ("waiting for free CPUs");
2. polls the actor twice a second and writes what it returns into the run directory on this server
   (ServerCopy): metrics, status, live weights and checkpoints, each as the node produced them,
   checkpoints atomically. The node's pid in status.json is replaced by this process's;
3. on SIGTERM (Stop) asks the actor to stop its trainer, which saves the weights at the stop, and
   copies the run to its end; a node that dies ends the run "failed" with "node lost", every
   checkpoint that arrived kept.
The actors belong to this process: if it dies (the server went down), Ray ends them and their
trainers, and the runs read "failed" (their process is gone): never "running" forever.
"""
import json
import os
import signal
import sys
import time

from core.data import server_files
from core.errors import UserError
from core.jobs import cluster, queue
from core.jobs.remote import ORDER as SHIPPED
from core.jobs.remote import RemoteRun
from core.jobs.waiter import cancel
from core.rundir import ACTIVE_STATES, read_request, write_json_atomic, write_status, written_state
from core.rundir.files import atomic_write, remove_quietly
from core.rundir.status import FIELDS
from core.training.loop import error_text, wait_for_launcher
from core.training.steppers import resolve_workers

POLL_S = 0.5
STOP_GRACE_S = 120   # after a Stop, how long the node may take to save and end before it is killed
NODE_LOST = "node lost"


class ServerCopy:
    """Writes a remote run's changes (core.jobs.remote.FolderMirror) into its run directory here."""

    def __init__(self, run_dir, data_source):
        self.run_dir = run_dir
        self.data_source = data_source   # config.json names the data as this server knows it
        self.bytes_received = 0
        self.checkpoint_bytes = []

    def apply(self, changes, node):
        for op, rel, content in changes:
            self.bytes_received += len(content)
            path = self._path(rel)
            if op == "append" and rel == "train.log":
                sys.stdout.buffer.write(content)   # this process's output is the group's train.log
                sys.stdout.flush()
            elif op == "append":
                with open(path, "ab") as f:
                    f.write(content)
            elif op == "remove":
                remove_quietly(path)
            elif rel == "status.json":
                self._status(json.loads(content), node)
            elif rel == "config.json":
                write_json_atomic(path, {**json.loads(content), "data": self.data_source})
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                atomic_write(path, lambda f: f.write(content))
                if rel.startswith("checkpoints/"):
                    self.checkpoint_bytes.append(len(content))

    def _path(self, rel):
        """Only the files a run directory holds: a node cannot write anywhere else on this server."""
        parts = rel.split("/")
        known = (len(parts) == 1 and parts[0] in SHIPPED and parts[0] != "checkpoints"
                 or len(parts) == 2 and parts[0] == "checkpoints" and parts[1].endswith(".npz")
                 and not parts[1].startswith("."))
        if not known:
            raise UserError(f"the node sent a file a run does not hold: {rel[:60]!r}")
        return os.path.join(self.run_dir, *parts)

    def _status(self, status, node):
        fields = {k: v for k, v in status.items() if k in FIELDS}
        write_status(self.run_dir, **{**fields, "pid": os.getpid(), "node": node})


class Dispatcher:
    def __init__(self, root, ticket, run_dirs):
        self.root, self.ticket, self.run_dirs = root, ticket, run_dirs
        self.stop_requested = False
        self.promoted = False

    def request_stop(self, *_):
        self.stop_requested = True

    def run(self):
        import ray
        for n, run_dir in enumerate(self.run_dirs):
            if self.stop_requested:
                cancel(self.run_dirs[n:], self.ticket, "stopped before it started")
                break
            try:
                self.train(ray, run_dir)
            except Exception as e:   # this run ends; the group goes on, as a local queue does
                if written_state(run_dir) in ACTIVE_STATES:
                    write_status(run_dir, state="failed", reason=error_text(e), ended_at=time.time())
                print(f"{run_dir}: failed: {error_text(e)}", flush=True)
        for name in (self.ticket, self.ticket.replace("wait-", "running-")):
            queue.remove_ticket(name)

    def train(self, ray, run_dir):
        config = read_request(run_dir).checked()
        data = None
        if config.data != "generator":
            data = server_files.read_bounded(config.data, shown=config.data_name or "the data file")
        cpus = resolve_workers(config)
        actor = ray.remote(RemoteRun).options(num_cpus=cpus, max_restarts=0).remote(config.to_json(), data, cpus)
        copy = ServerCopy(run_dir, config.data)
        started = stop_sent_at = None
        try:
            while True:
                if self.stop_requested and stop_sent_at is None:
                    if started is None:   # still waiting for CPUs: nothing trained, nothing to save
                        cancel([run_dir], self.ticket, "stopped before it started")
                        return
                    actor.stop.remote()
                    stop_sent_at = time.time()
                if stop_sent_at and time.time() - stop_sent_at > STOP_GRACE_S:
                    raise UserError(f"the node did not stop within {STOP_GRACE_S} s")
                reply = self._poll(ray, actor, waiting=started is None)
                if reply is None:
                    continue
                if started is None:
                    started = time.time()
                    self._started(run_dir, reply["node"])
                copy.apply(reply["changes"], reply["node"])
                if reply["ended"] is not None:
                    if written_state(run_dir) in ACTIVE_STATES:
                        write_status(run_dir, state="failed", ended_at=time.time(),
                                     reason=f"the trainer on {reply['node']} ended without saying so "
                                            f"(exit code {reply['ended']})")
                    ray.get(actor.close.remote(), timeout=30)
                    return
                time.sleep(POLL_S)
        except ray.exceptions.RayActorError:
            remove_quietly(os.path.join(run_dir, "live.npz"))   # as a failed local run: no last weights view
            write_status(run_dir, state="failed", ended_at=time.time(),
                         reason=f"{NODE_LOST}: the cluster node it trained on went away; "
                                f"the checkpoints that arrived are kept")
        finally:
            print(f"{os.path.basename(run_dir)}: {copy.bytes_received} bytes received, checkpoints "
                  f"{copy.checkpoint_bytes}", flush=True)
            ray.kill(actor)   # frees its CPUs at once (and ends a trainer still going)

    def _poll(self, ray, actor, waiting):
        """The actor's reply; None when a Stop comes while the run still waits for CPUs."""
        ref = actor.poll.remote()
        while True:
            ready, _ = ray.wait([ref], timeout=POLL_S)
            if ready:
                return ray.get(ref)
            if waiting and self.stop_requested:
                return None

    def _started(self, run_dir, node):
        write_status(run_dir, node=node)
        if not self.promoted and os.path.exists(self.ticket):
            queue.promote(self.root, self.ticket, node=node)
            self.promoted = True


def main(argv):
    root, ticket, run_dirs = argv[0], argv[1], argv[2:]
    dispatcher = Dispatcher(root, ticket, run_dirs)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, dispatcher.request_stop)
    wait_for_launcher(run_dirs)   # its queued statuses (and the ticket before them), written right after our start
    try:
        cluster.connect(os.environ[cluster.ADDRESS_ENV])
    except Exception as e:
        for run_dir in run_dirs:
            write_status(run_dir, state="failed", ended_at=time.time(), reason=cluster.unreachable(e))
        queue.remove_ticket(ticket)
        return 1
    for signum in (signal.SIGTERM, signal.SIGINT):   # again: ray.init installs a handler that exits at once
        signal.signal(signum, dispatcher.request_stop)
    dispatcher.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
