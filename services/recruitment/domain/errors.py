"""What a recruitment rule can refuse. The handlers map each kind to one HTTP status (404, 409, 409, 422)."""

from __future__ import annotations


class RecruitmentError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UnknownRecord(RecruitmentError):
    """An id names nothing this service holds."""


class IllegalMove(RecruitmentError):
    """The command breaks a state machine (a student's, a class's or a partnership's)."""


class DuplicateFact(RecruitmentError):
    """The fact is already true (a member joining twice, a second exclusion)."""


class ImpossibleFact(RecruitmentError):
    """Well-formed, but cannot be true (an end before its start, a malformed credit code)."""
