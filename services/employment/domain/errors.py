"""What employment's rules refuse. Each is one of the shared kinds, which shared/web/problems.py maps once to a
problem-details status (and the Kafka learner to a dead-letter reason); nothing in this service knows HTTP."""

from __future__ import annotations

from shared.errors import Conflict, IllegalTransition, InvalidFact, NotFound


class Unknown(NotFound):
    """An id employment holds nothing for: a student no event told it of, an offer or placement never recorded."""


class IllegalMove(IllegalTransition):
    """The fact breaks the student's state machine: a withdrawn student's job, a second placement, a second answer."""


class Contradiction(Conflict):
    """A follow-up contradicts the record: an id corrected, an ending retracted while the student has moved on."""


class ImpossibleFact(InvalidFact):
    """Well-formed but impossible: a check before its check-point, an ending before the start, a future date."""
