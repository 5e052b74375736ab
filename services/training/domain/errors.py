"""The ways training's rules refuse a command or an inbound fact, each one of the shared kinds of refusal.

The kind decides the answer in one place for every service (shared/web/problems.py: the HTTP problem, or the
dead-letter reason of a Kafka record); nothing in training maps an error to a status.
"""

from __future__ import annotations

from shared.errors import Conflict, IllegalTransition, InvalidFact, NotFound


class Unknown(NotFound):
    """An id training has not learned (yet): a student or class it heard of from no event, a log it never took."""


class IllegalMove(IllegalTransition):
    """The command breaks the learner's state machine (issue 4: 409 with the reason)."""


class Contradiction(Conflict):
    """The fact contradicts one already recorded (own-log verification, another partnership, a reused id)."""


class ImpossibleFact(InvalidFact):
    """Well-formed but impossible: dates out of order, more hours accepted than logged."""
