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
from core.errors import UserError, run_cli


@dataclass
class Translation:
    text: str               # the input as the model read it (surrounding spaces removed)
    prediction: str         # the generated output characters
    attention: np.ndarray   # (T, len(text)): row t = weights of output char t over input chars; None
                            # for models without attention
    expected: str = None    # the date the input means, when the generator's forms can read it
    spans: list = None      # per output character, the input span it comes from (core.alignment)
    confidence: np.ndarray = None   # (T,) softmax probability of each output character
    impossible: str = None  # why the input, written in a known form, names no real date
    label: str = None       # the input's format label ("long/title"), when the generator's forms read it

    @property
    def correct(self):
        return None if self.expected is None else self.prediction.strip() == self.expected

    @property
    def wrong(self):
        """Per output character, True where it differs from the right answer; None when unknown."""
        if self.expected is None:
            return None
        expected = self.expected.ljust(len(self.prediction))
        return [p != e for p, e in zip(self.prediction, expected)]

    @property
    def alignment(self):
        """The alignment score (core.alignment) of this prediction, when spans and attention exist."""
        if self.spans is None or self.attention is None:
            return None
        return alignment_score(self.attention, self.spans)


def refused_characters(vocab, text):
    """The characters of text outside the model's vocabulary, in order of first appearance."""
    allowed = set(vocab.chars)
    return list(dict.fromkeys(c for c in text.strip() if c not in allowed))


def translate(model, vocab, config, text):
    """Translate one string; a bad string raises UserError with a one-line reason."""
    text = text.strip()
    vocab.check_question(text)
    return _translate_checked(model, vocab, config, [text])[0]


def translate_many(model, vocab, config, texts):
    """Translate several strings in one batch -> per text a Translation, or the UserError that
    says why the model cannot read it."""
    texts = [t.strip() for t in texts]
    errors = {}
    for i, text in enumerate(texts):
        try:
            vocab.check_question(text)
        except UserError as e:
            errors[i] = e
    readable = [i for i in range(len(texts)) if i not in errors]
    done = dict(zip(readable, _translate_checked(model, vocab, config, [texts[i] for i in readable])))
    return [errors[i] if i in errors else done[i] for i in range(len(texts))]


def _translate_checked(model, vocab, config, texts):
    if not texts:
        return []
    xs = vocab.encode_questions(texts, config.reverse_input)
    ids = model.generate(xs, vocab.start_id, vocab.output_length)
    weights, probabilities = model.attention_weights, model.output_probabilities
    results = []
    for row, text in enumerate(texts):
        attention = None
        if weights is not None:
            attention = np.ascontiguousarray(reading_order(weights[row], len(text), config.reverse_input))
        parsed = dates.parse(text)
        results.append(Translation(
            text, vocab.decode(ids[row]), attention, parsed.answer if parsed else None,
            example_sources(parsed) if parsed else None,
            None if probabilities is None else np.asarray(probabilities[row], dtype=float),
            None if parsed else dates.impossible(text), parsed.label if parsed else None))
    return results


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
    if result.impossible:
        print(f"impossible date: {result.impossible}")
    if result.confidence is not None:
        print("confidence: " + " ".join(f"{c}:{p:.2f}" for c, p in zip(result.prediction, result.confidence)))
    if result.alignment is not None:
        print(f"alignment score: {result.alignment:.4f} (attention mass on the characters each answer "
              f"character comes from; 1 = perfect)")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli(main))
