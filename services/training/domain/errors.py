"""The ways training's rules refuse a command or an inbound fact; adapters map each kind to one HTTP status.

Kept free of web imports so the domain stays pure (STYLE.md (d)); `adapters/problems.py` does the mapping.
"""

from __future__ import annotations


class TrainingError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unknown(TrainingError):
    """An id training has not learned (yet): a student or class it heard of from no event, a log it never took."""


class IllegalMove(TrainingError):
    """The command breaks the learner's state machine (issue 4: 409 with the reason)."""


class Contradiction(TrainingError):
    """The fact contradicts one already recorded (own-log verification, another partnership, a reused id)."""


class ImpossibleFact(TrainingError):
    """Well-formed but impossible: dates out of order, more hours accepted than logged."""
