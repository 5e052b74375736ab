"""What a handler returns: the events it decided, and the answer its caller gets (never an HTTP status)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from shared.application.access import HeldIntent
from shared.contracts.envelope import Envelope


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, UUID) else value


@dataclass(frozen=True)
class Outcome:
    """`held`: accepted but waiting for a fact it follows (DOMAIN.md, held facts), `held_as` saying what it will
    be so the pipeline can authorize it now; `duplicate`: a replayed answer."""

    answer: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[Envelope, ...] = ()
    held: bool = False
    duplicate: bool = False
    held_as: HeldIntent | None = None

    @classmethod
    def recorded(cls, event: Envelope, **ids: Any) -> Outcome:
        """One event recorded: its id and type, and the ids the command created or touched."""
        answer = {"event_id": str(event.id), "type": event.type, **{k: _text(v) for k, v in ids.items()}}
        return cls(answer=answer, events=(event,))

    @classmethod
    def nothing(cls) -> Outcome:
        return cls()

    def merged(self, other: Outcome) -> Outcome:
        """Two outcomes of one transaction (a learner that also releases held facts): all events, the first answer."""
        return Outcome(self.answer, self.events + other.events, self.held, self.duplicate, self.held_as)
