"""The date generator, the book-format loader, the vocabulary and the split."""
import datetime as dt
import os

import numpy as np
import pytest

from core import data, dates
from core.errors import UserError

BOOK_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "date.txt")


def test_generator_is_deterministic_and_seeded():
    assert dates.generate(50, seed=7) == dates.generate(50, seed=7)
    assert dates.generate(50, seed=7) != dates.generate(50, seed=8)


def test_every_format_and_case_appears_and_fits_the_width():
    examples = dates.generate(5000, seed=1)
    labels = {e.label for e in examples}
    expected = {f"{f}/{c}" for f in dates.WORD_FORMATS for c in dates.CASES} | {"short", "iso"}
    assert labels == expected
    assert max(len(e.question) for e in examples) <= dates.INPUT_WIDTH
    assert set("".join(e.question + e.answer for e in examples)) <= set(dates.alphabet())


def test_book_formats_are_written_like_the_book():
    day = dt.date(2016, 11, 22)
    assert dates.render(day, "full")[0] == "Tuesday, November 22, 2016"
    assert dates.render(day, "long", "lower")[0] == "november 22, 2016"
    assert dates.render(day, "medium", "upper")[0] == "NOV 22, 2016"
    assert dates.render(day, "short")[0] == "11/22/16"
    assert dates.render(dt.date(1993, 2, 10), "short")[0] == "2/10/93"


def test_spans_point_at_the_written_fields():
    for e in dates.generate(300, seed=2):
        day = dt.date.fromisoformat(e.answer)
        year, month, dayfield = (e.question[slice(*e.spans[k])] for k in ("year", "month", "day"))
        assert int(dayfield) == day.day
        assert year in (str(day.year), str(day.year)[2:])
        assert month.lower() in (dates.MONTHS[day.month - 1].lower(), dates.MONTHS[day.month - 1][:3].lower(),
                                 str(day.month), f"{day.month:02d}")
        sources = e.source_spans()
        assert len(sources) == len(e.answer) and sources[4] is None and sources[7] is None


def test_no_string_reads_as_two_dates():
    """Every generated string parses back to exactly its own date: the formats are unambiguous."""
    for e in dates.generate(3000, seed=3):
        parsed = dates.parse(e.question)
        assert parsed is not None and parsed.answer == e.answer, e


def test_parse_rejects_non_dates():
    assert dates.parse("hello world") is None
    assert dates.parse("February 30, 2016") is None
    assert dates.parse("") is None


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
    assert "other" not in dataset.labels
    # the split matches the book's (seed 1984, legacy shuffle): the PyTorch reference sees the same test set
    order = np.arange(50000)
    np.random.RandomState(1984).shuffle(order)
    assert data.split(dataset)[1].questions[0] == dataset.questions[order[45000]]
