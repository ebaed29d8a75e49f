"""Attention Lab: `streamlit run app.py`. This script only sets up the page and routes."""
import streamlit as st

import ui
from ui.routing import one_entry_per_page

ui.mark_routed()
st.set_page_config(page_title="Attention Lab", page_icon=":material/grid_on:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("pages/attention.py", title="Attention", icon=":material/grid_on:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
    st.Page("pages/errors.py", title="Errors", icon=":material/error:"),
    st.Page("pages/sweeps.py", title="Sweeps", icon=":material/stacked_line_chart:"),
]
page = st.navigation(pages)
ui.page_style()   # narrow windows: more room for the figures
one_entry_per_page()   # Back in the browser goes back a page
ui.resume_deep_link()
for problem in ui.setting_problems():   # the host's settings, checked: one line each, every page
    ui.plain_warning(problem)
page.run()
