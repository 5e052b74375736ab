"""The bench's own cycle collector kept out of what it times.

The bench holds every message and fact it sends, and the dataset of the whole run: a full collection walks them
all, and paused the bench process for 0.27 to 0.35 s once in each 15 s freshness stream at 1,000 events/s (three
runs, 2026-12-03). Its sender, its poller and its HTTP client pause with it, and what they time (an event's way to
its figures, a request's answer) grows by the pause: 300 events of a 30,000-event stream, the 1% its p99 stands on.
Frozen (`gc.freeze`), what exists before the timed phase is no longer walked; what the phase makes still is.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_frozen() -> Iterator[None]:
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
