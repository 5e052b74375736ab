"""A crashed worker ends its process, even when faust's shutdown waits on something that never comes.

A crash (the stall watch leaving the group, a failed recovery) is how the worker asks to be restarted, and a process
manager restarts only a process that ended. faust stops every service before it exits, and a stop can wait for good
on a broker request or a stream that no longer moves; the guard, a thread of its own so that a blocked event loop
does not hold it, ends the process `grace` seconds after the crash.
"""

from __future__ import annotations

import os
import threading
import time

import structlog
from mode import Service

log = structlog.get_logger(__name__)
EXIT_CODE = 70  # EX_SOFTWARE


def guard_exit_after_crash(service: Service, grace: float = 30.0) -> threading.Thread:
    def watch() -> None:
        while not service._crashed.is_set():  # asyncio.Event.is_set reads one flag: safe from another thread
            time.sleep(1.0)
        time.sleep(grace)
        log.critical("assessment_worker_exit_forced", after_seconds=grace, reason=repr(service.crash_reason))
        os._exit(EXIT_CODE)

    thread = threading.Thread(target=watch, name="exit-after-crash", daemon=True)
    thread.start()
    return thread
