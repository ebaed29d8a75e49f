"""core.translate on a small untrained model: batches equal single calls, refusals stay per text,
and a Translation carries confidence, the right answer and the impossible-date reason."""
import types

import numpy as np
import pytest

from core import data
from core.data import dates, variants
from core.decoding import translation
from core.errors import UserError
from core.model.attention_seq2seq import AttentionSeq2seq

VOCAB = data.Vocab(dates.alphabet(), dates.INPUT_WIDTH, dates.ANSWER_LENGTH)
CONFIG = types.SimpleNamespace(reverse_input=True)


@pytest.fixture(scope="module")
def model():
    return AttentionSeq2seq(len(VOCAB.chars), 8, 16, rng=np.random.default_rng(3), dtype=np.float64)


def test_a_batch_gives_what_single_calls_give_and_keeps_refusals_apart(model):
    texts = ["Nov 22 2016", "22.11.16 ?", "31 February 2020", "x" * 60, "The 3rd of March 2021"]
    batch = translation.translate_many(model, VOCAB, CONFIG, texts)
    assert isinstance(batch[1], UserError) and "'?'" in str(batch[1])
    assert isinstance(batch[3], UserError) and "60 characters long" in str(batch[3])
    for text, result in zip(texts, batch):
        if isinstance(result, UserError):
            continue
        single = translation.translate(model, VOCAB, CONFIG, text)
        assert result.prediction == single.prediction
        np.testing.assert_allclose(result.attention, single.attention, rtol=1e-9)
        np.testing.assert_allclose(result.confidence, single.confidence, rtol=1e-9)


def test_a_translation_knows_its_answer_confidence_and_impossibility(model):
    result = translation.translate(model, VOCAB, CONFIG, "Nov 22 2016")
    assert (result.expected, result.label, result.impossible) == ("2016-11-22", "medium_nocomma/title", None)
    assert result.confidence.shape == (10,) and ((0 < result.confidence) & (result.confidence <= 1)).all()
    assert result.wrong == [p != e for p, e in zip(result.prediction, "2016-11-22")]
    impossible = translation.translate(model, VOCAB, CONFIG, "31 February 2020")
    assert impossible.expected is None and impossible.correct is None and impossible.wrong is None
    assert impossible.impossible == "February 2020 has only 29 days"


def test_refused_characters_in_order_of_appearance():
    assert translation.refused_characters(VOCAB, "22?11!16?") == ["?", "!"]
    assert translation.refused_characters(VOCAB, "22.11.16") == []


def test_variant_rows_summarise_each_answer(model):
    examples = variants.of_text("22.11.16")
    results = translation.translate_many(model, VOCAB, CONFIG, [e.question for e in examples])
    rows = variants.rows("2016-11-22", examples, results)
    assert [r["input"] for r in rows] == [e.question for e in examples]
    assert [r["change"] for r in rows][-4:] == ["day -1", "day +1", "month -1", "month +1"]
    for row, result in zip(rows, results):
        assert row["mark"] == ("✓" if result.correct else "✗")
        assert row["summary"].startswith("right" if result.correct else "wrong at character")
