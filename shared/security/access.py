"""The unit of work's `AccessPort` in PostgreSQL: memberships in the service's own schema (its search_path),
the audit trail in the shared security schema, both on the transaction's connection; and the read side's
`MembershipDirectory` on the service's pool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg

from shared.application.access import AccessPort, Membership, Recorder
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import PartyRole
from shared.persistence.database import checked_schema
from shared.security.audit import AuditEntry
from shared.security.identity import Actor, Role
from shared.security.postgres import PostgresAudit
from shared.security.reading import MembershipDirectory

_STAYING = "joined_on <= $3 AND (left_on IS NULL OR left_on > $3)"
_CURRENT_OF_THE_PARTY = "party_id = $1 AND left_on IS NULL"
_OF_THE_FACTS = {  # what every service knows of a subject: the facts it recorded about it
    "student_id": "SELECT key::uuid FROM outbox WHERE headers ->> 'ce_studentid' = $1::uuid::text",
    "event_id": "SELECT key::uuid FROM outbox WHERE event_id = $1",
}


def _membership(row: asyncpg.Record | None) -> Membership | None:
    if row is None:
        return None
    return Membership(row["party_id"], PartyRole(row["party_role"]), row["credit_code"])


class PostgresAccess(AccessPort):
    def __init__(
        self, conn: asyncpg.Connection, security_schema: str, subjects: Mapping[str, str] | None = None
    ) -> None:
        """`subjects`: the service's queries of a command subject's partnerships ($1 its id), by the field."""
        self._conn = conn
        self._subjects = subjects or {}
        self._audit_table = f"{checked_schema(security_schema)}.audit"
        self._audit = PostgresAudit(conn, security_schema)

    async def membership(self, partnership_id: UUID, party_id: UUID, on: date) -> Membership | None:
        row = await self._conn.fetchrow(
            "SELECT party_id, party_role, credit_code FROM party_memberships"
            f" WHERE partnership_id = $1 AND party_id = $2 AND {_STAYING} ORDER BY joined_on DESC LIMIT 1",
            partnership_id,
            party_id,
            on,
        )
        return _membership(row)

    async def member_with_credit_code(self, partnership_id: UUID, credit_code: str, on: date) -> Membership | None:
        row = await self._conn.fetchrow(
            "SELECT party_id, party_role, credit_code FROM party_memberships"
            f" WHERE partnership_id = $1 AND credit_code = $2 AND {_STAYING} LIMIT 1",
            partnership_id,
            credit_code,
            on,
        )
        return _membership(row)

    async def joined(self, event_id: UUID, partnership_id: UUID, member: Membership, on: date) -> None:
        await self._conn.execute(
            "INSERT INTO party_memberships"
            " (joined_event, partnership_id, party_id, party_role, credit_code, locality, joined_on)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (joined_event) DO NOTHING",
            event_id,
            partnership_id,
            member.party_id,
            member.role.value,
            member.credit_code,
            member.locality,
            on,
        )

    async def left(self, event_id: UUID, partnership_id: UUID, party_id: UUID, on: date) -> None:
        await self._conn.execute(
            "UPDATE party_memberships SET left_on = $3, left_event = $4 WHERE joined_event = ("
            " SELECT joined_event FROM party_memberships WHERE partnership_id = $1 AND party_id = $2"
            " AND left_on IS NULL AND joined_on <= $3 ORDER BY joined_on DESC LIMIT 1)",
            partnership_id,
            party_id,
            on,
            event_id,
        )

    async def forget(self, event_id: UUID) -> None:
        await self._conn.execute("DELETE FROM party_memberships WHERE joined_event = $1", event_id)
        await self._conn.execute(
            "UPDATE party_memberships SET left_on = NULL, left_event = NULL WHERE left_event = $1", event_id
        )

    async def partnerships_of(self, subject: str, subject_id: UUID) -> frozenset[UUID]:
        """Asked when a handler has refused; a refusal that a failed statement caused (a duplicate key) has
        aborted the transaction, and then nothing is known here and the refusal stands."""
        queries = [query for query in (_OF_THE_FACTS.get(subject), self._subjects.get(subject)) if query]
        if not queries:
            return frozenset()
        try:
            rows = await self._conn.fetch(" UNION ".join(queries), subject_id)
        except asyncpg.InFailedSQLTransactionError:
            return frozenset()
        return frozenset(row[0] for row in rows)

    async def recorder(self, event_id: UUID) -> Recorder | None:
        row = await self._conn.fetchrow(
            f"SELECT party_id, role FROM {self._audit_table}"
            " WHERE event_id = $1 AND action = 'fact_recorded' ORDER BY seq LIMIT 1",
            event_id,
        )
        if row is None or row["role"] is None:
            return None
        return Recorder(row["party_id"], Role(row["role"]))

    async def audit_facts(self, actor: Actor, events: Sequence[Envelope], at: datetime) -> None:
        if events:
            await self._audit.record(*(AuditEntry.of_fact(actor, event, at, None) for event in events))


class PostgresMembershipDirectory(MembershipDirectory):
    """The service's own `party_memberships` (its search_path): every service learns its memberships from the
    topics and reads no other service's schema."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._table = "party_memberships"

    async def partnerships_of(self, party_id: UUID) -> frozenset[UUID]:
        return await self._partnerships(
            f"SELECT partnership_id FROM {self._table} WHERE {_CURRENT_OF_THE_PARTY}", party_id
        )

    async def partnerships_in_region_of(self, party_id: UUID) -> frozenset[UUID]:
        return await self._partnerships(
            f"SELECT partnership_id FROM {self._table} WHERE {_CURRENT_OF_THE_PARTY} UNION"
            f" SELECT partnership_id FROM {self._table} WHERE left_on IS NULL AND locality IN"
            f" (SELECT locality FROM {self._table} WHERE {_CURRENT_OF_THE_PARTY})",
            party_id,
        )

    async def _partnerships(self, query: str, party_id: UUID) -> frozenset[UUID]:
        try:
            rows = await self._pool.fetch(query, party_id)
        except asyncpg.UndefinedTableError:  # the schema that keeps them is not migrated yet: no member anywhere
            return frozenset()
        return frozenset(row["partnership_id"] for row in rows)
