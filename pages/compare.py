"""Compare: one input through a run's checkpoints (side by side, step by step, replayed), and runs
against each other."""
import functools

import streamlit as st

import ui
from core import rundir, viz
from core.errors import UserError
from core.viz import curves
from ui.inspection import agreement_per_checkpoint

ui.require_router(__file__)
st.title("Compare")
ui.open_from_link("compare")
run = ui.run_picker("compare.run")
if run is None:
    st.stop()
listing = ui.checkpoint_listing(run["path"])
labels = {c.name: c.label or c.name for c in listing}
names = list(labels)                                   # training order

# Selections belong to one run: the checkpoint widgets are keyed by the run, so a run switch draws new
# widgets that start from their own defaults. A default, not a value set through session state: a value
# set by the server was lost when the width report reran the views' fragment before the browser had drawn
# the widget (Compare opened with no checkpoints in 3 and 4 of 8 loads), while a default travels with it.
RUN_KEY = ui.run_widget_key(run["path"])
EPOCHS_KEY, STEP_KEY = f"compare.epochs.{RUN_KEY}", f"compare.step.{RUN_KEY}"
DEFAULT_EPOCHS = sorted({names[0], names[len(names) // 2], names[-1]}, key=names.index)
if st.session_state.get("compare.shown_run") != run["path"]:
    st.session_state["compare.runs.reset"] = True
    st.session_state["compare.shown_run"] = run["path"]

ui.start_text("compare.text", ui.task_of(run))   # one of the run's own questions for an addition run
text = st.text_input("Input", key="compare.text", max_chars=100)
ui.sync_link("compare", run, text=text)


def translate_every_checkpoint():
    """{checkpoint: Translation} for every checkpoint, once per rerun for all three views (the replay
    needs them all); None, with the reason shown once, when the input cannot be read."""
    try:
        return {name: ui.translate(run["path"], name, text) for name in names}
    except UserError as e:
        ui.plain_error(e)
        return None


def checkpoints_side_by_side(results, width):
    chosen = st.multiselect("Checkpoints", names, default=DEFAULT_EPOCHS, key=EPOCHS_KEY, format_func=labels.get)
    chosen = sorted(chosen, key=names.index)            # training order, whatever the click order
    ui.side_by_side([results[n] for n in chosen], [labels[n] for n in chosen], [f"compare.side.{n}" for n in chosen],
                    width)


def step_through(results, width):
    step = st.select_slider("Checkpoint", names, value=names[-1], key=STEP_KEY, format_func=labels.get) \
        if len(names) > 1 else names[0]
    ui.heatmap_chart(results[step], "compare.stepper", title=f"{labels[step]}: {ui.mark(results[step])}", width=width,
                     file_name=ui.file_stem(ui.run_name(run), step))


def replay(results):
    log = ui.metrics_log(run["path"])   # the incremental reader the Train page uses
    loss = list(zip(log.iteration.tolist(), log.loss.tolist()))
    frames = [(labels[c.name], c.iteration, results[c.name]) for c in listing]
    figure = viz.replay_figure(frames, loss, title=f"{ui.run_name(run)}: {text.strip()}")
    st.plotly_chart(figure, key="compare.replay")
    st.caption("Press Play, or drag the slider: the heatmap steps through every checkpoint in training order "
               "and the red dot marks it on the loss curve.")
    st.download_button("Download the animation (HTML)", lambda: figure.to_html(include_plotlyjs=True),
                       file_name=f"{ui.file_stem('attention-replay', ui.run_name(run))}.html", mime="text/html", key="compare.replay_html",
                       help="A standalone page with the same animation; it works offline.")


def three_views(results, width):
    side, steps, replayed = st.tabs(["Side by side", "Step through", "Replay"], key="compare.view",
                                    on_change="rerun")   # Home's "watch it form" opens Replay
    with side:
        checkpoints_side_by_side(results, width)
    with steps:
        step_through(results, width)
    with replayed:
        replay(results)


if run["model"] != "attention":
    st.info(f"This run's model ({run['model']}) has no attention to show; its accuracy is compared below.")
else:
    results = translate_every_checkpoint()
    if results:
        ui.fitted("compare.width", functools.partial(three_views, results))   # the tabs' width, measured once
    agreement_per_checkpoint(run)   # does attention agree more with gradients as it forms? (issue 22)

st.subheader("Runs against each other")
everything = [r for r in ui.run_rows() if r["state"] != rundir.DAMAGED]   # damaged ones: listed on Runs
by_path = {r["path"]: r for r in everything}
queue_order = sorted(ui.queue_mates(run, everything), key=lambda p: by_path[p]["started_at"] or float("inf"))
if st.session_state.pop("compare.runs.reset", False) or "compare.runs" not in st.session_state:
    st.session_state["compare.runs"] = queue_order
picked = st.multiselect("Runs", list(by_path), key="compare.runs",
                        format_func=lambda p: ui.run_name(by_path[p]))


options = ui.curve_controls("compare.curves", default_x="iteration")
drawn = ui.curve_series(picked, {p: ui.run_name(by_path[p]) for p in picked})
# alignment is scored only for dates (each answer character's source is known): say so, never "yet"
unscored = {"test_accuracy": "no checkpoint scored yet", "alignment": "no checkpoint scored yet" if any(
    ui.task_of(by_path[p]).dates for p in picked) else "alignment is scored for date runs only"}
figures = [curves.loss_figure(drawn, x=options["x"], smoothing=options["smoothing"], log_y=options["log_y"])] + [
    curves.score_figure(drawn, x=options["x"], metrics=(metric,), title=title, y_title=curves.SCORE_LABELS[metric],
                        per_checkpoint=True, empty_text=unscored[metric], legend=False)   # the loss chart's names it
    for metric, title in (("test_accuracy", "Test accuracy per checkpoint"),
                          ("alignment", "Alignment score per checkpoint"))]
curves.share_x(figures)   # one x range: a checkpoint sits at the same place in the three charts
st.plotly_chart(figures[0], key="compare.loss")
left, right = st.columns(2)
left.plotly_chart(figures[1], key="compare.accuracy")
right.plotly_chart(figures[2], key="compare.alignment")
st.caption("A run has one color in all three charts, named in the loss chart's legend. Filled dots: epoch ends, scored on the whole test set; "
           "open dots: checkpoints inside an epoch, scored on a fixed subset of 500 test examples. Alignment: "
           "the mean attention an output character puts on the input character it is copied from (1 = all of "
           "it); runs without attention have none.")
ui.settings_table(picked, by_path)   # the settings that differ, highlighted
