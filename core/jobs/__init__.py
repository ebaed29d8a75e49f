"""Starting, queueing and stopping training processes: the UI's only way to train.

launch.py starts a group of runs (one waiting process each, core/jobs/waiter.py) and stops them;
queue.py keeps the queue's tickets. What the pages call is exported here.
"""
from core.jobs.launch import (UPLOAD_FILE, Requester, StopOutcome, queue_state, start, start_queue, stop, stop_all,
                              wait)
