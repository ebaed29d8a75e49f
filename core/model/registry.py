"""Every model a run can name (config.model), and building one from a TrainConfig."""
import numpy as np

from core.model.attention_seq2seq import AttentionSeq2seq
from core.model.seq2seq import PeekySeq2seq, Seq2seq

MODELS = {"attention": AttentionSeq2seq, "peeky": PeekySeq2seq, "seq2seq": Seq2seq}


def build_model(config, vocab_size, dtype=np.float32, rng=None):
    """The model a TrainConfig names, freshly initialised from its seed (or the given rng)."""
    if config.model not in MODELS:
        raise ValueError(f"unknown model {config.model!r}; choose from {sorted(MODELS)}")
    rng = rng if rng is not None else np.random.default_rng(config.seed)
    extra = {"bidirectional": config.bidirectional} if config.model == "attention" else {}
    return MODELS[config.model](vocab_size, config.wordvec_size, config.hidden_size, rng=rng, dtype=dtype,
                                lstm_biases=config.lstm_biases, **extra)
