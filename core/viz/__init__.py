"""Figure builders: pure functions from data to a Plotly go.Figure (the lines view: SVG markup),
usable without Streamlit.

heatmap.py (attention as a heatmap with a confidence strip), lines.py (attention as lines),
replay.py (attention through every checkpoint, animated), curves.py (loss and score curves),
style.py (colours the figures share).
"""
from core.viz.heatmap import attention_heatmap
from core.viz.lines import attention_lines
from core.viz.replay import replay_figure
