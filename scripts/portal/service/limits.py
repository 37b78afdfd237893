"""Per-client rate limits: a sliding window of recent events per key, in this process's memory.

Keys are e.g. ``("submit", client address)`` or ``("lookup", address)``. The table is bounded
(the oldest keys are dropped past ``max_keys``), so a flood of addresses cannot exhaust
memory. With several worker processes each keeps its own table (the limit per worker).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    """``hit(key, limit, window)`` → True when allowed (and counted), False when over the limit."""

    def __init__(self, max_keys: int = 100_000, clock=time.monotonic):
        self.max_keys = max_keys
        self.clock = clock
        self._events: OrderedDict[tuple, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: tuple, limit: int, window: float) -> bool:
        if limit <= 0:
            return True
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                events = self._events[key] = deque()
                while len(self._events) > self.max_keys:
                    self._events.popitem(last=False)
            else:
                self._events.move_to_end(key)
            while events and events[0] <= now - window:
                events.popleft()
            if len(events) >= limit:
                return False
            events.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
