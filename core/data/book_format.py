"""Datasets in the book's format, the character vocabulary, and the book's 90/10 split.

A book-format file has one example per line, ``question_answer``: the question right-padded with
spaces to a fixed width, ``_`` the decoder's start character, e.g. ``16+75  _91  ``.
"""
import contextlib
import gc
import json
from dataclasses import dataclass, field

import numpy as np

from core.data import date_parser, dates, server_files
from core.errors import UserError

START_CHAR = "_"
PAD_CHAR = " "
SPLIT_SEED = 1984   # the book's seed: the same split as its sequence.py and the PyTorch reference


@dataclass
class Dataset:
    questions: list                                  # unpadded input strings
    answers: list                                    # output strings, all of one length
    labels: list = None                              # format label per example, when known
    examples: list = field(default=None, repr=False) # DateExample (or None) per example, when known

    def __len__(self):
        return len(self.questions)

    def subset(self, index):
        pick = lambda xs: None if xs is None else [xs[i] for i in index]
        return Dataset(pick(self.questions), pick(self.answers), pick(self.labels), pick(self.examples))


def generated(n, seed=0):
    examples = dates.generate(n, seed)
    return Dataset([e.question for e in examples], [e.answer for e in examples],
                   [e.label for e in examples], examples)


def generated_for(dataset, vocab):
    """The generated examples a model can be asked fairly: in the formats it learnt (a run saved before
    the generator grew knows fewer, core.data.dates.trained_formats) and that its vocabulary and
    width read (a model trained on a file may read fewer characters)."""
    formats = set(dates.trained_formats(vocab.chars, vocab.input_width))
    chars = set(vocab.chars)
    keep = [i for i, (q, label) in enumerate(zip(dataset.questions, dataset.labels))
            if label.split("/")[0] in formats and len(q) <= vocab.input_width and set(q) <= chars]
    return dataset if len(keep) == len(dataset) else dataset.subset(keep)


# Limits of a book-format file (README, "Hosting"): one 200,000-character question made training
# allocate gigabytes, so a question, an answer and the character set are capped.
MAX_QUESTION_CHARS = 100
MAX_ANSWER_CHARS = 40
MAX_DISTINCT_CHARS = 200
EXCERPT_CHARS = 40


def load_file(path, limit=None):
    """Read a book-format file (at most `limit` bytes, default the data size cap).

    Malformed lines raise UserError naming the file, the line number and the reason, never the line:
    the file may be one the user should not see.
    """
    raw = server_files.read_bounded(path, limit)
    return parse_book_format(raw, str(path))


def read_server_file(name, dirs):
    """A file of the allowed data folders, by the name a picker listed -> (DataFile, raw bytes, Dataset).

    Resolved again (still there, still inside an allowed folder), read with the size cap and parsed:
    a bad line is a UserError naming its number, never its content.
    """
    chosen = server_files.resolve(name, dirs)
    raw = server_files.read_bounded(chosen.path, shown=chosen.name)
    return chosen, raw, parse_book_format(raw, chosen.name)


def load_upload(name, raw):
    """Validate an uploaded file's bytes; the user's own lines may be quoted, short and escaped."""
    return parse_book_format(raw, server_files.display_name(name), excerpts=True)


def checked_upload(name, raw):
    """An uploaded file's bytes -> server_files.Upload, once they are a valid book-format file under the
    size cap; otherwise UserError (and nothing has been written anywhere)."""
    limit = server_files.max_bytes()
    if len(raw) > limit:
        raise UserError(f"the upload is {len(raw) / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB")
    load_upload(name, raw)
    return server_files.Upload(server_files.display_name(name), raw, server_files.sha256(raw))


def _excerpt(line):
    shown = line if len(line) <= EXCERPT_CHARS else line[:EXCERPT_CHARS] + "..."
    return f" ({shown!r})"   # repr: quotes, escapes control characters


