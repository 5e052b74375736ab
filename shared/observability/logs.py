"""How a service or worker process logs through structlog: one JSON object a line on stdout (`timestamp` in UTC,
`level`, `event` and the call's fields), what a log shipper reads as it is; `console` for a person at a terminal.
A process whose structlog is already configured (the `cycle` CLI, the benchmarks) keeps its own configuration."""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

LogFormat = Literal["json", "console"]


def configure_logging(level: str, form: LogFormat = "json") -> None:
    """`level`: debug, info, warning or error (CYCLE_LOG_LEVEL); `form`: CYCLE_LOG_FORMAT."""
    if structlog.is_configured():
        return
    renderer = structlog.processors.JSONRenderer() if form == "json" else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping().get(level.upper(), 20)),
        logger_factory=structlog.WriteLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
