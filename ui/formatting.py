"""Numbers and times as the pages write them."""
import time


def format_time(timestamp):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp)) if timestamp else ""


def format_duration(seconds):
    """3 s, 2 min 05 s, 1 h 04 min: a duration to read at a glance."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def mark(result):
    """A prediction with a check mark or a cross where the right answer is known."""
    return result.prediction.strip() + ("" if result.correct is None else (" ✓" if result.correct else " ✗"))
