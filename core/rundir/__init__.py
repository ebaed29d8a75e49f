"""The run directory: the only code that reads or writes one (the training process writes it, the
pages read it). One module per file it holds; the schema of each file is written in its module:

    config.json, vocab.json, request.json   definition.py
    status.json                             status.py
    metrics.jsonl                           metrics.py
    checkpoints/*.npz                       checkpoints.py (names, listing), npz.py (the file format)
    live.npz                                live.py
    meta.json                               meta.py
    upload.txt, train.log                   written by core.jobs (an upload's copy; the queue's output)
listing.py makes the one list of runs; loading.py rebuilds a model at a checkpoint; files.py holds
the bounded JSON read and the one atomic write. What most callers need is exported here.
"""
from core.rundir.checkpoints import epochs, list_checkpoints
from core.rundir.checkpoints import path as checkpoint_path
from core.rundir.checkpoints import save as save_checkpoint
from core.rundir.definition import REQUEST, create, is_run_dir, read_config, read_request, read_vocab, require
from core.rundir.files import clean_tmp, read_json, write_json_atomic
from core.rundir.loading import load_model, load_weights
from core.rundir.metrics import append_metric, read_metrics
from core.rundir.status import (ACTIVE_STATES, DAMAGED, STATES, is_training_process, process_alive, read_status,
                                write_status, written_pid, written_state, written_status)
