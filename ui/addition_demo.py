"""The Train page's one-click addition demo (issue 20, item 10): the book's chapter 7 task, `16+75  _91  `,
generated here (core/data/addition.py, seeded, in the book's format) and trained by the attention model
as if it were an uploaded file, so the run keeps its data and every page reads its task from it."""
from dataclasses import replace

import streamlit as st

from core import data, jobs
from core.data import addition
from core.errors import UserError
from core.training.config import preset
from core.training.estimate import estimate, over_caps
from ui import settings
from ui.paths import RUNS_ROOT
from ui.plain import plain_error
from ui.visitors import class_code_accepted, is_host, requester

# Measured on 2026-12-02 on the 2-core server while other work ran (README, "Any task in the book's
# format"): `python -m core.train --data addition.txt --preset fast --epochs 10 --workers 1` reached 89.8%
# at epoch 10 in 734 s; the Train page's button 86.2% at epoch 9 and 77.1% at 10 in 354 s (the fast
# preset's last epochs wobble). Accuracy climbs from epoch 4 on, once attention has formed.
MEASURED = "about 6-12 minutes on this 2-core server, and 77-90% of the test sums right"
DEMO_SETTINGS = dict(model="attention", epochs=10, iter_checkpoints=8)
DEMO_SIZE, DEMO_SEED = addition.DEMO_SIZE, addition.DEMO_SEED   # read at each Start (a test makes them small)


def demo_config():
    """The demo's TrainConfig (the fast preset, the book's sizes); its data comes with the upload."""
    return preset("fast", **DEMO_SETTINGS)


def addition_demo():
    """A small section with one button: the addition demo starts (or joins the queue) and the page follows it."""
    with st.container(border=True, key="train.addition_demo"):
        st.markdown("**Not only dates: the addition demo**")
        st.caption(f"The book's chapter 7 task: {DEMO_SIZE:,} sums such as 16+75 = 91 (numbers up to "
                   f"{addition.MAX_OPERAND}, generated with seed {DEMO_SEED}), learnt by the attention "
                   f"model in {DEMO_SETTINGS['epochs']} epochs with the fast preset: {MEASURED}. Attention, "
                   "Compare and Errors then show sums and their right answers.")
        if st.button("Train the addition demo", key="train.addition", icon=":material/calculate:"):
            try:
                start()
            except UserError as e:
                plain_error(e)


def start():
    """Queue the demo for this visitor, with the host's limits and caps, as the form's Start does."""
    if not class_code_accepted(st.session_state.get("train.class_code", "")):
        raise UserError("this server trains only for its class: type the class code your teacher gave you "
                        "in the form above")
    upload = data.checked_upload(addition.FILE_NAME, addition.file_bytes(DEMO_SIZE, DEMO_SEED))
    config = demo_config()
    if not is_host():
        caps = settings.caps()
        problems = over_caps(estimate(config, DEMO_SIZE, vocab_size=14, input_width=addition.QUESTION_WIDTH,
                                      answer_length=addition.ANSWER_WIDTH), caps)
        if problems:
            raise UserError(f"too big for this server: {problems[0]}")
        config = replace(config, max_minutes=caps.minutes, max_checkpoint_mb=caps.disk_mb)
    config = replace(config, workers=settings.workers_per_run()).checked()
    st.session_state["train.watch"] = jobs.start_queue(RUNS_ROOT, [(config, "addition")], upload=upload,
                                                       requester=requester(), cores=settings.training_cores())
    st.session_state["train.notes"] = []
    st.rerun()
