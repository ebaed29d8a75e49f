"""Any task in the book's format is first-class (issue 20, item 10): the addition data we generate, a
run's task read from its own data, and the right answers every view takes from it."""
import hashlib
import os
import re
import shutil

import numpy as np
import pytest

from core import data, rundir
from core.data import addition, honesty, tasks
from core.decoding import inspection, translation
from core.rundir import task as run_tasks
from core.training.config import TrainConfig


def test_the_generated_addition_file_has_the_books_shape_and_right_sums():
    text = addition.book_lines(500, seed=3)
    lines = text.splitlines()
    assert len(lines) == 500 and text == addition.book_lines(500, seed=3)   # seeded
    assert text != addition.book_lines(500, seed=4)
    for line in lines:
        assert re.fullmatch(r"[0-9]+\+[0-9]+ *_[0-9]+ *", line)
        question, answer = line.split("_")
        assert len(question) == addition.QUESTION_WIDTH and len(answer) == addition.ANSWER_WIDTH
        left, right = question.strip().split("+")
        assert 0 <= int(left) <= 999 and 0 <= int(right) <= 999
        assert int(answer) == int(left) + int(right)
    dataset = data.parse_book_format(text.encode(), "addition.txt")
    assert tasks.kind_of(dataset) == "addition" and dataset.labels is None


def test_a_task_answers_from_its_own_data_then_the_sum_or_the_date_parser():
    dataset = data.parse_book_format(b"16+75  _91  \n5+5    _10  \n", "a")
    task = tasks.of_dataset(dataset)
    assert task.kind == "addition" and task.examples == ("16+75", "5+5")
    assert task.answer_of(" 16+75 ").expected == "91"        # padding stripped, as the data's
    assert task.answer_of("400+600").expected == "1000"      # not in the data: the sum itself
    assert task.answer_of("16-75").expected is None
    words = tasks.of_dataset(data.parse_book_format(b"abc_cba\nxyz_zyx\n", "w"))
    assert words.kind == "text" and words.answer_of("abc").expected == "cba"
    assert words.answer_of("zzz").expected is None and words.answer_of("zzz").impossible is None
    # a date task: the data's answer first (a file may say anything), then the parser
    dates = tasks.Task("dates", answers={"2/10/93": "1993-02-11"})
    assert dates.answer_of("2/10/93").expected == "1993-02-11"
    assert dates.answer_of("Aug 19, 2003").expected == "2003-08-19"
    assert tasks.DATES.answer_of("31 February 2020").impossible


def make_file_run(root, lines, name="run"):
    """A run directory as training leaves it before step 0 (config, vocab), trained on a file."""
    run_dir = os.path.join(root, name)
    path = os.path.join(root, f"{name}.txt")
    raw = "".join(lines).encode()
    with open(path, "wb") as f:
        f.write(raw)
    dataset = data.parse_book_format(raw, path)
    config = TrainConfig(data=path, data_name="mine.txt", data_size_bytes=len(raw),
                         data_sha256=hashlib.sha256(raw).hexdigest())
    os.makedirs(run_dir)
    rundir.definition.write_json_atomic(os.path.join(run_dir, "config.json"), config.to_json())
    data.Vocab.for_dataset(dataset).save(os.path.join(run_dir, "vocab.json"))
    return run_dir, path


def test_a_runs_task_comes_from_the_file_it_trained_on(tmp_path):
    run_dir, path = make_file_run(str(tmp_path), addition.book_lines(200, seed=1))
    found = run_tasks.run_data(run_dir)
    assert found.task.kind == "addition" and len(found.test_set) == 20
    assert set(found.task.examples) <= set(found.test_set.questions)   # examples from the test split
    question, answer = addition.examples(200, seed=1)[0]
    assert found.task.answer_of(question).expected == answer
    assert run_tasks.run_data(run_dir) is found                        # read once
    with open(path, "a") as f:                                         # the file changed since training
        f.write("1+1    _2   \n")
    changed = run_tasks.run_task(run_dir)
    assert changed.kind == "text" and not changed.answers and "changed since the run trained" in changed.note
    os.remove(path)
    assert "not found" in run_tasks.run_task(run_dir).note


def test_an_upload_is_read_from_the_runs_own_copy_after_the_run_folder_moved(tmp_path):
    run_dir, path = make_file_run(str(tmp_path), addition.book_lines(50, seed=2))
    config = rundir.read_config(run_dir)
    shutil.copy(path, os.path.join(run_dir, "upload.txt"))
    config.data = "/somewhere/else/upload.txt"                          # where it lived at Start
    rundir.definition.write_json_atomic(os.path.join(run_dir, "config.json"), config.to_json())
    assert run_tasks.run_task(run_dir).kind == "addition"


def test_a_generator_run_is_a_date_task_and_a_date_file_run_too(tiny_run, tmp_path):
    assert run_tasks.run_task(tiny_run) is tasks.DATES
    run_dir, _ = make_file_run(str(tmp_path), [f"{e.question}_{e.answer}\n" for e in data.generated(100, 5).examples])
    assert run_tasks.run_task(run_dir).dates


def test_translation_and_teacher_forcing_take_the_right_answer_from_the_runs_data(tiny_run):
    """Issue 22's gap (a): an input the date parser cannot read gets its right answer from the run's data."""
    model, vocab, config, _ = rundir.load_model(tiny_run)
    text = "11 22 33"   # characters the date vocabulary has, no date the parser reads
    assert translation.translate(model, vocab, config, text).expected is None
    task = tasks.Task("text", (text,), {text: "2001-02-03"})
    result = translation.translate(model, vocab, config, text, task)
    assert result.expected == "2001-02-03" and result.correct is False and result.impossible is None
    free = inspection.free_running(model, vocab, config, text, task=task)
    assert free.result.expected == "2001-02-03"
    forced = inspection.teacher_forced(model, vocab, config, text, free.result.expected)
    assert forced.fed == "_2001-02-0"[:vocab.output_length]


def test_teacher_forcing_pads_a_short_answer_as_training_does(tiny_run):
    model, vocab, config, _ = rundir.load_model(tiny_run)
    short = inspection.teacher_forced(model, vocab, config, "2/10/93", "91")
    padded = inspection.teacher_forced(model, vocab, config, "2/10/93", "91".ljust(vocab.output_length))
    assert short.fed == "_91" + " " * (vocab.output_length - 3)
    np.testing.assert_array_equal(short.result.attention, padded.result.attention)


@pytest.mark.parametrize("kind, noun", [("dates", "date"), ("addition", "sum"), ("text", "question")])
def test_no_answer_text_names_the_task(kind, noun):
    message = tasks.Task(kind).no_answer_text()
    assert (message == honesty.UNREADABLE) == (kind == "dates")   # a date model's input that means nothing
    assert kind == "dates" or noun in message
