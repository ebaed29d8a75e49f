"""A one-line terminal progress bar with ETA; silent when the stream is not a terminal."""
import time


class ProgressBar:
    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width
        self.start = time.perf_counter()
        self.interactive = stream.isatty()
        self.last_message = ""

    def update(self, done, total, message=""):
        elapsed = time.perf_counter() - self.start
        eta = elapsed / done * (total - done) if done else 0.0
        filled = int(self.width * done / max(total, 1))
        line = (f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} "
                f"{elapsed:5.0f}s elapsed, ETA {eta:4.0f}s  {message}")
        if self.interactive:
            self.stream.write("\r" + line[:120].ljust(120))
            self.stream.flush()
        elif "accuracy" in message and message != self.last_message:
            self.stream.write(line + "\n")   # in logs: one line per epoch instead of a redrawn bar
        self.last_message = message

    def close(self):
        if self.interactive:
            self.stream.write("\n")
