"""Giving freed memory back to the operating system after a large flush.

A flush after a long read builds tens of thousands of figures and records, then frees them; glibc keeps the freed
heap for the process, so its resident size stayed at that peak (bench (6) counts resident memory). `malloc_trim`
returns what is free. Elsewhere than glibc it is not there and nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

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


def give_back(moved: int) -> None:
    """After a flush that moved `moved` figures: hand the free heap back when it was a large one."""
    if moved >= LARGE_FLUSH and _TRIM is not None:
        _TRIM()
