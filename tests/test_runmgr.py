"""The run manager: a queue with one trainer, owners, and the Runs and Train pages built on them."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest

from core import data, jobs, rundir
from core.data import dates
from core.errors import UserError
from core.rundir import listing, meta
from core.training.config import TrainConfig
from tests.conftest import PROJECT_ROOT, run_module
from tests.test_app import wait_for

APP = os.path.join(PROJECT_ROOT, "app.py")
LONG_TINY = TrainConfig(data_size=20000, epochs=50, hidden_size=8, wordvec_size=4)
SHORT_TINY = TrainConfig(data_size=300, epochs=1, hidden_size=8, wordvec_size=4)
ALICE, BOB = "a" * 32, "b" * 32


def state(run_dir):
    return rundir.read_status(run_dir).get("state")


def stop_all(root):
    for run_dir in listing.active_runs(root):
        jobs.stop(run_dir)
    assert wait_for(lambda: not listing.active_runs(root))


# --- core: the queue ------------------------------------------------------------------------------

def test_a_second_start_queues_behind_the_first_and_starts_when_it_ends(tmp_path):
    root = str(tmp_path / "runs")
    results, barrier = [], threading.Barrier(2)

    def press_start(owner):
        barrier.wait()
        results.append(jobs.start(root, LONG_TINY, owner=owner, max_per_owner=1))

    threads = [threading.Thread(target=press_start, args=(o,)) for o in ("alice", "bob")]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 2                                            # nobody refused
        assert wait_for(lambda: any(state(r) == "running" for r in results))
        queue = jobs.queue_state(root)
        first = queue["current"]["runs"][0]
        second = next(r for r in results if r != first)
        assert [g["runs"] for g in queue["waiting"]] == [[second]]
        time.sleep(1.0)
        assert state(second) == "queued"                                    # one trainer at a time
        os.kill(rundir.read_status(first)["pid"], signal.SIGKILL)             # robust to a killed trainer
        assert wait_for(lambda: state(second) == "running")
        assert state(first) == "failed"
        assert jobs.queue_state(root)["current"]["runs"] == [second]
    finally:
        stop_all(root)


def test_one_request_per_visitor_by_default(tmp_path):
    root = str(tmp_path / "runs")
    try:
        jobs.start_queue(root, [(SHORT_TINY, "a"), (LONG_TINY, "b")], owner="alice", max_per_owner=1)
        with pytest.raises(UserError, match="limit is 1 per visitor"):
            jobs.start(root, SHORT_TINY, owner="alice", max_per_owner=1)
        jobs.start(root, SHORT_TINY, owner="bob", max_per_owner=1)          # another visitor may
        jobs.start(root, SHORT_TINY, owner="alice", max_per_owner=None)     # the host has no limit
        queue = jobs.queue_state(root)
        assert len(queue["waiting"]) + bool(queue["current"]) == 3
    finally:
        stop_all(root)


def test_stopping_a_waiting_group_cancels_it_and_keeps_the_queue_going(tmp_path):
    root = str(tmp_path / "runs")
    try:
        first = jobs.start(root, LONG_TINY, owner="alice")
        waiting = jobs.start_queue(root, [(SHORT_TINY, "x"), (SHORT_TINY, "y")], owner="bob")
        last = jobs.start(root, SHORT_TINY, owner="carol")
        assert wait_for(lambda: state(first) == "running")
        assert jobs.stop(waiting[0])
        assert wait_for(lambda: [state(r) for r in waiting] == ["stopped", "stopped"])
        assert wait_for(lambda: [g["runs"] for g in jobs.queue_state(root)["waiting"]] == [[last]])
        jobs.stop(first)
        assert wait_for(lambda: state(last) == "finished", timeout=120)
    finally:
        stop_all(root)


# --- core: names, notes, delete ---------------------------------------------------------------------

def fake_run(root, name, state="finished", owner=None, error=None):
    run_dir = os.path.join(root, name)
    os.makedirs(os.path.join(run_dir, "checkpoints"))
    rundir.write_json_atomic(os.path.join(run_dir, "config.json"), TrainConfig(hidden_size=64, seed=7).to_json())
    vocab = data.Vocab(dates.alphabet(), dates.INPUT_WIDTH, dates.ANSWER_LENGTH)
    rundir.write_json_atomic(os.path.join(run_dir, "vocab.json"), vocab.to_json())
    rundir.write_status(run_dir, state=state, pid=None, reason=error, started_at=time.time())
    rundir.append_metric(run_dir, {"type": "epoch", "epoch": 1, "iteration": 10, "test_accuracy": 0.25})
    if owner:
        meta.update(run_dir, owner=owner)
    return run_dir


@contextmanager
def pretend_training(run_dir):
    """A process whose command line is run_dir's training process (a run is running only with one)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "-m", "core.train",
                                "--run-dir", os.path.abspath(run_dir)])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def test_rename_note_and_delete_rules(tmp_path):
    root = str(tmp_path / "runs")
    run_dir = fake_run(root, "r1")
    meta.rename(run_dir, "  my\nfirst   run ")
    meta.set_note(run_dir, "lr too high?\n*not bold*")
    assert meta.read(run_dir) == {"name": "my first run", "note": "lr too high?\n*not bold*"}
    with pytest.raises(UserError, match="at most"):
        meta.rename(run_dir, "x" * 81)
    with pytest.raises(UserError, match="control"):
        meta.set_note(run_dir, "bell\x07")
    outside = fake_run(str(tmp_path), "demo")
    with pytest.raises(UserError, match="demo run stays"):
        meta.delete(outside, root)
    active = fake_run(root, "r2", state="running")
    with pretend_training(active) as pid:
        rundir.write_status(active, pid=pid)                                   # its training process: running
        with pytest.raises(UserError, match="stop it"):
            meta.delete(active, root)
    os.makedirs(os.path.join(root, "uploads"))
    with pytest.raises(UserError, match="not a run"):
        meta.delete(os.path.join(root, "uploads"), root)
    meta.delete(run_dir, root)
    assert not os.path.exists(run_dir) and os.path.exists(active) and os.path.exists(outside)


