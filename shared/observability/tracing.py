"""W3C trace context (https://www.w3.org/TR/trace-context/) carried from an HTTP request into the events it records,
and from a consumed event into the work it causes, so one fact can be followed through every service's logs.

The CloudEvents distributed-tracing extension names the attribute `traceparent`; the relay puts it in the `ce_`
headers like every other attribute. The current trace lives in a context variable and is bound to structlog's
context, so every log line of a request or of a consumed event carries its `trace_id`.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from contextvars import ContextVar

import structlog

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_current: ContextVar[str | None] = ContextVar("traceparent", default=None)


def _parts(traceparent: str | None) -> tuple[str, str] | None:
    match = _TRACEPARENT.match(traceparent or "")
    if match is None or match[1] == "0" * 32 or match[2] == "0" * 16:
        return None
    return match[1], match[3]


def child_of(traceparent: str | None) -> str:
    """A new span in the trace of `traceparent`, or the root of a new trace when it is missing or malformed."""
    parts = _parts(traceparent)
    trace_id, flags = parts if parts is not None else (secrets.token_hex(16), "01")
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"


def trace_id_of(traceparent: str) -> str:
    return traceparent.split("-")[1]


def current() -> str | None:
    return _current.get()


@contextlib.contextmanager
def span(parent: str | None) -> Iterator[str]:
    """Run the block as a child span of `parent` (an incoming header, a consumed event's traceparent)."""
    traceparent = child_of(parent)
    token = _current.set(traceparent)
    with structlog.contextvars.bound_contextvars(trace_id=trace_id_of(traceparent)):
        try:
            yield traceparent
        finally:
            _current.reset(token)
