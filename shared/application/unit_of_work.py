"""Ports of one transaction: the state a service keeps, the outbox of its events, the answers it remembers.

Each stage service extends `UnitOfWork` with its repositories (abstract here, PostgreSQL in its adapters, in
memory in its unit tests); the pipeline opens it, runs a handler and commits. Nothing is written unless
`commit` runs: leaving the block without it rolls everything back, events and idempotency record included.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from shared.application.access import AccessPort
from shared.contracts.envelope import Envelope


@dataclass(frozen=True)
class Remembered:
    """The first answer given to an idempotency key, and the fingerprint of the request that got it."""

    fingerprint: bytes
    answer: dict[str, Any]
    held: bool


class OutboxPort(abc.ABC):
    """The events this service recorded, in the order they committed; also the index of what can be corrected."""

    @abc.abstractmethod
    async def add(self, envelope: Envelope) -> None: ...

    @abc.abstractmethod
    async def emitted(self, event_id: UUID) -> Envelope | None: ...

    @abc.abstractmethod
    async def retracted(self, event_id: UUID) -> bool: ...


class IdempotencyPort(abc.ABC):
    @abc.abstractmethod
    async def recall(self, key: str) -> Remembered | None:
        """The remembered answer; also serialises concurrent commands with the same key until commit."""

    @abc.abstractmethod
    async def remember(self, key: str, remembered: Remembered) -> None: ...


class UnitOfWork(abc.ABC):
    outbox: OutboxPort
    idempotency: IdempotencyPort
    access: AccessPort  # what authorization knows and the audit trail (shared/application/access.py)

    async def __aenter__(self) -> Self:
        self._committed = False
        await self.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            await self.rollback()

    async def commit(self) -> None:
        await self._commit()
        self._committed = True

    @abc.abstractmethod
    async def begin(self) -> None: ...

    @abc.abstractmethod
    async def _commit(self) -> None: ...

    @abc.abstractmethod
    async def rollback(self) -> None: ...
