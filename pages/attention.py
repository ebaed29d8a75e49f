"""Attention: type a date, see the prediction, how sure the model was and where each output character
looked; then the same date in every other form."""
import functools

import pandas as pd
import streamlit as st

import ui
from core import data
from core.data import variants
from core.decoding import translation
from core.errors import UserError
from core.rundir import checkpoints
from ui.honesty import date_notes
from ui.inspection import look_inside

ui.require_router(__file__)
st.title("Attention")
ui.open_from_link("attention")   # /attention?run=demo&epoch=2&text=...
run, checkpoint = ui.run_and_checkpoint_picker("attention")

try:
    vocab = ui.vocab(run["path"], checkpoint)
except UserError as e:
    ui.plain_error(e)
    st.stop()

# ----- input -----------------------------------------------------------------------------------
task = ui.task_of(run)   # dates, addition, ...: its examples, where its right answers come from
ui.start_text("attention.text", task)
# One fixed limit, whatever the model: a limit that changed with the run or the text made Streamlit
# draw a new box, and the next thing typed was lost (issue 20). A text longer than this model reads is
# kept whole and gets the one-line "too long" message below.
text = st.text_input("Input", key="attention.text", max_chars=data.MAX_QUESTION_CHARS,
                     help=ui.input_help(task, vocab.input_width))
refused = translation.refused_characters(vocab, text)
if refused:
    st.caption("Not in this model's vocabulary (it cannot read them): "
               + "  ".join(ui.escape_markdown(repr(c)) for c in refused))
ui.example_buttons("attention.example", "attention.text", ui.EXAMPLES if task.dates else task.examples)
ui.sync_link("attention", run, checkpoint, text)   # the address shows this view, to share it

try:
    result = ui.translate(run["path"], checkpoint, text)
except UserError as e:
    ui.plain_error(e)
    st.stop()

# ----- verdict ---------------------------------------------------------------------------------
# Fixed-width metrics in a wrapping row: side by side on a wide page, on two lines in a 900 px window,
# never cut ("2016-11-22" needs about 230 px at the metric's size).
with st.container(horizontal=True, wrap=True, key="attention.metrics"):
    st.metric("Prediction", result.prediction, border=True, width=250)
    if result.confidence is not None:
        weakest = int(result.confidence.argmin())
        st.metric("Confidence", f"{result.confidence[weakest]:.2f}", border=True, width=170,
                  help="The lowest probability the model gave one of its output characters (character "
                       f"{weakest + 1} here). The strip beside the heatmap shows every character's.")
    if result.alignment is not None:
        st.metric("Alignment", f"{result.alignment:.3f}", border=True, width=170,
                  help="Mean attention mass that each answer character puts on the input characters it "
                       "comes from. 1 is perfectly aligned.")
prediction = ui.escape_markdown(result.prediction.strip())
if result.impossible:
    st.error(f"Impossible date: {ui.escape_markdown(result.impossible)}. There is no right answer; the "
             f"model wrote {prediction}.", icon=":material/event_busy:")
elif result.expected is None:
    st.info(ui.escape_markdown(task.no_answer_text()))
elif result.correct:
    st.success(f"Correct: {'the input means' if task.dates else 'the answer is'} "
               f"{ui.escape_markdown(result.expected)}.")
else:
    st.warning(f"Wrong: {'the input means' if task.dates else 'the answer is'} {ui.escape_markdown(result.expected)}, "
               f"the model wrote {prediction}. The wrong characters are marked in red on the heatmap.")
date_notes(result, task)   # an output that is no date; a numeric date that reads two ways

# ----- heatmap ---------------------------------------------------------------------------------
if result.attention is None:
    st.info(f"This run's model ({run['model']}) has no attention: its decoder sees only the encoder's "
            "last state. Train an attention model to see where it looks.")
else:
    outline = result.spans is not None and st.toggle(
        "Outline the characters each answer character comes from", value=True, key="attention.outline")
    ui.heatmap_chart(result, "attention.heatmap", title=f"{ui.run_name(run)}, {checkpoints.title(checkpoint)}",
                     spans=result.spans if outline else None, file_name=ui.file_stem(ui.run_name(run), checkpoint))
    st.caption("Rows: output characters. Columns: input characters in reading order. The strip on the "
               "right (p) is how sure the model was of each output character. Hover a cell for its exact "
               "weight; the camera icon in the chart's toolbar saves it as PNG.")
    matrix = pd.DataFrame(result.attention,
                          index=[f"{t + 1}:{c}" for t, c in enumerate(result.prediction)],
                          columns=[f"{s + 1}:{c}" for s, c in enumerate(result.text)])
    st.download_button("Download the matrix (CSV)", matrix.to_csv(float_format="%.6f"),
                       file_name=f"{ui.file_stem(ui.run_name(run), checkpoint)}.csv", mime="text/csv", key="attention.csv")

    st.subheader("Lines view")
    st.caption("The same weights as lines: input characters on top, output characters below; the wider and "
               "darker a line, the more the output character looks at that input character. Hover an output "
               "character to highlight its lines and show its weights; click it (or pick it here) to keep "
               "them highlighted. Wrong ones are red, ␣ is a blank.")
    ui.lines_view(result, "attention", file_name=ui.file_stem(ui.run_name(run), checkpoint))

    # computed only while open (on_change="rerun" makes .open tell), so typing stays as fast as before
    inside = st.expander("Look inside this decision", key="attention.inspect", on_change="rerun")
    with inside:
        if inside.open:
            # the map's width, less the expander's padding (1rem a side)
            look_inside(run, checkpoint, text, width=ui.last_width("attention.heatmap.width") - 32)

# ----- variants --------------------------------------------------------------------------------
def open_variant(table_key):
    """A click on a variant's row puts it into the input (a callback: it runs before the widgets)."""
    picked = st.session_state[table_key].selection.rows
    if picked:
        st.session_state["attention.text"] = st.session_state["attention.variant_inputs"][picked[0]]


def show_variants():
    examples = variants.of_text(text)
    if not examples:
        st.info("Variants need a date written in one of the generator's forms.")
        return
    rows = variants.rows(result.expected, examples,
                         ui.translate_many(run["path"], checkpoint, [e.question for e in examples]))
    right_count = sum(r["mark"] == "✓" for r in rows)
    missed = sorted({r["format"] for r in rows if r["mark"] != "✓"})
    st.write(f"{right_count} of {len(rows)} right." + (f" Wrong or refused: {', '.join(missed)}." if missed else ""))
    st.session_state["attention.variant_inputs"] = [r["input"] for r in rows]
    table_key = f"attention.variants.table.{text}"   # a fresh selection for every input
    st.dataframe(pd.DataFrame(rows), key=table_key, on_select=functools.partial(open_variant, table_key),
                 selection_mode="single-row", hide_index=True, width="stretch",
                 column_config={"confidence": st.column_config.NumberColumn("confidence", format="%.2f"),
                                "mark": st.column_config.TextColumn("", width="small")})
    st.caption("Click a row to open that variant above.")


st.subheader("Variants")
if ui.only_for_dates(task, "Variants (the same date in every format)") and st.toggle(
        "Show this date in every format and case, and with the day and the month moved by one",
        key="attention.variants"):
    show_variants()
