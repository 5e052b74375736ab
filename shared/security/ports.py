"""Where clients and the audit trail are kept: PostgreSQL in `postgres.py`, in memory in the unit tests."""

from __future__ import annotations

import abc
from datetime import datetime

from shared.security.audit import AuditEntry, AuditQuery
from shared.security.identity import Client
from shared.security.revocation import Revocations


class ClientRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, client: Client) -> None:
        """Raises `shared.errors.Conflict` when the client id is taken."""

    @abc.abstractmethod
    async def get(self, client_id: str) -> Client | None: ...

    @abc.abstractmethod
    async def listed(self, *, include_revoked: bool) -> list[Client]: ...

    @abc.abstractmethod
    async def rotate(self, client_id: str, secret_hash: str, at: datetime) -> Client | None:
        """The client with its next generation of secret; None when it is unknown or revoked."""

    @abc.abstractmethod
    async def revoke(self, client_id: str, at: datetime) -> Client | None:
        """The revoked client (revoking twice keeps the first time); None when it is unknown."""

    @abc.abstractmethod
    async def revocations(self) -> Revocations: ...


class AuditTrail(abc.ABC):
    @abc.abstractmethod
    async def record(self, *entries: AuditEntry) -> None: ...

    @abc.abstractmethod
    async def query(self, query: AuditQuery) -> list[AuditEntry]:
        """Newest first."""
