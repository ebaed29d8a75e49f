"""The Train page's form with AppTest: the live estimate before Start (issue 20, item 4) and the Sweep tab
(issue 19, part 3): a sweep queued as one group of this browser's, stopped whole, linked to the Sweeps
page, and a grid over the host's cap refused before anything is queued."""
import os

from streamlit.testing.v1 import AppTest

from core import jobs, rundir
from core.rundir import listing, meta
from tests.test_app import APP, wait_for


def train_page(**secrets):
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in secrets.items():
        at.secrets[name] = value
    at.run()
    return at.switch_page("pages/train.py").run()


def estimate_text(at):
    """The estimate line (the one markdown with the clock icon)."""
    lines = [m.value for m in at.markdown if m.value.startswith(":material/schedule:")]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def errors(at):
    """The page's error lines as read (ui.plain_error escapes Markdown's characters with backslashes)."""
    return [e.value.replace("\\", "") for e in at.error]


def runs_under(artifacts):
    return set(listing.run_dirs(os.path.join(artifacts, "runs")))


def test_the_estimate_follows_the_settings_before_start(tiny_run, artifacts):
    before = runs_under(artifacts)
    at = train_page()
    # the book's setting: 45,000 training examples / 128 = 351 iterations an epoch
    assert "1,755 iterations (5 epochs of 351)" in estimate_text(at)
    assert not any("too short" in w.value for w in at.warning)
    at.number_input(key="train.epochs").set_value(10).run()
    ten = estimate_text(at)
    assert "3,510 iterations (10 epochs of 351)" in ten
    at.number_input(key="train.hidden").set_value(64).run()   # a smaller model: the same steps, less time
    assert "3,510 iterations" in estimate_text(at) and estimate_text(at) != ten

    at.number_input(key="train.size").set_value(5000).run()   # 35 an epoch: attention will not form
    at.number_input(key="train.epochs").set_value(3).run()
    assert "105 iterations (3 epochs of 35)" in estimate_text(at)
    assert any("105 iterations is too short for attention to form" in w.value for w in at.warning)
    at.selectbox(key="train.preset").set_value("fast").run()   # the fast preset needs half: still short
    assert any("about 500" in w.value for w in at.warning)
    at.number_input(key="train.epochs").set_value(20).run()   # 700 iterations at the fast rate: enough
    assert not any("too short" in w.value for w in at.warning)

    at.number_input(key="train.size").set_value(1_000_000).run()   # over the host's 60 minutes
    at.number_input(key="train.epochs").set_value(100).run()
    assert any("too big for this server" in e.value and "min of training" in e.value for e in at.error)
    assert not at.exception and runs_under(artifacts) == before   # all of it before any Start


def test_a_sweep_is_one_request_of_the_visitor_side_by_side_stopped_whole_and_linked(tiny_run, artifacts):
    before = runs_under(artifacts)
    at = train_page()
    at.number_input(key="train.size").set_value(20000)
    at.number_input(key="train.epochs").set_value(50)   # long: it is stopped by the test
    at.number_input(key="train.hidden").set_value(8)
    at.number_input(key="train.iter_checkpoints").set_value(0)
    at.text_input(key="train.sweep.lr").set_value("0.001, 0.003")
    at.text_input(key="train.sweep.seeds").set_value("0-1").run()
    assert any("**4 runs** (2 settings x 2 seeds)" in m.value for m in at.markdown)
    at.button(key="train.sweep.queue").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    made = sorted(runs_under(artifacts) - before)
    try:
        assert len(made) == 4 and sorted(at.session_state["train.watch"]) == made   # the page follows them
        about = [meta.read(d) for d in made]
        sweep_id = about[0]["sweep"]
        assert {a["sweep"] for a in about} == {sweep_id}
        assert {a["owner"] for a in about} == {meta.owner_hash(at.session_state["ui.owner_token"])}
        assert sorted(a["setting"] for a in about) == ["lr 0.001", "lr 0.001", "lr 0.003", "lr 0.003"]
        assert sorted((rundir.read_config(d).lr, rundir.read_config(d).seed) for d in made) == [
            (0.001, 0), (0.001, 1), (0.003, 0), (0.003, 1)]
        assert len({rundir.read_status(d)["pid"] for d in made}) == 4   # a process each: side by side
        assert wait_for(lambda: sum(rundir.read_status(d)["state"] == "running" for d in made) >= min(2, os.cpu_count()))   # 2 cores
        at.run()
        [table] = [d.value for d in at.dataframe if "setting" in d.value.columns]   # the group, with settings
        assert sorted(table["setting"]) == ["lr 0.001", "lr 0.001", "lr 0.003", "lr 0.003"]
        [link] = [link for link in at.get("page_link") if sweep_id in link.value]   # above the sweep's runs
        assert link.proto.query_string == f"sweep={sweep_id}" and "Sweeps page" in link.value

        # one request against the visitor's limit: a second sweep from this browser is refused
        again = AppTest.from_file(APP, default_timeout=60)
        again.session_state["ui.owner_token"] = at.session_state["ui.owner_token"]
        again.run().switch_page("pages/train.py").run()
        again.text_input(key="train.sweep.seeds").set_value("0")
        again.button(key="train.sweep.queue").click().run()
        assert any("limit is 1 per visitor" in e.value for e in again.error)
        assert runs_under(artifacts) - before == set(made)

        # the Sweeps page opens it from the link; its owner may stop it there, another visitor may not
        owner = AppTest.from_file(APP, default_timeout=60)
        owner.session_state["ui.owner_token"] = at.session_state["ui.owner_token"]
        owner.query_params["sweep"] = sweep_id
        owner.run().switch_page("pages/sweeps.py").run()
        assert owner.selectbox(key="sweeps.id").value == sweep_id
        assert "sweeps.stop" in [b.key for b in owner.button]
        other = AppTest.from_file(APP, default_timeout=60).run()
        other.switch_page("pages/sweeps.py").run()
        assert "sweeps.stop" not in [b.key for b in other.button]

        # Stop on the Train page ends the whole sweep: the runs training and those waiting
        assert wait_for(lambda: rundir.read_status(made[0])["state"] == "running")
        at.run()
        at.button(key="train.stop").click().run()
        assert wait_for(lambda: not listing.active_runs(os.path.join(artifacts, "runs")))
        assert [rundir.read_status(d)["state"] for d in made] == ["stopped"] * 4
    finally:
        for run_dir in made:
            jobs.stop(run_dir)
        for run_dir in made:
            jobs.wait(run_dir, timeout=30)
            meta.delete(run_dir, os.path.join(artifacts, "runs"))


