"""What a training run will cost before it starts: iterations, time, memory, disk for checkpoints.

The Train form shows these and checks them against the host's caps per run (README, "A class on one
server"), naming the setting to lower. The figures are estimates from a cost model, on the safe side:

- time: training's arithmetic is about 3x the forward pass's matrix products (68 MFLOP per example at
  the book's setting, DESIGN.md), run at the rate this 2-core machine measured: 0.05 s per iteration of
  128 examples at the book's setting (2026-12-01, `python -m core.bench`), i.e. about 175 GFLOP/s.
  Shared encoder prefixes make the real figure lower (0.037-0.047 s measured).
- memory: a process per worker (about 100 MB each for Python and NumPy), the parameters with their
  gradients and Adam's two moments, and the activations a batch keeps for backward.
- disk: one checkpoint per epoch and per checkpoint inside training, each the parameters in float32.
"""
from dataclasses import dataclass

from core.data import dates
from core.training.schedule import iteration_checkpoints

FLOPS_PER_SECOND = 175e9           # measured rate of a training step here (see above)
PROCESS_MB = 100                   # Python, NumPy and OpenBLAS in one process
TEST_FRACTION = 0.1                # the book's split


@dataclass(frozen=True)
class Estimate:
    iterations: int
    seconds: float
    memory_mb: float
    disk_mb: float
    checkpoints: int


def shapes(config, vocab_size=None, input_width=None, answer_length=None):
    """(V, D, H, S, T) for a config; the generator's vocabulary and widths unless given (a file's)."""
    V = vocab_size or len(dates.alphabet()) + 2
    S = input_width or dates.INPUT_WIDTH
    T = answer_length or dates.ANSWER_LENGTH + 1
    H = config.hidden_size * (2 if config.bidirectional else 1)
    return V, config.wordvec_size, H, S, T


def parameter_count(config, V, D, H):
    lstm = (D + config.hidden_size + 2) * 4 * config.hidden_size
    encoder = V * D + lstm * (2 if config.bidirectional else 1)
    decoder = V * D + (D + H + 2) * 4 * H + (2 * H if config.model != "seq2seq" else H) * V + V
    return encoder + decoder


def flops_per_example(V, D, H, S, T):
    """Training arithmetic for one example: 3x the forward pass's products (2 FLOP per multiply-add)."""
    encoder = S * 2 * (D + H) * 4 * H
    decoder = T * 2 * (D + H) * 4 * H
    attention = T * S * H * 4
    output = T * 2 * H * V * 2
    return 3 * (encoder + decoder + attention + output)


def estimate(config, examples, workers=2, vocab_size=None, input_width=None, answer_length=None):
    """The cost of training config on `examples` examples (before the split), with `workers` processes."""
    V, D, H, S, T = shapes(config, vocab_size, input_width, answer_length)
    train = int(examples * (1 - TEST_FRACTION))
    batch = max(1, min(config.batch_size, train))
    iters_per_epoch = max(train // batch, 1)
    iterations = iters_per_epoch * config.epochs
    flops = flops_per_example(V, D, H, S, T)
    seconds = iterations * batch * flops / FLOPS_PER_SECOND
    seconds += config.epochs * examples * TEST_FRACTION * flops / 3 / FLOPS_PER_SECOND   # scoring each epoch
    params_mb = parameter_count(config, V, D, H) * 4 / 1e6
    # each LSTM step keeps [x; h; 1], four gates, c and tanh(c) per row; backward as much again
    activations_mb = 2 * batch * (S + T) * (D + 7 * H + 1) * 4 / 1e6 + 2 * batch * T * (S + V) * 4 / 1e6
    processes = 1 + (workers if workers > 1 else 0)
    memory_mb = PROCESS_MB * processes + params_mb * (4 + 3 * processes) + activations_mb
    inside = (len(config.checkpoint_iterations) if config.checkpoint_iterations is not None else
              len(iteration_checkpoints(iters_per_epoch, iterations, config.iter_checkpoints)))
    checkpoints = config.epochs + inside
    return Estimate(iterations, seconds, memory_mb, (checkpoints + 1) * params_mb, checkpoints)


# Where attention forms (README, "The demo run"), on 5,000 independent dates: at the book's learning rate
# and batch the demo before issue 21 read 0.8% at iteration 700, 19% at 800, 74% at 1,000; the fast
# preset (3x the learning rate; the demo now) 14% at 400, 77% at 500, 97% at 650: half the iterations.
FORMS_AFTER = 1000
EVIDENCE = {"book": "a run at the book's rate: 19% right at iteration 800, 74% at 1,000",
            "fast": "the demo run, at this rate: 14% right at iteration 400, 77% at 500"}


def too_short(config, cost):
    """A one-line warning when the run ends before attention usually forms, else None."""
    fast = config.lr >= 0.003
    needed = FORMS_AFTER // 2 if fast else FORMS_AFTER
    if config.model != "attention" or cost.iterations >= needed:
        return None
    return (f"{cost.iterations:,} iterations is too short for attention to form: at this learning rate it takes "
            f"about {needed:,} ({EVIDENCE['fast' if fast else 'book']}). Raise the examples or the epochs"
            + ("." if fast else ", or pick the fast preset."))


@dataclass(frozen=True)
class Caps:
    """The host's limits per run (README, "A class on one server"); None: no limit."""
    minutes: float | None = 60.0
    memory_mb: float | None = 2048.0
    disk_mb: float | None = 500.0


def over_caps(cost, caps):
    """One line per cap the estimate exceeds, each naming the settings that lower it; [] when none."""
    problems = []
    if caps.minutes is not None and cost.seconds > caps.minutes * 60:
        problems.append(f"about {cost.seconds / 60:,.0f} min of training, over this server's cap of "
                        f"{caps.minutes:g} min: lower the epochs, the examples or the hidden size")
    if caps.memory_mb is not None and cost.memory_mb > caps.memory_mb:
        problems.append(f"about {cost.memory_mb:,.0f} MB of memory, over the cap of {caps.memory_mb:g} MB: "
                        f"lower the batch size or the hidden size")
    if caps.disk_mb is not None and cost.disk_mb > caps.disk_mb:
        problems.append(f"about {cost.disk_mb:,.0f} MB of checkpoints, over the cap of {caps.disk_mb:g} MB: "
                        f"lower the checkpoints inside training, the epochs or the hidden size")
    return problems
