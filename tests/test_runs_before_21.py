"""Runs saved before the generator grew (issue 21: input width 38 -> 48, three more characters) load
and translate exactly as before. tests/fixtures/run-before-21 is a small run trained by the code of
commit 830490d (the last before issue 21) and stopped in its third epoch; the .translations.json beside
it is what that code translated with its last checkpoint: predictions, attention, refusals."""
import json
import os

import numpy as np
import pytest

from core import data, rundir
from core.data import dates
from core.decoding import translation
from core.errors import UserError
from tests.conftest import PROJECT_ROOT

OLD_RUN = os.path.join(PROJECT_ROOT, "tests", "fixtures", "run-before-21")
with open(OLD_RUN + ".translations.json", encoding="utf-8") as f:
    RECORDED = json.load(f)


def test_the_old_run_keeps_its_own_vocabulary_and_width():
    for checkpoint in ("epoch_001", "epoch_002", "iter_0000260"):
        model, vocab, config, name = rundir.load_model(OLD_RUN, checkpoint)
        assert (vocab.input_width, len(vocab.chars)) == (38, 60) and name == checkpoint
        assert model.params["encoder.embed.W"].shape[0] == model.params["decoder.embed.W"].shape[0] == 60
    assert dates.INPUT_WIDTH == 48 and len(dates.alphabet()) == 63 and set(vocab.chars) < set(dates.alphabet())
    assert dates.trained_formats(vocab.chars, vocab.input_width) == dates.OLD_FORMATS


@pytest.mark.parametrize("record", RECORDED["translations"], ids=lambda r: r["text"])
def test_it_translates_as_before(record):
    model, vocab, config, name = rundir.load_model(OLD_RUN)
    assert name == RECORDED["checkpoint"]
    if "refused" in record:   # a new form's apostrophe or 'x', or one longer than 38 characters
        with pytest.raises(UserError) as refused:
            translation.translate(model, vocab, config, record["text"])
        assert str(refused.value) == record["refused"]
        return
    result = translation.translate(model, vocab, config, record["text"])
    assert result.prediction == record["prediction"]
    np.testing.assert_allclose(result.attention, np.array(record["attention"]), atol=1e-6)
    if record["expected"] is not None:   # the parser now also reads the new forms ("20190315")
        assert result.expected == record["expected"]
    assert result.impossible == record["impossible"]


def test_generated_dates_for_it_are_in_the_forms_it_learnt_and_fit_it():
    vocab = rundir.load_model(OLD_RUN)[1]
    generated = data.generated(3000, seed=2026)
    fair = data.generated_for(generated, vocab)
    assert 0.6 * len(generated) < len(fair) < len(generated)
    assert {label.split("/")[0] for label in fair.labels} == set(dates.OLD_FORMATS)
    vocab.encode_questions(fair.questions)   # every one fits (a refusal would raise)
    new_vocab = data.Vocab(dates.alphabet(), dates.INPUT_WIDTH, dates.ANSWER_LENGTH)
    assert data.generated_for(generated, new_vocab) is generated


def test_evaluate_by_format_sums_the_cases(tmp_path):
    examples = data.generated(400, seed=5)
    keep = data.generated_for(examples, rundir.load_model(OLD_RUN)[1])
    path = tmp_path / "dates.txt"
    path.write_text("".join(f"{q.ljust(38)}_{a}\n" for q, a in zip(keep.questions, keep.answers)))
    from tests.conftest import run_module
    by_label = run_module("core.evaluate", OLD_RUN, "--data", path, check=True).stdout
    by_format = run_module("core.evaluate", OLD_RUN, "--data", path, "--by", "format", check=True).stdout
    assert by_label.splitlines()[-1] == by_format.splitlines()[-1]          # the same accuracy line
    cells = [line.split() for line in by_format.splitlines()[2:]]
    rows = {c[0]: int(c[2]) for c in cells if c and c[0] in dates.FORMATS}
    assert sum(rows.values()) == len(keep) and "long" in rows and "long/title" not in by_format.split("case")[0]
