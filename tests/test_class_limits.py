"""Issue 18's limits for a class on one server: a fair share of the trainer against a person who makes
new sessions, the host's one action that stops many runs, caps per run (estimated before Start and
enforced while training), a throttled host password, settings checked."""
import os
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import jobs, rundir
from core.errors import UserError
from core.rundir import listing
from core.training import loop
from core.training.config import TrainConfig
from core.training.estimate import Caps, estimate, over_caps
from tests.test_app import APP
from ui import host

LONG_TINY = TrainConfig(data_size=20000, epochs=50, hidden_size=8, wordvec_size=4)


def stop_everything(root):
    jobs.stop_all(root)
    for run_dir in listing.run_dirs(root):
        jobs.wait(run_dir, timeout=30)


def test_fresh_sessions_from_one_address_do_not_fill_the_queue(tmp_path):
    """21 sessions without a cookie (new owner tokens) from one address: the address's limit holds."""
    root = str(tmp_path / "runs")
    accepted, refused = [], []
    try:
        for n in range(21):
            who = jobs.Requester(owner=f"fresh-session-{n}", client="one-address", max_per_owner=1,
                                 max_per_client=3)
            try:
                accepted += jobs.start_queue(root, [(LONG_TINY, "x")], requester=who)
            except UserError as e:
                refused.append(str(e))
        assert len(accepted) == 3 and len(refused) == 18 and "per address" in refused[0]
        other = jobs.Requester(owner="honest", client="another-address", max_per_owner=1, max_per_client=3)
        assert jobs.start_queue(root, [(LONG_TINY, "x")], requester=other)   # an honest visitor still gets in
    finally:
        stop_everything(root)


def test_new_requests_from_one_address_are_rate_limited(tmp_path):
    root = str(tmp_path / "runs")
    who = lambda n: jobs.Requester(owner=f"s{n}", client="busy", starts_per_minute=2)   # noqa: E731
    try:
        for n in range(2):
            run_dir = jobs.start_queue(root, [(LONG_TINY, "x")], requester=who(n))[0]
            jobs.stop(run_dir)
            jobs.wait(run_dir, timeout=30)
        with pytest.raises(UserError, match="a minute"):
            jobs.start_queue(root, [(LONG_TINY, "x")], requester=who(3))
    finally:
        stop_everything(root)


def test_the_host_stops_every_run_of_one_visitor_or_the_whole_queue(tmp_path):
    root = str(tmp_path / "runs")
    try:
        mallory = [jobs.start_queue(root, [(LONG_TINY, "m")], owner="mallory")[0] for _ in range(3)]
        alice = jobs.start_queue(root, [(LONG_TINY, "a")], owner="alice")[0]
        assert jobs.stop_all(root, owner="mallory") == 3
        for run_dir in mallory:
            jobs.wait(run_dir, timeout=30)
        assert {rundir.read_status(d)["state"] for d in mallory} == {"stopped"}
        assert rundir.read_status(alice)["state"] in rundir.ACTIVE_STATES
        assert jobs.stop_all(root) == 1
    finally:
        stop_everything(root)


def test_the_forms_maxima_are_refused_with_the_setting_to_lower():
    """The probe's run: 1,000,000 examples, 100 epochs, hidden 1024, embedding 256, batch 1024,
    100 checkpoints inside: 87,800 iterations, days of training, gigabytes of checkpoints."""
    config = TrainConfig(data_size=1_000_000, epochs=100, hidden_size=1024, wordvec_size=256, batch_size=1024,
                         iter_checkpoints=100)
    cost = estimate(config, 1_000_000)
    assert cost.iterations == 87_800 and cost.seconds > 100 * 3600 and cost.disk_mb > 5000
    problems = over_caps(cost, Caps())
    assert len(problems) == 3
    assert "lower the epochs" in problems[0] and "batch size" in problems[1] and "checkpoints" in problems[2]
    assert over_caps(estimate(TrainConfig(epochs=5), 50_000), Caps()) == []   # the form's default fits


