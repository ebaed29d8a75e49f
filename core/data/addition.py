"""The book's chapter 7 addition task, generated here: `16+75  _91  `.

Each line is two whole numbers from 0 to 999 joined by '+', padded with spaces to the width of the
longest question ("999+999", 7 characters), then the start character '_' and the sum padded to the
longest sum's width (4 characters): the same shape as the book's addition.txt, drawn from a seed.
"""
import numpy as np

from core.data.book_format import PAD_CHAR, START_CHAR

MAX_OPERAND = 999
QUESTION_WIDTH = len(f"{MAX_OPERAND}+{MAX_OPERAND}")   # 7
ANSWER_WIDTH = len(str(2 * MAX_OPERAND))               # 4
DEMO_SIZE = 20_000    # the Train page's one-click demo (ui/addition_demo.py)
DEMO_SEED = 7
FILE_NAME = "addition.txt"


def examples(n, seed=0):
    """n (question, answer) pairs, both unpadded: ("16+75", "91"). Same seed, same pairs."""
    a, b = np.random.default_rng(seed).integers(0, MAX_OPERAND + 1, size=(2, n))
    return [(f"{x}+{y}", str(x + y)) for x, y in zip(a.tolist(), b.tolist())]


def book_lines(n, seed=0):
    """The book's format, one example a line: "16+75  _91  "."""
    return "".join(f"{q.ljust(QUESTION_WIDTH, PAD_CHAR)}{START_CHAR}{s.ljust(ANSWER_WIDTH, PAD_CHAR)}\n"
                   for q, s in examples(n, seed))


def file_bytes(n=DEMO_SIZE, seed=DEMO_SEED):
    """A whole addition file as UTF-8 bytes, as an upload would bring it."""
    return book_lines(n, seed).encode("utf-8")
