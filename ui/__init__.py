"""The Streamlit helpers the pages share, one module per concern; pages call them as ui.NAME.

    paths.py       where runs and data live            routing.py     st.navigation, links that open a view
    runs.py        the cached run listing, metrics     pickers.py     run, checkpoint, data file, examples
    models.py      cached models, translations         live.py        the live attention widget
    visitors.py    owner token, host login, rights     plain.py       users' text as plain text
    curve_controls.py  TensorBoard's curve controls    formatting.py  times, durations, marks
    settings.py    the host's settings, checked        host.py        the host's login and actions
    layout.py      widths measured in the browser, page style
    tasks.py       a run's task: its examples, date-only panels
    train_form.py, train_watch.py, run_editor.py: the parts of the Train and Runs pages
"""
from ui.addition_demo import addition_demo
from ui.attention_views import file_stem, heatmap_chart, lines_view, side_by_side
from ui.curve_controls import curve_controls
from ui.formatting import format_duration, format_time, mark
from ui.layout import container_width, fitted, last_width, page_style
from ui.live import live_attention
from ui.models import checkpoint_mtime, load, translate, translate_many, vocab
from ui.paths import ARTIFACTS, DEMO_RUN, RUNS_ROOT, data_dirs
from ui.pickers import (EXAMPLES, best_accuracy_text, data_file_picker, example_buttons, keep_choice,
                        run_and_checkpoint_picker, run_label, run_name, run_picker, run_widget_key)
from ui.plain import escape_markdown, plain_error, plain_text, plain_warning
from ui.run_tables import RUNS_COLUMN_HELP, runs_column_config, settings_table
from ui.routing import mark_routed, open_from_link, require_router, resume_deep_link, sync_link
from ui.runs import BEST_ACCURACY_HELP, checkpoint_listing, curve_series, metrics_log, queue_mates, run_rows
from ui.settings import problems as setting_problems
from ui.settings import cluster_address, training_cores
from ui.tasks import input_help, only_for_dates, start_text, task_of
from ui.visitors import can_manage, class_code_accepted, is_host, owner_hash, owner_token, requester
