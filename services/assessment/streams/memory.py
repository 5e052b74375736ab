"""The worker's memory: the cycle collector's pace, and freed memory given back after a large flush.

The worker holds hundreds of thousands of long-lived objects (every student's facts and shares) and a flush
allocates tens of thousands more that reference counting frees: at the default thresholds the collector ran a
full pass every few flushes and took a quarter of the worker's time (bench (4)'s stream, folded in one process).

A flush after a long read builds tens of thousands of figures and records, then frees them; glibc keeps the freed
heap for the process, so its resident size stayed at that peak (bench (6) counts resident memory). `malloc_trim`
returns what is free. Elsewhere than glibc it is not there and nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable

# Young collections after 20,000 net allocations rather than 700, and full ones a hundred times rarer: the same
# stream spent 0.27 s collecting where it spent 1.73 s (of 6.5 s in all).
COLLECTOR_THRESHOLDS = (20_000, 50, 100)
LARGE_FLUSH = 20_000  # figures moved in one flush past which the freed memory is given back


def _trim() -> Callable[[], object] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    return None if trim is None else lambda: trim(0)


_TRIM = _trim()


def pace_collector() -> None:
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def give_back(moved: int) -> None:
    """After a flush that moved `moved` figures: hand the free heap back when it was a large one."""
    if moved >= LARGE_FLUSH and _TRIM is not None:
        _TRIM()
