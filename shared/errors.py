"""Typed errors domain code raises; no web framework here, so pure domain modules may import them.

shared/web/errors.py maps them to HTTP statuses in one place.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "domain_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class IllegalTransition(DomainError):
    """The command breaks the student's state machine for this stage."""

    status_code = 409
    code = "illegal_transition"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidFact(DomainError):
    """A well-formed payload stating something impossible (e.g. a business date in the future)."""

    status_code = 422
    code = "invalid_fact"
