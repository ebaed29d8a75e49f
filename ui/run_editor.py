"""The Runs page's editor of one run: rename and note it, stop it, delete it (with a confirmation);
for the host, stop many runs at once. Shown only to whoever may manage the run (ui.visitors.can_manage)."""
import streamlit as st

from core import jobs, rundir
from core.errors import UserError
from core.rundir import meta
from ui.host import host_actions
from ui.paths import RUNS_ROOT
from ui.plain import plain_error


def run_editor(row):
    """Rename and note (the owner or the host), Stop for an active run, Delete with a confirmation."""
    folder = row["run"]
    with st.form(f"home.edit.{folder}", border=False):
        name = st.text_input("Name", row["name"] if row["name"] != folder else "", max_chars=meta.MAX_NAME,
                             key=f"home.name.{folder}", placeholder=folder)
        note = st.text_area("Note", row["note"], max_chars=meta.MAX_NOTE, key=f"home.note.{folder}", height=80)
        if st.form_submit_button("Save name and note", key=f"home.save.{folder}"):
            try:
                meta.rename(row["path"], name)
                meta.set_note(row["path"], note)
                # the table, the pickers and the titles above were drawn with the old name: draw again
                st.session_state["home.saved"] = folder
                st.rerun()
            except UserError as e:
                plain_error(e)
    if st.session_state.pop("home.saved", None) == folder:
        st.toast("Saved: every page shows the new name.")
    host_actions(row)
    if row["state"] in rundir.ACTIVE_STATES:
        if st.button("Stop this run", key="home.stop", icon=":material/stop:"):
            jobs.stop(row["path"])
            st.toast("Stopping after the current iteration; finished epochs stay.")
        st.caption("A run that trains or waits cannot be deleted: stop it first.")
        return
    with st.popover("Delete...", icon=":material/delete:"):
        st.write("Delete this run and its checkpoints for good?")
        st.text(row["name"])
        if st.button("Delete it", type="primary", key="home.delete.confirm"):
            try:
                meta.delete(row["path"], RUNS_ROOT)
                st.session_state.pop("home.run", None)
                st.toast(f"Deleted {folder}.")
                st.rerun()
            except UserError as e:
                plain_error(e)
