"""Attention: type a date, see the prediction and where each output character looked."""
import pandas as pd
import streamlit as st

import ui
from core import viz, viz_lines
from core.errors import UserError

ui.require_router(__file__)
st.title("Attention")
run, epoch = ui.run_and_epoch_picker("attention")

if "attention.text" not in st.session_state:
    st.session_state["attention.text"] = ui.EXAMPLES[0]
text = st.text_input("Input", key="attention.text", max_chars=100,
                     help="A date in any of the formats below, or any string the model's vocabulary allows.")
ui.example_buttons("attention.example", "attention.text")

try:
    result = ui.translate(run["path"], epoch, text)
except UserError as e:
    ui.show_user_error(e)
    st.stop()

left, middle, right = st.columns([1, 1, 2])
left.metric("Prediction", result.prediction, border=True)
if result.alignment is not None:
    middle.metric("Alignment score", f"{result.alignment:.3f}", border=True,
                  help="Mean attention mass that each answer character puts on the input characters it "
                       "comes from (year, month or day). 1 is perfectly aligned.")
if result.expected is None:
    right.info("The generator's formats cannot read this input, so there is no known right answer.")
elif result.correct:
    right.success(f"Correct: the input means {result.expected}.")
else:
    right.warning(f"Wrong: the input means {result.expected}, the model wrote {result.prediction}.")

if result.attention is None:
    st.info(f"This run's model ({run['model']}) has no attention: its decoder sees only the encoder's "
            "last state. Train an attention model to see where it looks.")
    st.stop()
outline = result.spans is not None and st.toggle(
    "Outline the characters each answer character comes from", value=True, key="attention.outline")
figure = viz.attention_heatmap(result, title=f"{run['run']}, epoch {epoch}",
                               spans=result.spans if outline else None)
st.plotly_chart(figure, key="attention.heatmap", config={"toImageButtonOptions": {"filename": "attention"}})
st.caption("Rows: output characters. Columns: input characters in reading order. Hover a cell for its "
           "exact weight; the camera icon in the chart's toolbar saves it as PNG.")

matrix = pd.DataFrame(result.attention,
                      index=[f"{t + 1}:{c}" for t, c in enumerate(result.prediction)],
                      columns=[f"{s + 1}:{c}" for s, c in enumerate(result.text)])
st.download_button("Download the matrix (CSV)", matrix.to_csv(float_format="%.6f"),
                   file_name="attention.csv", mime="text/csv", key="attention.csv")

st.subheader("Lines view")
st.caption("The same weights as lines: input characters on top, output characters below; the wider and "
           "darker a line, the more the output character looks at that input character. Pick one output "
           "character to see its lines alone.")
positions = ["all"] + list(range(len(result.prediction)))
picked = st.segmented_control(
    "Output character", positions, default="all", key="attention.lines_pick",
    format_func=lambda p: "all" if p == "all" else f"{p + 1}: {result.prediction[p]}")
st.plotly_chart(viz_lines.attention_lines(result, selected=None if picked in (None, "all") else picked),
                key="attention.lines")
