"""What every handler is given besides its command and unit of work: when it is recorded, by which service, and
for whom (the verified client; None for a fact learned from Kafka)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.application.clock import business_today, not_in_future
from shared.contracts.base import EventPayload, Evidence
from shared.contracts.envelope import Envelope
from shared.errors import InvalidFact
from shared.security.identity import Actor

EARLIEST_BUSINESS_DATE = date(2000, 1, 1)


@dataclass(frozen=True)
class Context:
    """`recorded_at` is the clock's reading for a live command and the original time for an imported fact."""

    recorded_at: datetime
    source: str
    actor: Actor | None = None
    traceparent: str | None = None  # W3C trace context the recorded events carry on (shared/observability)

    @property
    def today(self) -> date:
        return business_today(self.recorded_at)

    def business_date(self, occurred_on: date | None) -> date:
        """The fact's business date: today when omitted; back-dated is fine back to `EARLIEST_BUSINESS_DATE`
        (0001-01-01 was stored in issue 10), the future is not."""
        day = occurred_on or self.today
        if day < EARLIEST_BUSINESS_DATE:
            raise InvalidFact(f"occurred_on {day} is before {EARLIEST_BUSINESS_DATE}, earlier than any programme here")
        return not_in_future(day, self.recorded_at)

    def wrap(
        self,
        payload: EventPayload,
        *,
        occurred_on: date | None,
        partnership_id: UUID,
        evidence: Evidence,
        **refs: UUID | None,
    ) -> Envelope:
        """Envelope a payload; `refs` are student_id, class_id, party_id and supersedes (None ones left out)."""
        return Envelope.wrap(
            payload,
            source=self.source,
            occurred_on=self.business_date(occurred_on),
            recorded_at=self.recorded_at,
            partnership_id=partnership_id,
            evidence=evidence,
            traceparent=self.traceparent,
            **{name: value for name, value in refs.items() if value is not None},
        )
