"""What a run's data is about, so the pages treat any book-format task as first-class.

A `Task` says what kind of data a run trained on ("dates": the built-in generator, or a file whose
questions the date parser reads; "addition": every question is two whole numbers joined by '+'; "text":
any other book-format file), example questions for probes and example buttons, and the right answer
of any question of the run's own data. `answer_of(text)` is the one lookup of a right answer: the
run's own data first, then (for dates only) the date parser. core/rundir/task.py builds a run's Task
once from the file it trained on.
"""
import re
from dataclasses import dataclass, field

from core.data import date_parser, honesty

# The Attention page's example dates: one per kind of form, so the buttons show the range
DATE_EXAMPLES = ("Tuesday, November 22, 2016", "september 27, 1994", "Aug 19, 2003", "2/10/93",
                 "22.11.2016", "Tue 22 Nov 2016", "The 3rd of March 2021", "2016/11/22")
EXAMPLE_COUNT = len(DATE_EXAMPLES)
_ADDITION = re.compile(r"[0-9]{1,9}\+[0-9]{1,9}")


@dataclass(frozen=True)
class Answer:
    """The right answer of one input, and what the date parser knows of it (dates only)."""
    expected: str = None      # None: unknown
    parsed: object = None     # date_parser's DateExample, for the source spans and the format label
    impossible: str = None    # why a date written in a known form names no real date


@dataclass(frozen=True, eq=False)
class Task:
    kind: str                                           # "dates" | "addition" | "text"
    examples: tuple = DATE_EXAMPLES                     # questions to offer (from the run's test split)
    answers: dict = field(default_factory=dict, repr=False)   # question -> answer, padding stripped
    note: str = None                                    # why the run's data could not be read, if so

    @property
    def dates(self):
        return self.kind == "dates"

    @property
    def noun(self):
        """What an input is called on the pages: "date", "sum" or "question"."""
        return {"dates": "date", "addition": "sum"}.get(self.kind, "question")

    def answer_of(self, text):
        """The right answer of text: looked up in the run's data, else read by the date parser (dates)."""
        text = text.strip()
        known = self.answers.get(text)
        if self.kind == "addition" and known is None and _ADDITION.fullmatch(text):
            left, right = text.split("+")
            known = str(int(left) + int(right))   # a sum the data does not hold is still known
        if not self.dates:
            return Answer(known)
        parsed = date_parser.parse(text)
        if known is None and parsed is None:
            return Answer(impossible=date_parser.impossible(text))
        return Answer(known if known is not None else parsed.answer, parsed)

    def no_answer_text(self):
        """One line saying why an input has no known right answer."""
        if self.dates:
            return honesty.UNREADABLE   # a date model always writes some date: say that this one means nothing
        if self.note:
            return f"No known right answer: {self.note}."
        return (f"This {self.noun} is not one of this run's questions, so its right answer is unknown "
                "(the examples below are from the run's test split).")


DATES = Task("dates")


def kind_of(dataset):
    """"dates", "addition" or "text" for a Dataset (core.data.book_format)."""
    if dataset.labels is not None:
        return "dates"
    if all(_ADDITION.fullmatch(q) for q in dataset.questions):
        return "addition"
    return "text"


def of_dataset(dataset, test_set=None):
    """The Task of a run trained on dataset; examples from test_set (the run's test split) when given."""
    kind = kind_of(dataset)
    source = test_set if test_set is not None and len(test_set) else dataset
    examples = tuple(dict.fromkeys(source.questions))[:EXAMPLE_COUNT]
    answers = {q: a.strip() for q, a in zip(dataset.questions, dataset.answers)}
    return Task(kind, examples, answers)
