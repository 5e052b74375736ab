"""What every handler is given besides its command: the clock reading, the source name and the vault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from services.recruitment.adapters.vault import PersonalDataVault
from services.recruitment.commands.base import Fact
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope
from shared.web.clock import business_today, not_in_future
from shared.web.errors import NotFound

SOURCE = "/services/recruitment"
T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """`recorded_at` is now for a live command and the original time for an imported fact."""

    vault: PersonalDataVault
    recorded_at: datetime
    source: str = SOURCE

    def business_date(self, fact: Fact) -> date:
        return not_in_future(fact.occurred_on or business_today(self.recorded_at), self.recorded_at)

    def wrap(self, payload: EventPayload, fact: Fact, partnership_id: UUID, **refs: Any) -> Envelope:
        return Envelope.wrap(
            payload,
            source=self.source,
            occurred_on=self.business_date(fact),
            partnership_id=partnership_id,
            evidence=fact.evidence,
            recorded_at=self.recorded_at,
            **refs,
        )


def found(value: T | None, what: str, identifier: UUID) -> T:
    if value is None:
        raise NotFound(f"no {what} {identifier}")
    return value


def recorded(envelope: Envelope, **ids: UUID) -> dict[str, str]:
    """The answer to a command that recorded one event: its id and type, and the ids it created or touched."""
    return {"event_id": str(envelope.id), "type": envelope.type, **{name: str(value) for name, value in ids.items()}}
