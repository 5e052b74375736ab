"""A child process that stops with the process that started it."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

import structlog

log = structlog.get_logger(__name__)
_PR_SET_PDEATHSIG = 1


def stop_with_parent(parent: int) -> None:
    """SIGTERM to this process when the thread that started it ends (Linux's prctl; elsewhere whoever started
    `parent` stops what it left), and exit at once if `parent` has already ended. Call it first in the child."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is None or prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        log.warning("parent_death_signal_refused", errno=ctypes.get_errno())
    if os.getppid() != parent:
        sys.exit(0)