def test_a_grid_over_the_cap_is_refused_before_anything_is_queued(tiny_run, artifacts):
    before = runs_under(artifacts)
    at = train_page(max_sweep_runs=3)
    at.text_input(key="train.sweep.lr").set_value("0.001, 0.003")
    at.text_input(key="train.sweep.seeds").set_value("0-1").run()
    refusal = "this grid makes 4 runs; this server takes at most 3 in one sweep"
    assert any(refusal in e for e in errors(at))   # said live, before the button
    at.button(key="train.sweep.queue").click().run()
    assert any(refusal in e for e in errors(at))
    assert runs_under(artifacts) == before and not at.exception

    at.text_input(key="train.sweep.seeds").set_value("0-x").run()   # a typo: one line, no traceback
    assert any("seeds are a range like 0-4" in e for e in errors(at)) and not at.exception
    at.text_input(key="train.sweep.seeds").set_value("0")
    at.text_input(key="train.sweep.hidden_size").set_value("64, big").run()
    assert any("whole numbers separated by commas" in e for e in errors(at)) and not at.exception


def test_the_sweeps_page_stops_a_sweep_whose_first_run_has_ended(tiny_run, artifacts):
    """Stop the whole sweep once went through a group's first run: once that one had finished, it
    stopped nothing ('Stopped 0 run(s)') while the rest of the sweep trained on."""
    root = os.path.join(artifacts, "runs")
    before = runs_under(artifacts)
    at = train_page()
    at.number_input(key="train.epochs").set_value(20)
    at.number_input(key="train.hidden").set_value(8)
    at.number_input(key="train.iter_checkpoints").set_value(0)
    at.text_input(key="train.sweep.data_size").set_value("1000, 20000")   # a short run, then a long one
    at.text_input(key="train.sweep.seeds").set_value("0")
    at.button(key="train.sweep.queue").click().run()
    made = sorted(runs_under(artifacts) - before)
    try:
        assert [rundir.read_config(d).data_size for d in made] == [1000, 20000]
        assert wait_for(lambda: rundir.read_status(made[0])["state"] == "finished", timeout=120)
        assert rundir.read_status(made[1])["state"] == "running"
        page = AppTest.from_file(APP, default_timeout=60)
        page.session_state["ui.owner_token"] = at.session_state["ui.owner_token"]
        page.query_params["sweep"] = meta.read(made[0])["sweep"]
        page.run().switch_page("pages/sweeps.py").run()
        page.button(key="sweeps.stop").click().run()
        assert [t.value.replace("\\", "") for t in page.toast] == ["Stopped 1 run(s)."]   # escaped Markdown
        assert wait_for(lambda: not listing.active_runs(root))
        assert [rundir.read_status(d)["state"] for d in made] == ["finished", "stopped"]
    finally:
        for run_dir in made:
            jobs.stop(run_dir)
        for run_dir in made:
            jobs.wait(run_dir, timeout=30)
            meta.delete(run_dir, root)
