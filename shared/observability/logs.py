"""How a service or worker process logs through structlog: one JSON object a line on stdout (`timestamp` in UTC,
`level`, `event` and the call's fields), what a log shipper reads as it is; `console` for a person at a terminal.
uvicorn's own lines are written the same way, where uvicorn sends them (its start and errors on stderr, its access
lines on stdout); faust's and aiokafka's go through the standard library as their owners configure it. A process
whose structlog is already configured (the `cycle` CLI, the benchmarks) keeps its own configuration."""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

from shared.config import LogFormat

UVICORN_LOGGERS = ("uvicorn", "uvicorn.access")  # the two that uvicorn gives handlers of their own


def configure_logging(level: str, form: LogFormat = "json") -> None:
    """`level`: debug, info, warning or error (CYCLE_LOG_LEVEL); `form`: CYCLE_LOG_FORMAT."""
    if structlog.is_configured():
        return
    renderer = structlog.processors.JSONRenderer() if form == "json" else structlog.dev.ConsoleRenderer(colors=False)
    stamped: list[Processor] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    _write_uvicorn_lines_with(structlog.stdlib.ProcessorFormatter(processor=renderer, foreign_pre_chain=stamped))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            *stamped,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.WriteLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )


def _write_uvicorn_lines_with(formatter: logging.Formatter) -> None:
    """uvicorn configures its loggers before it builds the app (`--factory`): their handlers get our formatter."""
    for name in UVICORN_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(formatter)
