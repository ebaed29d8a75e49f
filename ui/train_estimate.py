"""The Train form's live estimate (issue 20, item 4): before Start, the iterations and the training
time the chosen settings make, with the memory and the checkpoints' disk; a warning when the run ends
before attention usually forms; a cap of the host's the run is over (core/training/estimate.py). The
form and this panel share one fragment (pages/train.py), so the panel follows every change of a
setting, not only a press of Start."""
import streamlit as st

from core.errors import UserError
from core.training.config import preset
from core.training.estimate import estimate
from ui.formatting import format_duration
from ui.plain import plain_error
from ui.train_form import examples, file_examples, for_this_server, overrides


def about(seconds):
    """An estimated duration: 'under a second' rather than '0 s' for a tiny model."""
    return "under a second" if seconds < 1 else format_duration(seconds)


def describe(cost, epochs):
    """'1,755 iterations (5 epochs of 351), about 2 min 10 s of training': what a run will take."""
    per_epoch = cost.iterations // max(epochs, 1)
    return (f"{cost.iterations:,} iterations ({epochs} epoch{'s' * (epochs != 1)} of {per_epoch:,}), "
            f"about {about(cost.seconds)} of training")


def estimate_panel(form):
    """One container (its element count varies; the buttons after it keep their places)."""
    with st.container(key="train.estimate"):
        count = examples(form)
        if count is None:
            st.caption("Choose the data to see how many iterations the run makes and how long it takes.")
            return
        try:
            config = preset(form.preset_name, **overrides(form, form.model)).checked()
            cost = estimate(config, count)
            st.markdown(f":material/schedule: {describe(cost, config.epochs)} on this server (estimated).")
            st.caption(f"Memory about {cost.memory_mb:,.0f} MB; {cost.checkpoints} checkpoints, about "
                       f"{cost.disk_mb:,.0f} MB of disk.")
            _, too_short = for_this_server(config, file_examples(form))   # UserError: over a host's cap
        except UserError as e:
            plain_error(e)
            return
        if too_short:
            st.warning(too_short, icon=":material/hourglass_empty:")
