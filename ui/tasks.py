"""A run's task on the pages (core/data/tasks.py, read once per run by core/rundir/task.py): the input
box starts at one of the run's own questions, the example buttons are the run's, and date-only panels
know when to step aside."""
import streamlit as st

from core.data import tasks
from ui.models import task as run_task
from ui.plain import escape_markdown


def task_of(run):
    """The Task of a run row (ui.run_picker's): dates, addition or another book-format task."""
    return run_task(run["path"])


def start_text(state_key, task):
    """Put the task's first example into the text box named state_key when it holds nothing yet, or
    still holds an example offered for a task of another kind (a date left in the box when an addition
    run is picked). What the visitor typed, or a link brought, is never replaced."""
    offered_key = f"{state_key}.offered"
    offered_kind, offered = st.session_state.get(offered_key, ("dates", tasks.DATE_EXAMPLES))
    current = st.session_state.get(state_key)
    if current is None or (offered_kind != task.kind and current in offered):
        st.session_state[state_key] = task.examples[0] if task.examples else ""
    st.session_state[offered_key] = (task.kind, tuple(task.examples))


def input_help(task, width):
    """The text box's help for this task."""
    if task.dates:
        return (f"A date as you would write it (this model reads up to {width} characters), or any "
                "string its vocabulary allows.")
    return (f"A {task.noun} as in the run's data (this model reads up to {width} characters); for one of "
            "the run's own questions the right answer is looked up in its data.")


def only_for_dates(task, what):
    """True for a date task; otherwise one line saying why `what` is not shown, and False."""
    if task.dates:
        return True
    like = f" (questions like {task.examples[0]!r})" if task.examples else ""
    st.caption(escape_markdown(f"{what} is for dates only: this run's task is {task.kind}{like}."))
    return False
