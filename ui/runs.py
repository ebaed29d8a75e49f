"""The runs as every page sees them: one cached listing (core.rundir.listing), each run's metrics read
incrementally and shared by every session, its checkpoints, and its curves.

One RunIndex and one MetricsCache per server process: a rerun of any page stats the run files instead of
reading them, so a page costs about the same with 200 runs as with the demo alone.
"""
import os
import re


from core import rundir
from core.errors import UserError
from core.rundir import checkpoints, listing
from core.rundir.metrics import MetricsCache
from core.viz import curves
from ui.paths import DEMO_RUN, RUNS_ROOT

# What "best accuracy" means wherever a page shows it (the listing's best_accuracy).
BEST_ACCURACY_HELP = ("The best test accuracy at the end of an epoch, on the run's whole test split "
                      "(checkpoints inside an epoch are scored on a 500-example subset and do not count).")
QUEUED_NAME = re.compile(r"^(\d{8}-\d{6}-(?:\d+-)?)\d+-")   # <start stamp>-<n>-<model>: a queue's runs


# One of each per server process, as module globals rather than st.cache_resource: a visitor's
# "clear cache" message empties Streamlit's caches, and must not make every page re-read every run.
# Room for every run a class makes: a run dropped from the metrics cache is read whole when next listed.
_METRICS = MetricsCache(max_runs=1000)
_INDEX = listing.RunIndex(_METRICS)


def run_name(row):
    """A run's name, with its folder when it was renamed: folders are unique, names need not be (two
    runs renamed alike, or a run renamed to another's folder, are still told apart)."""
    return row["name"] if row["name"] == row["run"] else f"{row['name']} [{row['run']}]"


def name_of(run_dir):
    """run_name of a run directory, read through the shared index: a rename shows at once everywhere."""
    return run_name(_INDEX.row(run_dir))


def metrics_log(run_dir):
    """The run's metrics, read incrementally and shared by every session (core.rundir.metrics.MetricsLog)."""
    return _METRICS.get(run_dir)


def run_rows():
    """Rows (core.rundir.listing) of the demo run and every run under RUNS_ROOT, newest first after the demo."""
    rows = _INDEX.rows(DEMO_RUN, RUNS_ROOT)   # one call: the index keeps the rows of both roots
    demo = [r for r in rows if os.path.normpath(r["path"]) == os.path.normpath(DEMO_RUN)]
    others = [r for r in rows if os.path.normpath(r["path"]) != os.path.normpath(DEMO_RUN)]
    return demo[:1] + sorted(others, key=lambda r: r["started_at"] or 0, reverse=True)


def checkpoint_listing(run_dir):
    """The run's checkpoints in training order with their scores, from its shared metrics log."""
    log = metrics_log(run_dir)
    return checkpoints.list_checkpoints(run_dir, log.epochs + log.other)


def queue_mates(run, everything):
    """The run's path and those started in the same queue with it (the book's comparison, say)."""
    match = QUEUED_NAME.match(run["run"])
    if not match:
        return [run["path"]]
    return [r["path"] for r in everything if r["run"].startswith(match.group(1)) and QUEUED_NAME.match(r["run"])]


def curve_series(run_dirs, names=None):
    """A curves.Series per run that has a config (its loss, epoch and checkpoint records), for the
    overlays of Train and Compare; a run whose config went bad is left out, not a broken page."""
    found = []
    for run_dir in run_dirs:
        try:
            config = rundir.read_config(run_dir)
        except UserError:
            continue
        name = (names or {}).get(run_dir) or name_of(run_dir)
        found.append(curves.series_from_log(name, metrics_log(run_dir), config.batch_size,
                                            rundir.read_status(run_dir).get("iters_per_epoch")))
    return found
