"""The width a figure gets: measured in the browser, so square heatmap cells can fill it.

Streamlit tells Python nothing about the page's size, and a Plotly figure's height is fixed in its
layout: a heatmap sized for one window was a thin strip in a narrow one and half empty in a wide one.
`container_width(key)` mounts an empty element (a Streamlit v2 component) that reports its own width,
which is the width of the container it sits in, and reports it again when the window is resized; a
report reruns the script once with it. Before the first report (and in AppTest, which runs no
JavaScript) it returns `default`.

Pages draw through `fitted(key, draw)`: the measurement and the figure in a fragment of their own, so a
report reruns the figure alone, never the page. A report that reran the page, in the first second after
a link or a run switch had set a widget's value from the server (the text box, the checkpoint slider),
replaced that widget's element before the browser had drawn it (Streamlit loads a widget's code lazily;
under load that takes seconds): the browser then drew the widget with its default (an empty box,
"iteration 0") while the server held the link's value, and the next rerun sent the default back.
"""
import streamlit as st

# Widths are reported in steps of STEP_PX, and only when they change, so resizing a window reruns the
# page a few times, not at every pixel.
STEP_PX = 10
DEFAULT_PX = 700
RETRY_MS = 2500
RETRIES = 2

# Streamlit calls a v2 component's function again whenever its data changes (here: the width Python drew
# with), without calling the cleanup the previous call returned (measured in Chromium with Streamlit
# 1.67: four calls, no cleanup). So the probe keeps its state on its element, and only the first call
# starts the observer and the timer; later calls update what Python drew with. Before, every new width
# left one more probe behind with the old width, which re-sent reports the page had already drawn.
_JS = f"""
export default function (component) {{
  const {{ parentElement, setStateValue, data }} = component;
  const box = parentElement instanceof ShadowRoot ? parentElement.host : parentElement;
  const probe = box.widthProbe || (box.widthProbe = {{ sent: null, sentAt: 0, retries: 0 }});
  probe.known = data ? data.known : null;   // the width Python last drew with
  probe.report = setStateValue;
  if (probe.stop) return probe.stop;        // already measuring this element
  const check = () => {{
    const width = Math.floor(box.getBoundingClientRect().width / {STEP_PX}) * {STEP_PX};
    if (width <= 0 || width === probe.known) return;
    if (width !== probe.sent) {{ probe.retries = 0; }}
    // a report whose rerun never came (two figures' reports at once under load: measured, one of them
    // stayed at the default width) is sent again after RETRY_MS, at most RETRIES times
    else if (Date.now() - probe.sentAt < {RETRY_MS} || probe.retries >= {RETRIES}) {{ return; }}
    else {{ probe.retries += 1; }}
    probe.sent = width; probe.sentAt = Date.now(); probe.report("width", width);
  }};
  // on resize (debounced), and once a second: a report lost in a rerun, or a style applied after the
  // first measurement, is caught up with (it stops as soon as Python draws with the width measured)
  let timer = null;
  const observer = new ResizeObserver(() => {{ clearTimeout(timer); timer = setTimeout(check, 200); }});
  observer.observe(box);
  const poll = setInterval(check, 1000);
  check();
  probe.stop = () => {{ observer.disconnect(); clearTimeout(timer); clearInterval(poll); delete box.widthProbe; }};
  return probe.stop;
}}
"""
_MEASURE = st.components.v2.component("attention_lab.container_width", js=_JS,
                                      css=":host { display: block; height: 0; }")


def container_width(key, default=DEFAULT_PX):
    """The width in px of the container this is called in (a tab, a column, the page), as the browser
    last reported it; `default` until it has. A hidden container (another tab) reports nothing."""
    known = last_width(key, None)
    result = _MEASURE(key=key, data={"known": known}, on_width_change=lambda: None, height=0)
    width = getattr(result, "width", None)
    return int(width) if isinstance(width, (int, float)) and width > 0 else default


def last_width(key, default=DEFAULT_PX):
    """The width the browser last reported for container_width(key), without measuring again: for an
    element as wide as that one (the Attention page's expander under its heatmap), whose own probe would
    rerun the page."""
    state = st.session_state.get(key)
    width = state.get("width") if hasattr(state, "get") else None
    return int(width) if isinstance(width, (int, float)) and width > 0 else default


def fitted(key, draw, default=DEFAULT_PX):
    """Call draw(width) with the width of the container this is called in, measured as
    container_width(key) does, inside a fragment: the browser's width report reruns this fragment
    only, never the page's other widgets (see the module's note). Widgets drawn by `draw` rerun the
    fragment too, so `draw` holds the figure and the controls only it reads."""
    _fitted(key, draw, default)


@st.fragment
def _fitted(key, draw, default):
    draw(container_width(key, default))


# Streamlit keeps 5rem of white on each side of the page's content down to small screens: in a 900 px
# window beside the 300 px sidebar that is 160 of 600 px, and a full-length date's heatmap had 10 px
# cells with row labels on top of each other. Below 1100 px the sides keep 1.5rem.
# Home's first steps and the demo's map stack there too: side by side, the map's column was 213 px and
# its labels 7 px high.
_NARROW_WINDOW_CSS = """<style>
@media (max-width: 1100px) {
  [data-testid="stMainBlockContainer"] { padding-left: 1.5rem; padding-right: 1.5rem; }
  .st-key-home-landing [data-testid="stHorizontalBlock"] { flex-direction: column; }
  .st-key-home-landing [data-testid="stColumn"] { width: 100% !important; flex: 1 1 auto !important; }
}
</style>"""


def page_style():
    """The app's few style rules (called once per run by app.py)."""
    st.html(_NARROW_WINDOW_CSS)
