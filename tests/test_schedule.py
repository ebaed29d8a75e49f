"""The schedule of checkpoints inside training: dense early, sparse later, never on an epoch end."""
import numpy as np
import pytest

from core.training.schedule import DEFAULT_COUNT, iteration_checkpoints


@pytest.mark.parametrize("per_epoch, epochs", [(351, 10), (2343, 3), (703, 5), (84, 6)])
def test_starts_with_the_initial_weights_and_spreads_geometrically(per_epoch, epochs):
    points = iteration_checkpoints(per_epoch, per_epoch * epochs)
    assert points[0] == 0 and points == sorted(set(points))
    assert len(points) <= DEFAULT_COUNT
    assert all(p % per_epoch for p in points[1:])                  # epoch ends have their own checkpoint
    assert points[-1] < per_epoch * epochs
    ratios = np.diff(np.log(points[1:]))
    assert ratios.min() > 0.3 and ratios.max() < 1.0                 # roughly equal ratios, not equal steps
    in_first_epoch = [p for p in points if p < per_epoch]
    assert len(in_first_epoch) > len(points) / 2                     # most of them where attention forms


def test_count_and_off():
    assert iteration_checkpoints(351, 3510, 0) == []
    assert iteration_checkpoints(351, 3510, 1) == [0]
    assert len(iteration_checkpoints(2343, 7029, 12)) == 12
    assert iteration_checkpoints(351, 3510)[:3] == [0, 22, 41]       # readable, rounded numbers


def test_short_runs_stay_inside_the_run():
    assert all(p < 3 for p in iteration_checkpoints(1, 3, 8))
    assert iteration_checkpoints(10, 10, 8)[-1] < 10
