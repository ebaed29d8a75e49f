"""Work shared by every visitor of the server: a cache whose entries each are made once, even when
several sessions ask for the same one at the same moment.

Why not st.cache_resource: any visitor can send Streamlit's "clear cache" message, which empties
those caches for everyone (a class then reloads every model on every typed date). These caches are
module globals of the server process, which that message does not reach. And two visitors asking for
the same evaluation of 50,000 lines must not decode it twice: the second waits for the first.
"""
import threading
from collections import OrderedDict


class SharedCache:
    """Up to max_entries values by key, least recently used dropped first."""

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self._values = OrderedDict()
        self._making = {}   # key -> threading.Event set when its maker ends (with a value or not)
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        return default

    def __contains__(self, key):
        with self._lock:
            return key in self._values

    def get_or_make(self, key, make, while_waiting=None):
        """The value for key, made by make() once. A caller who finds another session making it waits,
        calling while_waiting() about every half second (a page redraws there, so Streamlit can stop it);
        if that maker fails or is cancelled, the next caller makes it."""
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                done = self._making.get(key)
                if done is None:
                    done = self._making[key] = threading.Event()
                    break
            while not done.wait(0.5):
                if while_waiting:
                    while_waiting()
        try:
            value = make()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._making.pop(key, None)
            done.set()
