"""The book-format loader, the vocabulary and the split (the date generator: test_dates.py)."""
import os
import re

import numpy as np
import pytest

from core import data
from core.data import dates
from core.errors import UserError

BOOK_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "date.txt")


def write(tmp_path, text):
    path = tmp_path / "data.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_loader_strips_and_keeps_any_book_format(tmp_path):
    dataset = data.load_file(write(tmp_path, "16+75  _91  \n1+2    _3   \n\n"))
    assert dataset.questions == ["16+75", "1+2"]
    assert dataset.answers == ["91  ", "3   "]
    assert dataset.labels is None
    vocab = data.Vocab.for_dataset(dataset)
    xs = vocab.encode_questions(dataset.questions, reverse=False)
    assert vocab.decode(xs[1]) == "1+2  "
    assert vocab.decode(vocab.encode_questions(["1+2"])[0]) == "  2+1"   # reversed for the encoder
    assert vocab.decode(vocab.encode_answers(["91"])[0]) == "_91  "


def test_loader_accepts_windows_line_ends(tmp_path):
    dataset = data.load_file(write(tmp_path, "1+2  _3 \r\n10+1 _11\r\n"))
    assert dataset.questions == ["1+2", "10+1"] and dataset.answers == ["3 ", "11"]


@pytest.mark.parametrize("text, line", [("12_3\nno separator here\n", 2), ("_3\n", 1), ("1+1_\n", 1)])
def test_loader_names_the_bad_line(tmp_path, text, line):
    with pytest.raises(UserError, match=f"line {line}"):
        data.load_file(write(tmp_path, text))


def test_loader_missing_file():
    with pytest.raises(UserError, match="not found"):
        data.load_file("/nonexistent/file.txt")


def test_vocab_rejects_bad_questions_clearly():
    vocab = data.Vocab("_ 0123456789", 5, 2)
    with pytest.raises(UserError, match="empty"):
        vocab.check_question("   ")
    with pytest.raises(UserError, match="6 characters long"):
        vocab.check_question("123456")
    with pytest.raises(UserError, match="'a' 'x'"):
        vocab.check_question("1x2a")


def test_vocab_json_round_trip(tmp_path):
    vocab = data.Vocab(dates.alphabet(), 29, 10)
    vocab.save(tmp_path / "vocab.json")
    import json
    assert data.Vocab.from_json(json.loads((tmp_path / "vocab.json").read_text())) == vocab


def test_split_is_the_books_ninety_ten():
    dataset = data.generated(1000, seed=4)
    train, test = data.split(dataset)
    assert (len(train), len(test)) == (900, 100)
    assert sorted(train.questions + test.questions) == sorted(dataset.questions)
    again = data.split(dataset)[1]
    assert again.questions == test.questions


@pytest.mark.skipif(not os.path.exists(BOOK_FILE), reason="the book's date.txt is not beside the project")
def test_books_file_loads_with_formats_and_fits_the_generators_vocabulary():
    dataset = data.load_file(BOOK_FILE)
    assert len(dataset) == 50000
    assert max(map(len, dataset.questions)) <= dates.INPUT_WIDTH
    assert set("".join(dataset.questions + dataset.answers)) <= set(dates.alphabet())
    # every line reads as one of the book's four formats, under the book's labels
    assert {label.split("/")[0] for label in dataset.labels} == {"full", "long", "medium", "short"}
    assert all(e.answer == a for e, a in zip(dataset.examples[:2000], dataset.answers))
    # the split matches the book's (seed 1984, legacy shuffle): the PyTorch reference sees the same test set
    order = np.arange(50000)
    np.random.RandomState(1984).shuffle(order)
    assert data.split(dataset)[1].questions[0] == dataset.questions[order[45000]]


def test_encoding_in_arrays_names_the_first_bad_example_and_decodes_back():
    vocab = data.Vocab(" +0123456789_", 5, 3)
    questions = ["1+2", "16+75", "0"]
    xs = vocab.encode_questions(questions, reverse=False)
    assert [vocab.decode(row) for row in xs] == [q.ljust(5) for q in questions]
    assert vocab.decode_many(xs) == [q.ljust(5) for q in questions]
    answers = vocab.encode_answers(["3", "91", "0  "])
    assert vocab.decode_many(answers[:, 1:]) == ["3  ", "91 ", "0  "]
    for bad, reason in ((["1+2", "1-2"], "example 2: characters outside the model's vocabulary: '-'"),
                        (["1+2", "   ", "1x"], "example 2: the input is empty"),
                        (["123456", "x"], "example 1: the input is 6 characters long"),
                        (["1", "2\0"], "example 2: characters outside")):
        with pytest.raises(UserError, match=re.escape(reason)):
            vocab.encode_questions(bad)
    with pytest.raises(UserError, match="answer 2 does not fit"):
        vocab.encode_answers(["1", "1234"])
    with pytest.raises(UserError, match="answer 1 does not fit"):
        vocab.encode_answers(["a"])
