"""Looking inside a decision (issue 22): the Attention page's views under "Look inside this decision",
and the Compare page's agreement of attention and gradients per checkpoint. The math is in
core/decoding/inspection.py, the figures in core/viz/inspection.py.

Each view computes only when it is picked (a segmented control, nothing picked costs nothing), so the
page's type-to-heatmap path is unchanged. The passes run on fresh layers over the cached model's
parameters (see core/decoding/inspection.py), so they take no model lock.
"""
import functools

import numpy as np
import streamlit as st

from core.decoding import inspection
from core.decoding.translation import Translation
from core.errors import UserError
from core.rundir import checkpoints
from core.viz import attention_heatmap
from core.viz import inspection as figures
from ui.evaluations import dataset, default_sources, describe, evaluation_data_applies
from ui.models import checkpoint_mtime, load
from ui.plain import escape_markdown, plain_error
from ui.runs import checkpoint_listing
from ui.shared import SharedCache
from ui.tasks import task_of

VIEWS = ["Teacher forcing", "Candidates", "Move the attention", "Attention vs gradients", "Embeddings"]
# The agreement over a file is averaged over a seeded sample of the data chosen on the Errors page (else
# the run's own test split, or fresh generated dates for a generator run): the same sample for every
# checkpoint, so the numbers compare. 100 examples: about 2.5 s for the tests' small model, 10 s for
# the demo's, measured in chunks with a progress bar, once per server for every visitor.
AGREEMENT_SAMPLE, AGREEMENT_CHUNK = 100, 20
_AGREEMENT = SharedCache(max_entries=256)   # (run, checkpoint, mtime, data) -> (mean rho, pairs, examples)


def look_inside(run, checkpoint, text, width=700):
    """The five views for one input at one checkpoint (the Attention page's expander, `width` px wide:
    its heatmaps are drawn for it, cells square and the confidence strip beside the map)."""
    model, vocab, config, _ = load(run["path"], checkpoint)
    if not inspection.supports(model):
        st.info("This run's model has no attention to look inside.")
        return
    view = st.segmented_control("View", VIEWS, default=VIEWS[0], key="inspect.view")
    try:
        if view == "Teacher forcing":
            teacher_forcing(model, vocab, config, text, task_of(run), width)
        elif view == "Candidates":
            candidates(model, vocab, config, text)
        elif view == "Move the attention":
            move_the_attention(model, vocab, config, text, width)
        elif view == "Attention vs gradients":
            against_gradients(run, checkpoint, model, vocab, config, text)
        elif view == "Embeddings":
            embeddings(run, checkpoint)
    except UserError as e:
        plain_error(e)


def teacher_forcing(model, vocab, config, text, task, width):
    st.caption("In training the decoder is fed the right answer, one character behind (teacher forcing); "
               "when it writes on its own it is fed its own last character. From the step where they part on, "
               "the free-running decoder builds on its own earlier characters; a mistake both make is not "
               "carried forward, the model makes it even when fed the right answer.")
    free = inspection.free_running(model, vocab, config, text, task=task)
    answer = free.result.expected
    if answer is None or len(answer) > vocab.output_length:
        st.info("The right answer of this input is unknown (" + ("the date parser cannot read it and it is not "
                "in the run's data" if task.dates else "it is not one of the run's questions") +
                "), so the decoder cannot be fed it.")
        return
    if not st.toggle("Feed the decoder the right answer (teacher forcing)", value=True, key="inspect.forcing"):
        st.plotly_chart(attention_heatmap(free.result, title="free-running", width=width), key="inspect.free_only",
                        width="content")
        return
    forced = inspection.teacher_forced(model, vocab, config, text, answer)
    st.text(f"Decoder input, step by step: {forced.fed}")
    part = inspection.first_difference(free.result.prediction, forced.result.prediction)
    if part is None and np.allclose(free.result.attention, forced.result.attention, atol=1e-6):
        st.success("Fed the right answer, the decoder writes the same characters and looks at the same places.")
        st.plotly_chart(attention_heatmap(forced.result, title="teacher-forced", width=width),
                        key="inspect.forced_only", width="content")
        return
    if part is None:
        st.info("Both write the same characters; the attention differs where the fed characters differ.")
    else:
        st.warning(f"They part at output step {part + 1}: on its own the model writes "
                   f"'{escape_markdown(free.result.prediction[part])}', fed the right answer "
                   f"'{escape_markdown(forced.result.prediction[part])}'.")
    left, right = st.columns(2)
    half = (width - 16) // 2   # st.columns' small gap
    left.plotly_chart(attention_heatmap(free.result, title="on its own", compact=True, width=half), key="inspect.free",
                      width="content")
    right.plotly_chart(attention_heatmap(forced.result, title="fed the right answer", compact=True, width=half),
                       key="inspect.forced", width="content")


