"""Training: the configuration (config.py), the loop that fills a run directory (loop.py), one step
on one process or several (steppers.py), when checkpoints are saved inside training (schedule.py),
and the terminal's progress bar (progress.py). The command is core/train.py."""
