"""Typed refusals domain code raises; no web framework here, so pure domain modules may import them.

Each service's domain errors subclass one of these kinds; shared/web/problems.py maps the kinds to HTTP problem
details and dead-letter reasons, in one place.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """An id names nothing this service holds (or has learned of)."""

    code = "not_found"


class IllegalTransition(DomainError):
    """The command breaks a state machine (a student's, a class's, a partnership's)."""

    code = "illegal_transition"


class Conflict(DomainError):
    """The fact contradicts one already recorded, or is already true."""

    code = "conflict"


class InvalidFact(DomainError):
    """A well-formed payload stating something impossible (e.g. a business date in the future)."""

    code = "invalid_fact"


class Forbidden(DomainError):
    """The caller may not record this fact: another party's role, partnership or recorded fact (issue 10)."""

    code = "forbidden"
