"""When training saves checkpoints inside epochs, so that the forming of attention can be replayed.

Attention forms fast and early: on the date task the loss leaves its plateau within the first few
hundred iterations, and by the end of the first epoch the attention is mostly sharp. Checkpoints at
epoch ends alone miss all of it, so besides them training saves the initial weights (iteration 0) and
``count - 1`` more, spaced geometrically (equal ratios, not equal steps) from a few percent of the first
epoch to a few epochs in: dense where the picture changes, sparse where it only polishes.
"""
import math

DEFAULT_COUNT = 8        # ~2.4 MB each at the book's size: the default adds under 20 MB to a run
FIRST_FRACTION = 1 / 16  # the first checkpoint after iteration 0, as a fraction of an epoch
LAST_EPOCHS = 2.5        # the last one, in epochs (never past the end of training)


def iteration_checkpoints(iters_per_epoch, total_iters, count=DEFAULT_COUNT):
    """Sorted iterations at which to save a checkpoint besides the epoch ends; [] when count is 0.

    Iteration 0 (the initial weights) comes first. Points that fall on an epoch end are dropped: the
    epoch checkpoint saved there is the same weights.
    """
    if count <= 0 or total_iters <= 0:
        return []
    points = {0}
    first = max(1.0, iters_per_epoch * FIRST_FRACTION)
    last = max(first, min(total_iters - 1, iters_per_epoch * LAST_EPOCHS))
    steps = count - 1
    for k in range(steps):
        value = first * (last / first) ** (k / max(steps - 1, 1))
        points.add(_round_readably(value))
    return sorted(p for p in points if p == 0 or (p < total_iters and p % iters_per_epoch != 0))


def _round_readably(value):
    """Two significant digits (147 -> 150, 1234 -> 1200): labels a reader can remember."""
    if value < 10:
        return max(1, int(round(value)))
    scale = 10 ** (int(math.floor(math.log10(value))) - 1)
    return int(round(value / scale) * scale)


def planned_checkpoints(config, iters_per_epoch, total_iters):
    """The iterations a run with this TrainConfig saves checkpoints at inside training (its explicit
    list, else the geometric schedule): the training loop saves them, the ETA counts those still ahead."""
    if config.checkpoint_iterations is not None:
        return sorted(config.checkpoint_iterations)
    return iteration_checkpoints(iters_per_epoch, total_iters, config.iter_checkpoints)
