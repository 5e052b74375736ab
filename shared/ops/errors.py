"""Errors an operator can act on: each says what was unreachable or missing, and what to do about it."""

from __future__ import annotations


class OpsError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def _described(cause: BaseException) -> str:
    """The error and, when a client wrapped it, the one it wrapped: "Unexpected error" alone helps nobody."""
    text, name = str(cause), type(cause).__name__
    said = text if text.startswith(name) else f"{name}: {text}" if text else name
    return f"{said}, caused by {_described(cause.__cause__)}" if cause.__cause__ is not None else said


class BrokerUnreachable(OpsError):
    def __init__(self, bootstrap: str, cause: BaseException) -> None:
        super().__init__(
            f"cannot reach the Kafka broker at {bootstrap} ({_described(cause)})",
            "start the stack with `cycle up`, or point KAFKA_BOOTSTRAP_SERVERS at a running broker",
        )


class BrokerRefused(OpsError):
    def __init__(self, bootstrap: str, cause: BaseException) -> None:
        super().__init__(f"the Kafka broker at {bootstrap} refused the request ({_described(cause)})")


class ReplayTakenOver(OpsError):
    def __init__(self) -> None:
        super().__init__(
            "another `cycle dlq replay` started and took over (Kafka fenced this one)",
            "what this run replayed is committed; the other run replays the rest, or run it again when it ends",
        )


class DatabaseUnreachable(OpsError):
    def __init__(self, where: str, cause: BaseException) -> None:
        super().__init__(
            f"cannot reach PostgreSQL at {where} ({_described(cause)})",
            "start the stack with `cycle up`, or point DATABASE_URL at a running database",
        )


class DatabaseRefused(OpsError):
    def __init__(self, where: str, cause: BaseException) -> None:
        super().__init__(f"PostgreSQL at {where} refused the query ({_described(cause)})")


class NotFound(OpsError):
    pass
