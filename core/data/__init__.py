"""Data: the book's file format, vocabulary and split (book_format.py, exported here), the date
generator (dates.py) and reader (date_parser.py), variants of a date (variants.py), and the server's
data files (server_files.py: allowed folders, bounded reads)."""
from core.data.book_format import (EXCERPT_CHARS, MAX_ANSWER_CHARS, MAX_DISTINCT_CHARS, MAX_QUESTION_CHARS, PAD_CHAR,
                                   SPLIT_SEED, START_CHAR, Dataset, Vocab, checked_upload, generated, generated_for, load_file,
                                   load_upload, parse_book_format, read_server_file, split)
