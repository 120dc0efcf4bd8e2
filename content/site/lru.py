"""The one in-process LRU: a bounded dictionary that forgets the least recently used entry first.

Used for this process's recent pages (content.site.page_cache, bounded by bytes) and the memo of
compressed pages (portal.security, bounded by entries). Safe to share between threads.
"""

import threading
from collections import OrderedDict


class LRU:
    """At most `capacity` of what `size_of` counts (1 per entry unless given), most recent last."""

    def __init__(self, capacity, size_of=None):
        self.capacity = capacity
        self.size_of = size_of or (lambda _value: 1)
        self.size = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def __len__(self):
        return len(self.entries)

    def get(self, key, default=None):
        with self.lock:
            value = self.entries.get(key, default)
            if key in self.entries:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        size = self.size_of(value)
        with self.lock:
            if key in self.entries:
                self.size -= self.size_of(self.entries.pop(key))
            self.entries[key] = value
            self.size += size
            while self.size > self.capacity and self.entries:
                _key, oldest = self.entries.popitem(last=False)
                self.size -= self.size_of(oldest)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0
