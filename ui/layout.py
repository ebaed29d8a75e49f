"""The width a figure gets: measured in the browser, so square heatmap cells can fill it.

Streamlit tells Python nothing about the page's size, and a Plotly figure's height is fixed in its
layout: a heatmap sized for one window was a thin strip in a narrow one and half empty in a wide one.
`container_width(key)` mounts an empty element (a Streamlit v2 component) that reports its own width,
which is the width of the container it sits in, and reports it again when the window is resized; the
page reruns once with it. Before the first report (and in AppTest, which runs no JavaScript) it
returns `default`.
"""
import streamlit as st

# Widths are reported in steps of STEP_PX, and only when they change, so resizing a window reruns the
# page a few times, not at every pixel.
STEP_PX = 10
DEFAULT_PX = 700

_JS = f"""
export default function (component) {{
  const {{ parentElement, setStateValue, data }} = component;
  const box = parentElement instanceof ShadowRoot ? parentElement.host : parentElement;
  const known = data ? data.known : null;   // the width Python last drew with
  let sent = null;
  const check = () => {{
    const width = Math.floor(box.getBoundingClientRect().width / {STEP_PX}) * {STEP_PX};
    if (width > 0 && width !== known && width !== sent) {{ sent = width; setStateValue("width", width); }}
  }};
  // on resize (debounced), and once a second: a report lost in a rerun, or a style applied after the
  // first measurement, is caught up with (it stops as soon as Python draws with the width measured)
  let timer = null;
  const observer = new ResizeObserver(() => {{ clearTimeout(timer); timer = setTimeout(check, 200); }});
  observer.observe(box);
  const poll = setInterval(check, 1000);
  check();
  return () => {{ observer.disconnect(); clearTimeout(timer); clearInterval(poll); }};
}}
"""
_MEASURE = st.components.v2.component("attention_lab.container_width", js=_JS,
                                      css=":host { display: block; height: 0; }")


def container_width(key, default=DEFAULT_PX):
    """The width in px of the container this is called in (a tab, a column, the page), as the browser
    last reported it; `default` until it has. A hidden container (another tab) reports nothing."""
    state = st.session_state.get(key)
    known = state.get("width") if hasattr(state, "get") else None
    result = _MEASURE(key=key, data={"known": known}, on_width_change=lambda: None, height=0)
    width = getattr(result, "width", None)
    return int(width) if isinstance(width, (int, float)) and width > 0 else default


# Streamlit keeps 5rem of white on each side of the page's content down to small screens: in a 900 px
# window beside the 300 px sidebar that is 160 of 600 px, and a full-length date's heatmap had 10 px
# cells with row labels on top of each other. Below 1100 px the sides keep 1.5rem.
_NARROW_WINDOW_CSS = """<style>
@media (max-width: 1100px) {
  [data-testid="stMainBlockContainer"] { padding-left: 1.5rem; padding-right: 1.5rem; }
}
</style>"""


def page_style():
    """The app's few style rules (called once per run by app.py)."""
    st.html(_NARROW_WINDOW_CSS)