def candidates(model, vocab, config, text):
    look = inspection.free_running(model, vocab, config, text)
    tops = inspection.candidates(look.probabilities, vocab, k=5)
    st.plotly_chart(figures.candidates_figure(look.result.prediction, tops, wrong=look.result.wrong,
                                              title="the five likeliest characters at each output step"),
                    key="inspect.candidates")
    hesitant = min(range(len(tops)), key=lambda t: tops[t][0][1])
    (first, p1), (second, p2) = tops[hesitant][:2]
    st.caption(f"Columns: the characters the model wrote; under each, its five candidates at that step, "
               f"likeliest on top. It hesitates most at step {hesitant + 1}: "
               f"'{escape_markdown(first)}' {p1:.1%} against '{escape_markdown(second)}' {p2:.1%}.")


def _clicked(chart_key, step_key, span_key, length):
    """A click on a heatmap cell fills the step and the input characters (a callback: before the widgets)."""
    points = st.session_state[chart_key].selection.points
    if points:
        x, y = int(round(points[0]["x"])), int(round(points[0]["y"]))
        if 0 <= x < length:
            st.session_state[step_key], st.session_state[span_key] = y, (x, x)


def _reset(step_key, span_key):
    st.session_state[step_key] = None
    st.session_state.pop(span_key, None)


def move_the_attention(model, vocab, config, text, width):
    text = text.strip()
    suffix = f"{vocab.input_width}.{text}"   # fresh widgets for each input: positions depend on it
    step_key, span_key, chart_key = (f"inspect.{name}.{suffix}" for name in ("step", "span", "chart"))
    original = inspection.free_running(model, vocab, config, text)
    T, L = len(original.result.prediction), len(text)
    st.caption("Click a cell (or pick below): the decoder writes again with that output step's attention put "
               "wholly on that input character (or spread over a span), and the steps after it follow.")
    left, middle, right = st.columns([2, 3, 1], vertical_alignment="bottom")
    step = left.selectbox("Output step", [None] + list(range(T)), key=step_key,
                          format_func=lambda t: "none" if t is None else f"{t + 1}: {original.result.prediction[t]}")
    span = middle.select_slider("Input characters", list(range(L)), value=(0, 0), key=span_key,
                                format_func=lambda s: f"{s + 1}: {text[s]}", disabled=step is None)
    right.button("Reset", key=f"inspect.reset.{suffix}", on_click=_reset, args=(step_key, span_key))
    shown = original
    if step is not None:
        positions = list(range(span[0], span[1] + 1))
        shown = inspection.free_running(model, vocab, config, text, force=(step, positions))
        before, after = original.result.prediction, shown.result.prediction
        changed = inspection.first_difference(before, after)
        with st.container(horizontal=True, wrap=True, key="inspect.moved"):
            st.metric("As the model decodes", before, border=True, width=250)
            st.metric("Attention moved", after, border=True, width=250,
                      delta="unchanged" if changed is None else f"changes from step {changed + 1}",
                      delta_color="off" if changed is None else "inverse")
    title = "click a cell to move its attention" if step is None else \
        f"step {step + 1} forced onto input {span[0] + 1}" + (f"-{span[1] + 1}" if span[1] > span[0] else "")
    spans = None if step is None else [(span[0], span[1] + 1) if t == step else None for t in range(T)]
    figure = figures.clickable_cells(attention_heatmap(shown.result, title=title, spans=spans, width=width))
    st.plotly_chart(figure, key=chart_key, width="content", selection_mode="points",
                    on_select=functools.partial(_clicked, chart_key, step_key, span_key, L))


def against_gradients(run, checkpoint, model, vocab, config, text):
    st.caption("Attention says where a step looks; the gradient says which input characters would change "
               "the written character most if they changed (gradient x input, summed over the embedding; "
               "integrated gradients average it on a path from a zero embedding). ρ: Spearman's rank "
               "correlation of the two rows, 1 = same order.")
    method = st.radio("Saliency", ["gradient x input", "integrated gradients (20 steps)"], horizontal=True,
                      key="inspect.saliency")
    found = inspection.attribution(model, vocab, config, text, integrated=method.startswith("integrated"))
    right = inspection.right_answer(found.text, task_of(run))
    wrong = Translation(found.text, found.prediction, found.attention, right).wrong   # as the heatmap marks them
    st.plotly_chart(figures.saliency_figure(found, wrong=wrong), key="inspect.saliency_pair")
    rho = found.correlation[np.isfinite(found.correlation)]
    st.metric("Mean ρ over the steps", f"{rho.mean():.3f}" if len(rho) else "-", border=True, width=220)
    source, described = agreement_data(run)
    if source is None:
        st.caption(described)
    elif st.button(f"Measure over {AGREEMENT_SAMPLE} examples of {escape_markdown(described)}",
                   key="inspect.agreement", help="The data chosen on the Errors page, else the run's test split."):
        mean, pairs, examples = agreement(run["path"], checkpoint, source)
        st.write(f"Mean ρ over {pairs:,} (example, output step) pairs of {examples} examples of "
                 f"{escape_markdown(described)} at this checkpoint: {mean:.3f}")


