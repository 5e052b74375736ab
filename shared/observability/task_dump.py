"""`kill -USR1 <pid>`: a running service logs the stack of every asyncio task, to see where a stalled one waits."""

from __future__ import annotations

import asyncio
import io
import signal
from collections.abc import Callable

import structlog

log = structlog.get_logger(__name__)


def install_task_dump(loop: asyncio.AbstractEventLoop, state: Callable[[], dict[str, object]] | None = None) -> None:
    """`state`, when given, is logged with the dump: what the service itself knows of where it stands."""
    loop.add_signal_handler(signal.SIGUSR1, dump_tasks, state)


def dump_tasks(state: Callable[[], dict[str, object]] | None = None) -> None:
    if state is not None:
        log.warning("task_dump_state", **state())
    tasks = asyncio.all_tasks()
    for task in tasks:
        stack = io.StringIO()
        task.print_stack(limit=12, file=stack)
        log.warning("task_stack", task=task.get_name(), stack=stack.getvalue())
    log.warning("task_dump", tasks=len(tasks))
