"""What a recruitment rule can refuse. Each kind is one of the shared kinds (shared/errors.py), which
shared/web/problems.py maps to an HTTP problem (404, 409, 409, 409, 422) and to a dead-letter reason."""

from __future__ import annotations

from shared.errors import Conflict, IllegalTransition, InvalidFact, NotFound


class UnknownRecord(NotFound):
    """An id names nothing this service holds."""


class IllegalMove(IllegalTransition):
    """The command breaks a state machine (a student's, a class's or a partnership's)."""


class DuplicateFact(Conflict):
    """The fact is already true (a member joining twice, a second exclusion)."""


class Contradiction(Conflict):
    """The fact contradicts what is recorded now (retracting a fact others rest on, correcting an id)."""


class ImpossibleFact(InvalidFact):
    """Well-formed, but cannot be true (an end before its start, a malformed credit code)."""