def agreement_data(run):
    """(the dataset key of ui.evaluations, its description) the agreement is measured over: the data the
    Errors page evaluates for this run, else the run's own test split, else fresh generated dates;
    (None, why) when the run's data cannot be read."""
    chosen = st.session_state.get("errors.dataset_key")
    if chosen and evaluation_data_applies(chosen, run["path"]):
        return chosen, describe(chosen)
    for key in default_sources(run["path"]):
        return key, describe(key)
    return None, "The agreement over a file needs the run's data, which cannot be read."


def agreement(run_dir, checkpoint, source, progress=None):
    """(mean rho, pairs, examples) of a checkpoint over a seeded sample of the source's examples the
    model can read, decoded in chunks (progress(done, total) after each), once per server."""
    def make():
        model, vocab, config, _ = load(run_dir, checkpoint)
        readable = [q for q in dataset(source).questions if len(q.strip()) <= vocab.input_width
                    and q.strip() and set(q) <= set(vocab.chars)]
        if not readable:
            raise UserError("none of these examples can be read by this model")
        rng = np.random.default_rng(0)
        sample = [readable[i] for i in sorted(rng.choice(len(readable), min(AGREEMENT_SAMPLE, len(readable)),
                                                         replace=False))]
        sums, pairs = 0.0, 0
        for start in range(0, len(sample), AGREEMENT_CHUNK):
            mean, count = inspection.agreement(model, vocab, config, sample[start:start + AGREEMENT_CHUNK])
            if count:
                sums, pairs = sums + mean * count, pairs + count
            if progress:
                progress(min(start + AGREEMENT_CHUNK, len(sample)), len(sample))
        return (sums / pairs if pairs else float("nan")), pairs, len(sample)

    key = (run_dir, checkpoint, checkpoint_mtime(run_dir, checkpoint), source, AGREEMENT_SAMPLE)
    if key in _AGREEMENT:
        return _AGREEMENT.get(key)
    bar = st.progress(0.0, text="Measuring the agreement...") if progress is None else None
    if progress is None:
        progress = lambda done, total: bar.progress(done / total, text=f"{done}/{total} examples")
    try:
        return _AGREEMENT.get_or_make(key, make, while_waiting=lambda: progress(0, AGREEMENT_SAMPLE))
    finally:
        if bar is not None:
            bar.empty()


def agreement_per_checkpoint(run):
    """The Compare page's number per checkpoint: does attention agree more with gradients as it forms?"""
    listing = checkpoint_listing(run["path"])
    source, described = agreement_data(run)
    if not st.toggle("Attention against gradients at every checkpoint (a few seconds each the first time)",
                     key="compare.agreement"):
        return
    if source is None:
        st.caption(described)
        return
    bar = st.progress(0.0)
    values = []
    for i, entry in enumerate(listing):
        def step(done, total, i=i, entry=entry):
            bar.progress((i + done / total) / len(listing),
                         text=f"{checkpoints.title(entry.name)}: {done}/{total} examples")
        try:
            values.append(agreement(run["path"], entry.name, source, step)[0])
        except UserError as e:
            bar.empty()
            plain_error(e)
            return
    bar.empty()
    st.plotly_chart(figures.agreement_figure([c.label or c.name for c in listing], values), key="compare.agreement_chart")
    st.caption(f"Mean Spearman ρ of attention and |gradient x input| over the same {AGREEMENT_SAMPLE} examples "
               f"of {escape_markdown(described)} and every output step, per checkpoint.")


def embeddings(run, checkpoint):
    """The character embeddings at every checkpoint, on shared axes; the slider starts at the page's
    checkpoint (keyed by it: another checkpoint picked on the page starts the slider there again)."""
    listing = checkpoint_listing(run["path"])
    names = [c.name for c in listing]
    labels = {c.name: c.label or c.name for c in listing}
    matrices, chars = [], None
    for name in names:
        model, vocab, _, _ = load(run["path"], name)
        matrices.append(model.encoder.embed.params["W"])
        chars = vocab.chars
    points = inspection.embedding_map(matrices)
    extent = 1.1 * max(float(np.abs(p).max()) for p in points)
    start = checkpoint if checkpoint in names else names[-1]
    picked = st.select_slider("Checkpoint", names, value=start, key=f"inspect.embedding_step.{start}",
                              format_func=labels.get) if len(names) > 1 else names[0]
    st.plotly_chart(figures.embedding_figure(points[names.index(picked)], chars, extent, title=labels[picked]),
                    key="inspect.embeddings")
    st.caption("The encoder's character embeddings projected on the last checkpoint's two principal axes, "
               "the same axes at every checkpoint: move the slider to watch digits and month letters "
               "separate as training goes.")