@contextlib.contextmanager
def cyclic_gc_paused():
    """Building a file's 100,000s of small objects (strings, parsed dates; no reference cycles) makes
    Python's cyclic collector run full passes over every live object, more often the more the process
    already holds: the book's file loaded in 0.5-1.0 s with it, 0.3-0.5 s without. Paused meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_book_format(raw, where, excerpts=False):
    """Bytes of a book-format file -> Dataset; a bad line raises UserError naming where and its number."""
    with cyclic_gc_paused():
        return _parse_book_format(raw, where, excerpts)


def _parse_book_format(raw, where, excerpts):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise UserError(f"{where}, line {line}: not UTF-8 text")
    questions, answers = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")   # files saved with Windows line ends

        def bad(reason):
            return UserError(f"{where}, line {number}: {reason}" + (_excerpt(line) if excerpts else ""))

        if not line.strip():
            continue
        if START_CHAR not in line:
            raise bad(f"no '{START_CHAR}' between question and answer")
        question, answer = line.split(START_CHAR, 1)
        question = question.rstrip(PAD_CHAR)
        if not question.strip() or not answer.strip():
            raise bad("empty question or answer")
        if len(question) > MAX_QUESTION_CHARS:
            raise bad(f"the question is {len(question)} characters long; at most {MAX_QUESTION_CHARS}")
        if len(answer) > MAX_ANSWER_CHARS:
            raise bad(f"the answer is {len(answer)} characters long; at most {MAX_ANSWER_CHARS}")
        if not line.isprintable():
            raise bad("a control character")
        questions.append(question)
        answers.append(answer)
    if not questions:
        raise UserError(f"{where}: no examples in the file")
    distinct = len(set("".join(questions)) | set("".join(answers)))
    if distinct > MAX_DISTINCT_CHARS:
        raise UserError(f"{where}: {distinct} different characters; a model reads at most {MAX_DISTINCT_CHARS}")
    length = max(map(len, answers))
    answers = [a.ljust(length, PAD_CHAR) for a in answers]
    # Questions the generator's formats can read get their format label and source spans, for
    # per-format accuracy and alignment scores on date files.
    # (each distinct question parsed once: a file repeats some, the book's 17% of its lines)
    parsed_once = {q: date_parser.parse(q) for q in set(questions)}
    parsed = [parsed_once[q] for q in questions]
    if not any(parsed):
        return Dataset(questions, answers)   # not a date file
    labels = [p.label if p else "other" for p in parsed]
    return Dataset(questions, answers, labels, parsed)


def split(dataset, seed=SPLIT_SEED, test_fraction=0.1):
    """Shuffle with a seed; the last test_fraction is the test set (the book's split)."""
    order = np.arange(len(dataset))
    # The legacy generator, seeded locally, reproduces the book's shuffle exactly (global state untouched).
    np.random.RandomState(seed).shuffle(order)
    cut = len(order) - int(len(order) * test_fraction)
    return dataset.subset(order[:cut]), dataset.subset(order[cut:])


@dataclass
class Vocab:
    chars: str           # characters in id order
    input_width: int     # S: questions are padded to this width
    output_length: int   # T: answer characters generated after the start character

    @classmethod
    def for_dataset(cls, dataset, extra_chars=""):
        chars = set(extra_chars) | {PAD_CHAR, START_CHAR}
        for text in dataset.questions + dataset.answers:
            chars |= set(text)
        width = max(map(len, dataset.questions))
        return cls("".join(sorted(chars)), width, len(dataset.answers[0]))

    @property
    def start_id(self):
        return self.chars.index(START_CHAR)

    def _ids(self):
        return {c: i for i, c in enumerate(self.chars)}

    def check_question(self, text):
        """Raise UserError with a one-line reason when text cannot be fed to the model."""
        if not text.strip():
            raise UserError("the input is empty")
        if len(text) > self.input_width:
            raise UserError(f"the input is {len(text)} characters long; this model reads at most "
                            f"{self.input_width}")
        unknown = sorted(set(text) - set(self.chars))
        if unknown:
            shown = " ".join(repr(c) for c in unknown)
            raise UserError(f"characters outside the model's vocabulary: {shown}")

    def encode_questions(self, questions, reverse=True):
        """Strings -> ids (N, S), right-padded with spaces, reversed as the book feeds the encoder."""
        lengths = np.fromiter(map(len, questions), dtype=np.int64, count=len(questions))
        fits = lengths <= self.input_width
        ids = self._ids_of(questions, self.input_width, lengths, np.flatnonzero(fits))
        blank = np.fromiter((not q.strip() for q in questions), dtype=bool, count=len(questions))
        bad = np.flatnonzero(~fits | blank | (ids < 0).any(axis=1))
        if len(bad):   # name the first bad example and why, never its text (it may come from a file)
            try:
                self.check_question(questions[bad[0]])
            except UserError as e:
                raise UserError(f"example {bad[0] + 1}: {e}")
        return ids[:, ::-1].copy() if reverse else ids

    def encode_answers(self, answers):
        """Strings -> ids (N, 1 + T), the start character first."""
        lengths = np.fromiter(map(len, answers), dtype=np.int64, count=len(answers))
        fits = np.flatnonzero(lengths <= self.output_length)
        ids = self._ids_of(answers, self.output_length, lengths, rows_checked=fits)
        bad = np.flatnonzero((lengths > self.output_length) | (ids < 0).any(axis=1))
        if len(bad):
            raise UserError(f"answer {bad[0] + 1} does not fit this model's output")
        return np.concatenate((np.full((len(answers), 1), self.start_id), ids), axis=1)

    def _ids_of(self, texts, width, lengths, rows_checked):
        """ids (N, width) of texts padded with PAD_CHAR, -1 for a character outside the vocabulary.
        Only rows_checked (those no longer than width) are encoded; the others stay -1.

        In array operations: the texts become a (N, width) array of code points, and each code point
        is found among the vocabulary's sorted ones (50,000 lines in 40 ms, not 300)."""
        ids = np.full((len(texts), width), -1, dtype=np.int64)
        if len(rows_checked) == 0 or width == 0:
            return ids
        chosen = [texts[row] for row in rows_checked.tolist()]
        points = np.array(chosen, dtype=f"<U{width}").view(np.uint32).reshape(len(chosen), width)
        known = np.array(sorted(map(ord, self.chars)), dtype=np.uint32)
        id_of_known = np.array([self.chars.index(chr(p)) for p in known], dtype=np.int64)
        where = np.minimum(np.searchsorted(known, points), len(known) - 1)
        found = np.where(known[where] == points, id_of_known[where], -1)
        padding = np.arange(width) >= lengths[rows_checked][:, None]
        found[padding] = self.chars.index(PAD_CHAR)
        ids[rows_checked] = found
        return ids

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)

    def decode_many(self, ids):
        """ids (N, T) -> N strings, as decode would give them row by row."""
        points = np.array([ord(c) for c in self.chars], dtype=np.uint32)[ids]
        return np.ascontiguousarray(points).view(f"<U{ids.shape[1]}").ravel().tolist()

    def to_json(self):
        return {"chars": list(self.chars), "start_char": START_CHAR, "pad_char": PAD_CHAR,
                "input_width": self.input_width, "output_length": self.output_length}

    @classmethod
    def from_json(cls, obj):
        return cls("".join(obj["chars"]), int(obj["input_width"]), int(obj["output_length"]))

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, indent=1)
