"""One string in -> the model's prediction and its attention matrix, in reading order.

    python -m core.translate artifacts/demo "Tuesday, November 22, 2016"
"""
import argparse
import sys
from dataclasses import dataclass

import numpy as np

from core import dates, run_checkpoints, runs
from core.alignment import alignment_score, example_sources
from core.decode import reading_order
from core.errors import run_cli


@dataclass
class Translation:
    text: str               # the input as the model read it (surrounding spaces removed)
    prediction: str         # the generated output characters
    attention: np.ndarray   # (T, len(text)): row t = weights of output char t over input chars; None
                            # for models without attention
    expected: str = None    # the date the input means, when the generator's formats can read it
    spans: list = None      # per output character, the input span it comes from (core.alignment)

    @property
    def correct(self):
        return None if self.expected is None else self.prediction.strip() == self.expected

    @property
    def alignment(self):
        """The alignment score (core.alignment) of this prediction, when spans and attention exist."""
        if self.spans is None or self.attention is None:
            return None
        return alignment_score(self.attention, self.spans)


def translate(model, vocab, config, text):
    """Translate one string; a bad string raises UserError with a one-line reason."""
    text = text.strip()
    vocab.check_question(text)
    xs = vocab.encode_questions([text], config.reverse_input)
    ids = model.generate(xs, vocab.start_id, vocab.output_length)[0]
    weights = model.attention_weights
    if weights is not None:
        weights = np.ascontiguousarray(reading_order(weights[0], len(text), config.reverse_input))
    parsed = dates.parse(text)
    return Translation(text, vocab.decode(ids), weights, parsed.answer if parsed else None,
                       example_sources(parsed) if parsed else None)


SHADES = " .:-=+*#%@"


def text_heatmap(result):
    """The attention matrix as characters: one row per output char, one column per input char."""
    if result.attention is None:
        return "(this model has no attention to show)"
    lines = ["    " + result.text]
    for char, row in zip(result.prediction, result.attention):
        cells = "".join(SHADES[min(int(w * len(SHADES)), len(SHADES) - 1)] for w in row)
        lines.append(f" {char!s:>2} {cells}")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m core.translate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir")
    p.add_argument("text")
    run_checkpoints.add_cli_arguments(p)
    args = p.parse_args(argv)
    model, vocab, config, name = runs.load_model(args.run_dir, run_checkpoints.from_cli(args))
    result = translate(model, vocab, config, args.text)
    print(result.prediction)
    print(f"({run_checkpoints.title(name)}; attention: rows are output characters, columns input characters, "
          f"darker = more weight, '{SHADES[-1]}' >= 0.9)")
    print(text_heatmap(result))
    if result.expected is not None:
        print(f"expected {result.expected}: {'correct' if result.correct else 'WRONG'}")
    if result.alignment is not None:
        print(f"alignment score: {result.alignment:.4f} (attention mass on the characters each answer "
              f"character comes from; 1 = perfect)")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
