"""Training configuration: a dataclass whose defaults are the book's setting."""
from dataclasses import asdict, dataclass, fields


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
    iter_checkpoints: int = 8       # checkpoints inside training besides epoch ends (core.schedule); 0: none
    checkpoint_iterations: list = None   # explicit iterations for them instead (overrides the count)
    workers: int = 0                # processes sharing each batch (core/parallel.py); 0: one per core, 1: serial

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, obj):
        known = {f.name for f in fields(cls)}
        # Runs written before lstm_biases existed trained the book's one-bias LSTM.
        # Runs written before iteration checkpoints existed have none.
        obj = {"lstm_biases": 1, "iter_checkpoints": 0, **obj}
        return cls(**{k: v for k, v in obj.items() if k in known})


# Named settings offered beside the default. "fast" trades the book's exact numbers for a quicker
# climb: a larger learning rate reaches 99% test accuracy in fewer iterations on this task.
PRESETS = {
    "book": {},
    "fast": {"lr": 0.003},
}


def preset(name, **overrides):
    return TrainConfig(**{**PRESETS[name], **overrides})
