"""Training configuration: a dataclass whose defaults are the book's setting."""
import math
from dataclasses import asdict, dataclass, fields

from core.errors import UserError
from core.model.registry import MODELS


@dataclass
class TrainConfig:
    model: str = "attention"        # attention | seq2seq | peeky
    bidirectional: bool = False     # attention only: the encoder reads both ways (book, section 8.4)
    lstm_biases: int = 2            # 2: PyTorch's LSTM (b + bh), trains faster; 1: the book's (README)
    wordvec_size: int = 16
    hidden_size: int = 256
    batch_size: int = 128
    lr: float = 0.001
    max_grad: float = 5.0
    epochs: int = 10
    seed: int = 0                   # weights and batch order
    data: str = "generator"         # "generator" or the path of a book-format file
    data_size: int = 50000          # examples drawn from the generator
    data_seed: int = 0              # generator seed
    reverse_input: bool = True
    loss_every: int = 10            # iterations between loss records in metrics.jsonl
    iter_checkpoints: int = 8       # checkpoints inside training besides epoch ends (core.training.schedule); 0: none
    checkpoint_iterations: list = None   # explicit iterations for them instead (overrides the count)
    workers: int = 0                # processes sharing each batch (training/steppers.py); 0: one per core, 1: serial
    # What a file-trained run trained on, so it describes its data even if the file changes: the name
    # the user knew it by (an upload's own name; its copy lives in the run directory), its size and
    # SHA-256. None for the generator and for runs from before these fields.
    data_name: str = None
    data_size_bytes: int = None
    data_sha256: str = None
    # The host's caps on this run (core/training/estimate.py, README "A class on one server"): training
    # ends "stopped" with reason "time cap" or "disk cap", its checkpoints kept. None: no cap.
    max_minutes: float = None
    max_checkpoint_mb: float = None

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, obj, where="config.json"):
        """A config from parsed JSON; wrong shapes or types raise UserError naming the field."""
        if not isinstance(obj, dict):
            raise UserError(f"{where} is not a JSON object")
        known = {f.name: f for f in fields(cls)}
        # Runs written before lstm_biases existed trained the book's one-bias LSTM.
        # Runs written before iteration checkpoints existed have none.
        obj = {"lstm_biases": 1, "iter_checkpoints": 0, **obj}
        values = {}
        for name, value in obj.items():
            if name in known:
                values[name] = _typed(name, value, known[name].type, where)
        return cls(**values).checked(where)

    def checked(self, where=None):
        """self, when every value is within LIMITS and the combination makes sense; else UserError."""
        where = f"{where}: " if where else ""
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if value < low:
                raise UserError(f"{where}{name.replace('_', ' ')} must be at least {low}")
            if value > high:
                raise UserError(f"{where}{name.replace('_', ' ')} must be at most {high:,}")
        for name in ("lr", "max_grad"):
            if not math.isfinite(getattr(self, name)) or getattr(self, name) <= 0:
                raise UserError(f"{where}the learning rate and max-grad must be positive finite numbers")
        if self.lr > MAX_LR:
            raise UserError(f"{where}the learning rate must be at most {MAX_LR}")
        if self.model not in MODELS:
            raise UserError(f"{where}unknown model {self.model!r}; choose from {', '.join(sorted(MODELS))}")
        if self.bidirectional and self.model != "attention":
            raise UserError(f"{where}only the attention model has a bidirectional encoder")
        for name in ("max_minutes", "max_checkpoint_mb"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise UserError(f"{where}{name.replace('_', ' ')} must be a positive number")
        if self.lstm_biases not in (1, 2):
            raise UserError(f"{where}an LSTM has 1 bias (the book's) or 2 (PyTorch's)")
        return self


# Documented maxima (README, "Command line"): big enough for any experiment on this task, small
# enough that one request cannot take the server's memory.
LIMITS = {
    "epochs": (1, 1000),
    "hidden_size": (1, 2048),
    "wordvec_size": (1, 1024),
    "batch_size": (1, 4096),
    "data_size": (1, 1_000_000),
    "loss_every": (1, 1_000_000),
    "seed": (0, 2 ** 32 - 1),
    "data_seed": (0, 2 ** 32 - 1),
    "iter_checkpoints": (0, 100),
    "workers": (0, 64),
}
MAX_LR = 10.0
OPTIONAL = ("data_name", "data_size_bytes", "data_sha256",   # None unless the run trained on a file
            "max_minutes", "max_checkpoint_mb")                # None: no cap


def _typed(name, value, kind, where):
    """value checked against a field's declared type (int is no bool, a float may be written as int)."""
    kind = {"str": str, "int": int, "float": float, "bool": bool, "list": list}.get(kind, kind)
    if value is None and name in OPTIONAL:
        return None
    if kind is list:   # checkpoint_iterations: None or whole numbers
        if value is not None and (not isinstance(value, list) or len(value) > 1000 or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)):
            raise UserError(f"{where}: {name} should be a list of whole numbers")
        return value
    ok = (isinstance(value, bool) if kind is bool else
          isinstance(value, int) and not isinstance(value, bool) if kind is int else
          isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float else
          isinstance(value, str))
    if not ok:
        raise UserError(f"{where}: {name} should be {kind.__name__}, not {type(value).__name__}")
    return float(value) if kind is float else value


# Named settings offered beside the default. "fast" trades the book's exact numbers for a quicker
# climb: a larger learning rate reaches 99% test accuracy in fewer iterations on this task.
PRESETS = {
    "book": {},
    "fast": {"lr": 0.003},
}


def preset(name, **overrides):
    return TrainConfig(**{**PRESETS[name], **overrides})


def differing_settings(configs):
    """{run: TrainConfig} -> (settings whose values differ between the runs, {setting: value} of those
    every run shares), both in the config's field order: what Compare highlights and what it folds."""
    rows = [c.to_json() for c in configs.values()]
    differ, same = [], {}
    for f in fields(TrainConfig):
        values = [row.get(f.name) for row in rows]
        if any(v != values[0] for v in values[1:]):
            differ.append(f.name)
        elif rows:
            same[f.name] = values[0]
    return differ, same
