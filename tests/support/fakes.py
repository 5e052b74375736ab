"""In-memory fakes of the shared unit-of-work ports, for handler unit tests that boot no server.

They subclass the real ports (cosmicpython's FakeUnitOfWork is the model): a service's fake unit of work
subclasses `FakeUnitOfWork` and its own port, and adds fake repositories.
"""

from __future__ import annotations

from uuid import UUID

from shared.application.unit_of_work import IdempotencyPort, OutboxPort, Remembered, UnitOfWork
from shared.contracts.envelope import Envelope


class FakeOutbox(OutboxPort):
    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def add(self, envelope: Envelope) -> None:
        self.events.append(envelope)

    async def emitted(self, event_id: UUID) -> Envelope | None:
        return next((e for e in self.events if e.id == event_id), None)

    async def retracted(self, event_id: UUID) -> bool:
        return any(e.type == "EventRetracted" and e.supersedes == event_id for e in self.events)


class FakeIdempotency(IdempotencyPort):
    def __init__(self) -> None:
        self.remembered: dict[str, Remembered] = {}

    async def recall(self, key: str) -> Remembered | None:
        return self.remembered.get(key)

    async def remember(self, key: str, remembered: Remembered) -> None:
        self.remembered[key] = remembered


class FakeUnitOfWork(UnitOfWork):
    """Keeps what a committed transaction wrote; a rolled-back one leaves `outbox.events` as it was."""

    def __init__(self) -> None:
        self.outbox = FakeOutbox()
        self.idempotency = FakeIdempotency()
        self.commits = 0
        self._events_before: list[Envelope] = []
        self._keys_before: dict[str, Remembered] = {}

    async def begin(self) -> None:
        self._events_before = list(self.outbox.events)
        self._keys_before = dict(self.idempotency.remembered)
        self.snapshot()

    async def _commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        self.outbox.events = self._events_before
        self.idempotency.remembered = self._keys_before
        self.restore()

    def snapshot(self) -> None:
        """Subclasses copy their repositories' state here, so `rollback` can put it back."""

    def restore(self) -> None:
        """Subclasses put their repositories' state back here."""
