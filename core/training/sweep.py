"""Sweeps: a grid of settings times seeds, trained as separate runs, summarised by their spread.

Where the loss leaves its plateau varies so much from seed to seed that one run says little about a
setting; a sweep trains each setting on several seeds and reports the spread of the final test
accuracy (median, quartiles, extremes), the share of seeds that reach 99% and 99.9%, and the median
iterations and training seconds to get there (the first epoch end at that accuracy, whole test split).

    parse_seeds("0-4") -> [0, 1, 2, 3, 4]; parse_values("0.001, 0.003", float) -> [0.001, 0.003]
    grid({"lr": [0.001, 0.003]}, seeds=range(5), base=TrainConfig(...)) -> [(setting, config), ...]
    summary(runs) -> one row per setting, runs: [(setting, epoch records), ...]

The command line (core/sweep.py) and the Train page's Sweep tab (ui/sweep_form.py) both read their
lists with parse_seeds() and parse_values() and build their runs with grid().
"""
import itertools
import math
from dataclasses import replace

import numpy as np

from core.errors import UserError

# The settings a sweep may vary (TrainConfig fields), as the command line and the page name them.
SWEPT = ("lr", "hidden_size", "batch_size", "model", "preset", "lstm_biases", "bidirectional", "data_size")
TARGETS = (0.99, 0.999)
MAX_RUNS = 200   # a sweep is at most this many runs: a grid larger than that is a typo, not a plan


def parse_values(text, kind):
    """"0.001, 0.003" -> [0.001, 0.003] (kind: int, float or str); blank -> []. UserError on a bad value."""
    try:
        return [kind(v.strip()) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise UserError(f"expected {'whole numbers' if kind is int else 'numbers'} separated by commas, "
                        f"not {str(text)[:40]!r}") from None


def parse_seeds(text):
    """"0-4" -> [0, 1, 2, 3, 4]; "1,5,9" -> [1, 5, 9]; UserError for anything else or over MAX_RUNS seeds."""
    text = str(text).strip()
    if "-" in text and "," not in text:
        try:
            low, high = (int(v) for v in text.split("-", 1))
        except ValueError:
            raise UserError(f"seeds are a range like 0-4 or a list like 1,5,9, not {text[:40]!r}") from None
        if not 0 <= low <= high or high - low >= MAX_RUNS:
            raise UserError(f"a seed range goes from a lower to a higher seed, at most {MAX_RUNS} of them")
        return list(range(low, high + 1))
    return parse_values(text, int)


def grid(values, seeds, base, presets=None):
    """Every combination of the swept values, each on every seed -> [(setting, config)], setting a tuple
    of (name, value) pairs in SWEPT order (the seed excluded: it is what a setting's runs differ by)."""
    names = [n for n in SWEPT if n in values]
    seeds = list(seeds)
    count = size(values, seeds)
    if not 1 <= count <= MAX_RUNS:   # counted first: a typo's grid is never built
        raise ValueError(f"a sweep needs 1 to {MAX_RUNS} runs; this grid has {count:,}")
    combos = list(itertools.product(*(values[n] for n in names)))
    runs = []
    for combo in combos:
        setting = tuple(zip(names, combo))
        changes = {n: v for n, v in setting if n != "preset"}
        preset = dict(setting).get("preset")
        config = replace(base, **(presets or {}).get(preset, {})) if preset else base
        for seed in seeds:
            runs.append((setting, replace(config, **changes, seed=int(seed)).checked()))
    return runs


def size(values, seeds):
    """How many runs grid(values, seeds, ...) makes: the settings' combinations times the seeds."""
    return math.prod(len(values[n]) for n in SWEPT if n in values) * len(list(seeds))


def setting_label(setting):
    """("lr", 0.003), ("hidden_size", 128) -> "lr 0.003, hidden size 128" (the book's setting: "default")."""
    return ", ".join(f"{n.replace('_', ' ')} {v}" for n, v in setting) or "default"


def reached(epochs, target):
    """(iteration, train seconds) of the first epoch end at or above target, or None."""
    for record in epochs:
        if isinstance(record.get("test_accuracy"), (int, float)) and record["test_accuracy"] >= target:
            return record.get("iteration"), record.get("train_time")
    return None


def summary(runs):
    """runs: [(setting label, epoch records in order)] -> one dict per setting, in first-seen order:
    setting, seeds, finished (runs with an epoch), median, q1, q3, min, max of the final test
    accuracy, and per target the share reaching it and the median iterations and seconds to it."""
    by_setting = {}
    for label, epochs in runs:
        by_setting.setdefault(label, []).append(epochs)
    rows = []
    for label, all_epochs in by_setting.items():
        finals = np.array([e[-1]["test_accuracy"] for e in all_epochs if e], dtype=float)
        row = {"setting": label, "seeds": len(all_epochs), "finished": len(finals)}
        for name, value in zip(("min", "q1", "median", "q3", "max"), np.percentile(finals, [0, 25, 50, 75, 100])
                               if len(finals) else [None] * 5):
            row[name] = None if value is None else float(value)
        for target in TARGETS:
            hits = [reached(e, target) for e in all_epochs]
            hits = [h for h in hits if h is not None]
            row[f"share {target:.1%}"] = len(hits) / len(all_epochs)
            row[f"median iterations to {target:.1%}"] = _median([h[0] for h in hits])
            row[f"median seconds to {target:.1%}"] = _median([h[1] for h in hits])
        rows.append(row)
    return rows


def _median(values):
    values = [v for v in values if isinstance(v, (int, float))]
    return float(np.median(values)) if values else None
