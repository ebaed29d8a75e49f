"""Train our model and PyTorch's reference from the same weights on the same batches, side by side.

    pip install torch==2.13.0   # a measuring tool only: never a dependency of the project
    python -m tools.paired_with_torch ../shared/data/date.txt --seed 1 --init torch --epochs 3

It answers "does our NumPy training behave like PyTorch's?" better than unpaired seeds can, since
where the loss leaves its plateau is very sensitive to the initial weights. ``--init torch`` starts
both from torch_ref's own initial weights for that seed, ``--init ours`` from ours. Prints test
accuracy per epoch for both. With ``--lstm-biases 2`` (the default) the two models have the same
parameters one to one; with 1, ours has the book's single LSTM bias and torch's b_hh starts at 0.
"""
import argparse
import importlib.util
import os

import numpy as np
import torch

from core import data
from core.decoding import greedy
from core.model.optimizer import Adam
from core.model.registry import build_model
from core.training.config import TrainConfig
from core.training.steppers import SerialStepper

# PyTorch's reference lives beside the project (../shared/bench), outside any package: loaded from its path.
REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "torch_ref.py")


def load_reference():
    spec = importlib.util.spec_from_file_location("torch_ref", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def swap_gate_order(W):
    """Columns [i, f, g, o] (torch) <-> [f, i, o, g] (ours): swapping both pairs is its own inverse."""
    a, b, c, d = np.split(W, 4, axis=-1)
    return np.concatenate([b, a, d, c], axis=-1)


def lstm_pairs(reference_model):
    return (("encoder", reference_model.enc_lstm), ("decoder", reference_model.dec_lstm))


def ours_from_torch(params, reference_model):
    params["encoder.embed.W"][...] = reference_model.enc_embed.weight.detach().numpy()
    params["decoder.embed.W"][...] = reference_model.dec_embed.weight.detach().numpy()
    for side, lstm in lstm_pairs(reference_model):
        params[f"{side}.lstm.Wx"][...] = swap_gate_order(lstm.weight_ih_l0.detach().numpy().T)
        params[f"{side}.lstm.Wh"][...] = swap_gate_order(lstm.weight_hh_l0.detach().numpy().T)
        if f"{side}.lstm.bh" in params:   # PyTorch's two biases, one to one
            params[f"{side}.lstm.b"][...] = swap_gate_order(lstm.bias_ih_l0.detach().numpy())
            params[f"{side}.lstm.bh"][...] = swap_gate_order(lstm.bias_hh_l0.detach().numpy())
        else:                              # the book's one bias is their sum
            params[f"{side}.lstm.b"][...] = swap_gate_order((lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy())
    params["decoder.affine.W"][...] = reference_model.affine.weight.detach().numpy().T
    params["decoder.affine.b"][...] = reference_model.affine.bias.detach().numpy()


@torch.no_grad()
def torch_from_ours(reference_model, params):
    reference_model.enc_embed.weight.copy_(torch.from_numpy(params["encoder.embed.W"]))
    reference_model.dec_embed.weight.copy_(torch.from_numpy(params["decoder.embed.W"]))
    for side, lstm in lstm_pairs(reference_model):
        lstm.weight_ih_l0.copy_(torch.from_numpy(swap_gate_order(params[f"{side}.lstm.Wx"]).T.copy()))
        lstm.weight_hh_l0.copy_(torch.from_numpy(swap_gate_order(params[f"{side}.lstm.Wh"]).T.copy()))
        lstm.bias_ih_l0.copy_(torch.from_numpy(swap_gate_order(params[f"{side}.lstm.b"])))
        if f"{side}.lstm.bh" in params:
            lstm.bias_hh_l0.copy_(torch.from_numpy(swap_gate_order(params[f"{side}.lstm.bh"])))
        else:
            lstm.bias_hh_l0.zero_()
    reference_model.affine.weight.copy_(torch.from_numpy(params["decoder.affine.W"].T.copy()))
    reference_model.affine.bias.copy_(torch.from_numpy(params["decoder.affine.b"]))


def main():
    p = argparse.ArgumentParser(prog="python -m tools.paired_with_torch", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--init", choices=("torch", "ours"), default="torch")
    p.add_argument("--lstm-biases", type=int, choices=(1, 2), default=2,
                   help="ours with PyTorch's two LSTM biases (default) or the book's one")
    args = p.parse_args()
    torch_ref = load_reference()

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    config = TrainConfig(data=args.data, seed=args.seed, lstm_biases=args.lstm_biases)
    dataset = data.load_file(args.data)
    train_set, test_set = data.split(dataset)
    vocab = data.Vocab.for_dataset(dataset)
    x_train, t_train = vocab.encode_questions(train_set.questions), vocab.encode_answers(train_set.answers)
    x_test, t_test = vocab.encode_questions(test_set.questions), vocab.encode_answers(test_set.answers)
    reference = torch_ref.AttentionSeq2seq(len(vocab.chars), config.wordvec_size, config.hidden_size)
    ours = build_model(config, len(vocab.chars))
    if args.init == "torch":
        ours_from_torch(ours.params, reference)
    else:
        torch_from_ours(reference, ours.params)
    stepper = SerialStepper(ours, Adam(config.lr), config)
    reference_params = list(reference.parameters())
    reference_optimizer = torch.optim.Adam(reference_params, lr=config.lr, betas=(0.9, 0.999), eps=1e-7)
    order_rng = np.random.RandomState(args.seed)   # torch_ref's batch order
    batch = config.batch_size
    for epoch in range(1, args.epochs + 1):
        order = order_rng.permutation(len(x_train))
        for start in range(0, len(x_train) - batch + 1, batch):
            index = order[start:start + batch]
            stepper.step(x_train[index], t_train[index])
            torch_ref.train_step(reference, reference_optimizer, reference_params,
                                 torch.from_numpy(x_train[index]), torch.from_numpy(t_train[index]), config.max_grad)
        ours_accuracy = greedy.accuracy(ours, x_test, t_test)
        torch_accuracy = torch_ref.evaluate(reference, torch.from_numpy(x_test), torch.from_numpy(t_test))
        print(f"epoch {epoch}: test accuracy ours {ours_accuracy:.4f}, torch {torch_accuracy:.4f}", flush=True)


if __name__ == "__main__":
    main()