# --- pages -------------------------------------------------------------------------------------------

def session(token, page=None, host_password=None, host=False):
    """One browser: its owner token set as the cookie would set it."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["workers_per_run"] = 2   # each run takes both cores: the queue these tests follow forms
    at.session_state["ui.owner_token"] = token
    if host_password:
        at.secrets["host_password"] = host_password
        at.session_state["ui.host"] = host
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def runs_root(artifacts):
    root = os.path.join(artifacts, "runs")
    os.makedirs(root, exist_ok=True)
    made = []
    yield root, made
    for run_dir in made:
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def small_run(artifacts):
    """A one-epoch run of a tiny model (seconds to train), with a checkpoint to open."""
    run_dir = os.path.join(artifacts, "runs", "zz-small")
    run_module("core.train", "--run-dir", run_dir, "--quiet", "--data-size", "300", "--epochs", "1",
               "--hidden-size", "8", "--wordvec-size", "4", check=True)
    yield run_dir
    shutil.rmtree(run_dir, ignore_errors=True)


def test_runs_page_rename_note_and_delete_with_confirmation(runs_root):
    root, made = runs_root
    mine = fake_run(root, "zz-mine", owner=meta.owner_hash(ALICE))
    made.append(mine)
    at = session(ALICE)
    table = at.dataframe[0].value.set_index("run")
    assert table.loc["zz-mine", "hidden"] == 64 and table.loc["zz-mine", "seed"] == 7
    assert bool(table.loc["zz-mine", "yours"])
    at.selectbox(key="home.run").set_value(mine).run()
    at.text_input(key="home.name.zz-mine").input("first try **bold**")
    at.text_area(key="home.note.zz-mine").input("# not a heading")
    at.button(key="home.save.zz-mine").click().run()
    assert not at.exception
    assert meta.read(mine)["name"] == "first try **bold**" and meta.read(mine)["note"] == "# not a heading"
    at.run()
    assert at.dataframe[0].value.set_index("run").loc["zz-mine", "name"] == "first try **bold**"
    assert any("# not a heading" == t.value for t in at.get("text"))           # plain text, not Markdown
    assert not any("not a heading" in m.value for m in at.markdown)
    at.button(key="home.delete.confirm").click().run()                          # the confirmation button
    assert not at.exception and not os.path.exists(mine)
    assert not at.dataframe or "zz-mine" not in list(at.dataframe[0].value["run"])


def test_demo_and_other_visitors_runs_cannot_be_changed(runs_root, tiny_run):
    root, made = runs_root
    theirs = fake_run(root, "zz-theirs", owner=meta.owner_hash(BOB))
    made.append(theirs)
    at = session(ALICE)
    at.selectbox(key="home.run").set_value(tiny_run).run()
    assert "home.delete.confirm" not in [b.key for b in at.button]
    assert any("cannot be renamed or deleted" in c.value for c in at.caption)
    at.selectbox(key="home.run").set_value(theirs).run()
    assert "home.delete.confirm" not in [b.key for b in at.button]
    assert any("another visitor" in c.value for c in at.caption)
    host = session(ALICE, host_password="pw", host=True)                       # the host manages all
    host.selectbox(key="home.run").set_value(theirs).run()
    host.button(key="home.delete.confirm").click().run()
    assert not os.path.exists(theirs)


def test_runs_page_opens_a_run_in_attention(small_run):
    at = session(ALICE)
    at.selectbox(key="home.run").set_value(small_run).run()
    at.button(key="home.open.attention").click().run()
    assert not at.exception
    assert at.session_state["attention.run"] == small_run
    assert at.get("plotly_chart")                                               # the heatmap page


def press_start(at, button="train.start"):
    at.number_input(key="train.size").set_value(20000)
    at.number_input(key="train.epochs").set_value(50)
    at.number_input(key="train.hidden").set_value(8)
    at.number_input(key="train.wordvec").set_value(4)
    at.button(key=button).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def test_second_visitor_queues_sees_the_queue_and_cannot_stop_the_first(runs_root):
    root, _ = runs_root
    alice = session(ALICE, "train")
    press_start(alice)
    try:
        [first] = listing.active_runs(root)
        assert wait_for(lambda: state(first) == "running")
        bob = session(BOB, "train")
        assert "train.stop" not in [b.key for b in bob.button]                 # Alice's run: watch only
        assert any("another visitor" in c.value for c in bob.caption)
        press_start(bob)
        [second] = [r for r in listing.active_runs(root) if r != first]
        assert state(second) == "queued"
        bob.run()
        assert any("number 1 in line" in e.label for e in bob.expander)
        assert "train.stop" in [b.key for b in bob.button]                     # Bob may stop his own
        again = session(BOB, "train")                                          # Bob's second tab
        again.button(key="train.start").click().run()
        assert any("limit is 1 per visitor" in e.value for e in again.error)
        alice.run()
        alice.button(key="train.stop").click().run()
        assert wait_for(lambda: state(first) == "stopped")
        assert wait_for(lambda: state(second) == "running")
    finally:
        stop_all(root)


def test_train_page_follows_the_whole_comparison_queue(runs_root):
    root, _ = runs_root
    at = session(ALICE, "train")
    press_start(at, "train.comparison")
    try:
        group = listing.active_runs(root)
        assert len(group) == 3
        assert wait_for(lambda: state(group[0]) == "running")
        at.run()
        rows = at.dataframe[0].value
        assert list(rows["run"]) == [os.path.basename(r) for r in group]
        assert list(rows["state"])[1:] == ["queued", "queued"]
        jobs.stop(group[0])
        assert wait_for(lambda: not listing.active_runs(root))
        at.run()
        assert list(at.dataframe[0].value["state"]) == ["stopped"] * 3          # all three, after the end
    finally:
        stop_all(root)