def test_start_refuses_a_run_over_the_caps(tiny_run, artifacts):
    before = listing.run_dirs(os.path.join(artifacts, "runs"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["max_run_minutes"] = 1
    at.run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="train.epochs").set_value(100)
    at.button(key="train.start").click().run()
    shown = [e.value.replace("\\", "") for e in at.error]   # plain text: Markdown characters escaped
    assert any("too big for this server" in e and "lower the epochs" in e for e in shown), shown
    assert listing.run_dirs(os.path.join(artifacts, "runs")) == before   # nothing queued


def test_a_class_code_is_needed_to_start_when_the_host_sets_one(tiny_run):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["class_code"] = "tuesday"
    at.run()
    at.switch_page("pages/train.py").run()
    at.text_input(key="train.class_code").set_value("monday").run()
    at.button(key="train.start").click().run()
    assert any("class code" in e.value for e in at.error)


@pytest.mark.parametrize("cap", ["time", "disk"])
def test_a_run_that_reaches_a_cap_stops_with_whole_checkpoints(tmp_path, cap):
    run_dir = str(tmp_path / "run")
    caps = {"max_minutes": 0.02} if cap == "time" else {"max_checkpoint_mb": 0.05}
    config = TrainConfig(data_size=20000, epochs=40, hidden_size=16, wordvec_size=8, batch_size=32, workers=1,
                         iter_checkpoints=4, **caps)
    start = time.monotonic()
    status = loop.train(config, run_dir)
    assert status["state"] == "stopped" and status["reason"].startswith(f"{cap} cap"), status
    assert time.monotonic() - start < 60
    saved = rundir.list_checkpoints(run_dir)
    for c in saved:   # every checkpoint written loads whole
        rundir.load_model(run_dir, c.name)
    if cap == "disk":
        total = sum(os.path.getsize(rundir.checkpoint_path(run_dir, c.name)) for c in saved)
        assert saved and total <= 0.05e6


def test_host_password_guesses_wait_longer_and_longer():
    key = f"test-{time.time()}"
    now = 1000.0
    for _ in range(host.FREE_TRIES):
        assert host.wait_left(key, now) == 0
        host.note_failure(key, now)
    waits = []
    for _ in range(4):
        waits.append(host.wait_left(key, now))
        host.note_failure(key, now)
    assert waits == [2.0, 4.0, 8.0, 16.0]
    assert host.wait_left(key, now + 31.0) == 1.0 and host.wait_left(key, now + 32.0) == 0   # the next: 32 s


def test_wrong_secrets_are_named_in_one_line_and_the_defaults_kept(tiny_run, monkeypatch):
    monkeypatch.setenv("ATTENTION_LAB_MAX_DATA_MB", "inf")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["max_runs_per_visitor"] = "lots"
    at.run()
    assert not at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]
    assert any("max_runs_per_visitor" in w and "using 1" in w for w in shown)
    assert any("ATTENTION_LAB_MAX_DATA_MB" in w for w in shown)


def test_two_runs_named_alike_are_told_apart_in_every_picker(tiny_run, artifacts):
    import shutil

    from core.rundir import meta
    from ui.pickers import run_label
    twin = os.path.join(artifacts, "runs", "twin")
    shutil.copytree(tiny_run, twin)
    try:
        meta.rename(twin, "demo")   # another run's folder name
        rows = listing.RunIndex().rows(tiny_run, twin)
        labels = [run_label(r) for r in rows]
        assert len(set(labels)) == 2 and any("[twin]" in label for label in labels)
    finally:
        shutil.rmtree(twin)


def test_an_evaluation_asked_twice_at_once_is_made_once():
    import threading

    from ui.shared import SharedCache
    cache, made, gate = SharedCache(4), [], threading.Event()

    def make():
        made.append(1)
        gate.wait(5)
        return np.arange(3)

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_make("k", make))) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join()
    assert len(made) == 1 and len(results) == 3


def test_a_failed_maker_leaves_the_work_to_the_next_caller():
    from ui.shared import SharedCache
    cache = SharedCache(4)
    with pytest.raises(RuntimeError):
        cache.get_or_make("k", lambda: (_ for _ in ()).throw(RuntimeError("cancelled")))
    assert cache.get_or_make("k", lambda: 7) == 7


def test_one_sessions_wrong_passwords_do_not_lock_out_another_session(tiny_run):
    def login(at, password):
        at.text_input(key="ui.host.password").set_value(password)
        next(b for b in at.button if b.label == "Log in").click().run()
        return [e.value for e in at.error]

    guesser = AppTest.from_file(APP, default_timeout=60)
    guesser.secrets["host_password"] = "right"
    guesser.run()
    for _ in range(host.FREE_TRIES + 1):
        said = login(guesser, "wrong")
    assert any("try again in" in e for e in said)          # this session now waits
    teacher = AppTest.from_file(APP, default_timeout=60)
    teacher.secrets["host_password"] = "right"
    teacher.run()
    assert login(teacher, "right") == [] and teacher.session_state["ui.host"]   # another session does not
