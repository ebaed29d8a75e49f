"""The Train page's Sweep tab (issue 19, part 3): the data and settings of the form above, varied over a
grid of values and seeds, queued as one sweep owned by this browser (core/sweep.py queue), with the
number of runs and their estimated time shown live, and a link to the sweep on the Sweeps page.

The grid is core/training/sweep.py's (the command line's too). A sweep is one training request
against the visitor's limits (core.jobs.start_queue counts a sweep's groups once); the host caps the runs in one sweep
(`max_sweep_runs`) and each run is checked against the caps per run, like a single run.
"""
from dataclasses import replace

import streamlit as st

from core import sweep as sweeps
from core.errors import UserError
from core.model.registry import MODELS
from core.rundir import meta
from core.training import sweep
from core.training.config import PRESETS, preset
from core.training.estimate import estimate
from ui import settings
from ui.paths import RUNS_ROOT
from ui.plain import plain_error
from ui.train_estimate import about
from ui.train_form import FIELD_PX, SOURCES, checked_data, file_examples, for_this_server, overrides, row
from ui.visitors import is_host, requester

# swept setting -> (label, kind) for the comma-separated lists
LISTS = {"lr": ("Learning rates", float), "hidden_size": ("Hidden sizes", int),
         "batch_size": ("Batch sizes", int), "data_size": ("Data sizes (generator examples)", int)}
# swept setting -> (label, options, how an option reads) for the multiselects
CHOICES = {"model": ("Models", list(MODELS), str), "preset": ("Presets", list(PRESETS), str),
           "lstm_biases": ("LSTM biases", [1, 2], {1: "1 (the book's)", 2: "2 (PyTorch's)"}.get),
           "bidirectional": ("Encoder", [False, True], {False: "one way", True: "both ways"}.get)}


def max_runs():
    """The runs one sweep may make: the host's setting for visitors, the grid's own limit for the host."""
    return sweep.MAX_RUNS if is_host() else int(min(settings.number("max_sweep_runs"), sweep.MAX_RUNS))


def grid_inputs():
    """The tab's widgets -> (seeds text, {setting: [values]} of the settings given)."""
    seeds = st.text_input("Seeds", "0-4", key="train.sweep.seeds", width=FIELD_PX,
                          help="A range (0-4) or a list (1, 5, 9): every setting trains on each seed")
    values = {}
    with row():
        for name, (label, kind) in LISTS.items():
            values[name] = st.text_input(label, key=f"train.sweep.{name}", width=FIELD_PX,
                                         placeholder="as above", help="Values separated by commas")
    with row():
        for name, (label, options, shown) in CHOICES.items():
            values[name] = st.multiselect(label, options, format_func=shown, key=f"train.sweep.{name}",
                                          width=FIELD_PX, placeholder="as above")
    return seeds, values


def plan(form, seeds_text, given):
    """The sweep the tab describes -> (runs [(setting, config)] as this server trains them, [(setting
    label, warning)] for the settings too short for attention to form).
    UserError for a bad list, a grid over the cap or a run over a cap per run."""
    values = {n: sweep.parse_values(v, LISTS[n][1]) if n in LISTS else list(v) for n, v in given.items()}
    values = {n: v for n, v in values.items() if v}
    if "data_size" in values and form.source != SOURCES[0]:
        raise UserError("generator examples can be swept only with the built-in generator as the data")
    seeds = sweep.parse_seeds(seeds_text)
    count, cap = sweep.size(values, seeds), max_runs()
    if count > cap:
        raise UserError(f"this grid makes {count:,} runs; this server takes at most {cap:,} in one sweep: "
                        f"fewer seeds or values")
    # a swept preset starts from the book's setting (it sets the learning rate, a typed one aside)
    base = preset("book" if "preset" in values else form.preset_name, **overrides(form, form.model))
    try:
        runs = sweep.grid(values, seeds, base.checked(), PRESETS)
    except (ValueError, UserError) as e:
        raise UserError(f"this sweep: {e}") from None
    planned, short = [], []
    for setting, config in runs:
        try:
            config, note = for_this_server(config, file_examples(form))
        except UserError as e:
            raise UserError(f"{sweep.setting_label(setting)}: {e}") from None
        planned.append((setting, config))
        if note and all(label != sweep.setting_label(setting) for label, _ in short):
            short.append((sweep.setting_label(setting), note))
    return planned, short


def summary(form, runs, short):
    """What the sweep makes: runs, settings x seeds, the training time in all."""
    settings_count = len({setting for setting, _ in runs})
    total = sum(estimate(config, file_examples(form) or config.data_size).seconds for _, config in runs)
    st.markdown(f":material/grid_view: **{len(runs)} run{'s' * (len(runs) != 1)}** ({settings_count} "
                f"setting{'s' * (settings_count != 1)} x {len(runs) // settings_count} seed"
                f"{'s' * (len(runs) // settings_count != 1)}), about {about(total)} of training in "
                f"all (estimated; runs train side by side where cores are free).")
    if settings_count == 1 or not short:
        notes = [note for _, note in short]
    else:   # the settings named, then what the first says
        notes = [f"{len(short)} of the {settings_count} settings ({'; '.join(label for label, _ in short)[:300]}): "
                 f"{short[0][1]}"]
    for note in notes:
        st.warning(note, icon=":material/hourglass_empty:")
    return notes


def sweep_tab(form):
    """The Sweep tab. Queue: the runs as one sweep of this browser's; the page then follows them."""
    st.caption("Each run takes the data and settings above; a list below replaces its setting (blank: as "
               "above). Every combination trains on every seed, side by side as far as the server's cores "
               "allow; the sweep is one request, and Stop ends it whole.")
    seeds_text, given = grid_inputs()
    runs = None
    with st.container(key="train.sweep.plan"):   # its element count varies: the button keeps its place
        try:
            runs, short = plan(form, seeds_text, given)
            notes = summary(form, runs, short)
        except UserError as e:
            plain_error(e)
    if st.button("Queue the sweep", key="train.sweep.queue", icon=":material/stacked_line_chart:") and runs:
        try:
            fields, upload = checked_data(form)
            if fields.get("data") != "generator":   # the file's identity, as a single run records it
                runs = [(setting, replace(config, **fields)) for setting, config in runs]
            _, made = sweeps.queue(RUNS_ROOT, runs, requester=requester(), cores=settings.training_cores(),
                                   upload=upload, cluster=settings.cluster_address())
        except UserError as e:
            plain_error(e)
            return
        st.session_state["train.watch"] = made   # the page follows the sweep's runs
        st.session_state["train.notes"] = notes   # shown above the sweep's runs
        st.rerun()


def sweep_link(group):
    """A link to the Sweeps page when the followed group is a sweep."""
    sweep_id = meta.read(group[0]).get("sweep") if group else None
    if sweep_id:
        st.page_link("pages/sweeps.py", label=f"Open sweep {sweep_id} on the Sweeps page: its spread over seeds",
                     icon=":material/stacked_line_chart:", query_params={"sweep": sweep_id})

