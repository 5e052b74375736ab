"""Partnerships, their amendments and members: rows in, domain state out."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from uuid import UUID

from services.recruitment.adapters.db import Conn, insert, restored
from services.recruitment.application.unit_of_work import Partnerships
from services.recruitment.domain.partnerships import Amendment, Membership, Partnership
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import MemberJoined, PartnershipAmended, PartnershipKind, PartnershipSigned

PARTNERSHIP_LIST = (
    "SELECT partnership_id, name, kind, valid_from, valid_until, parent_id, east_region, west_region,"
    " retention_checkpoints, signed_on, ended_on, end_reason,"
    " CASE WHEN ended_on IS NULL THEN 'active' ELSE 'ended' END AS status, seq"
    " FROM partnerships WHERE NOT retracted"
)
MEMBER_LIST = (
    "SELECT m.partnership_id, m.party_id, p.name AS party_name, p.role AS party_role, p.region, p.locality,"
    " m.member_role, m.joined_on, m.left_on, m.left_on IS NULL AS current, m.seq"
    " FROM memberships m JOIN parties p USING (party_id) WHERE NOT m.retracted"
)


_DEPENDENTS = ("memberships", "programmes", "classes", "targets", "funding")


def partnership_of(row: Any) -> Partnership:
    return Partnership(
        row["partnership_id"],
        row["name"],
        PartnershipKind(row["kind"]),
        row["valid_from"],
        row["valid_until"],
        row["parent_id"],
        tuple(row["retention_checkpoints"]),
        row["ended_on"],
    )


class PostgresPartnerships(Partnerships):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def get(self, partnership_id: UUID, *, lock: bool = False) -> Partnership | None:
        suffix = " FOR UPDATE" if lock else ""
        row = await self._conn.fetchrow(
            f"SELECT * FROM partnerships WHERE partnership_id = $1 AND NOT retracted{suffix}", partnership_id
        )
        return None if row is None else partnership_of(row)

    async def ancestors(self, partnership_id: UUID) -> list[UUID]:
        rows = await self._conn.fetch(
            "WITH RECURSIVE up(id, depth) AS ("
            " SELECT parent_id, 1 FROM partnerships WHERE partnership_id = $1"
            " UNION ALL SELECT p.parent_id, up.depth + 1 FROM partnerships p JOIN up ON p.partnership_id = up.id"
            " WHERE up.depth < 64)"
            " SELECT id FROM up WHERE id IS NOT NULL ORDER BY depth",
            partnership_id,
        )
        return [row["id"] for row in rows]

    async def add(self, envelope: Envelope, signed: PartnershipSigned) -> None:
        await insert(
            self._conn,
            "INSERT INTO partnerships (partnership_id, signed, name, kind, valid_from, valid_until, parent_id,"
            " east_region, west_region, retention_checkpoints, signed_on, signed_event_id)"
            " VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            envelope.partnership_id,
            signed.model_dump_json(),
            signed.name,
            signed.kind.value,
            signed.valid_from,
            signed.valid_until,
            signed.parent_id,
            signed.east_region,
            signed.west_region,
            signed.retention_checkpoints,
            envelope.occurred_on,
            envelope.id,
        )

    async def add_amendment(self, envelope: Envelope, change: PartnershipAmended) -> None:
        await insert(
            self._conn,
            "INSERT INTO partnership_amendments (event_id, partnership_id, occurred_on, recorded_at, change)"
            " VALUES ($1, $2, $3, $4, $5::jsonb)",
            envelope.id,
            envelope.partnership_id,
            envelope.occurred_on,
            envelope.recorded_at,
            change.model_dump_json(exclude_none=True),
        )

    async def signed_and_amendments(self, partnership_id: UUID) -> tuple[Partnership, list[Amendment]]:
        row = await self._conn.fetchrow(
            "SELECT signed, ended_on FROM partnerships WHERE partnership_id = $1", partnership_id
        )
        if row is None:
            raise LookupError(f"partnership {partnership_id} is not stored")
        signed = PartnershipSigned.model_validate(json.loads(row["signed"]))
        base = replace(Partnership.signed(partnership_id, signed), ended_on=row["ended_on"])
        rows = await self._conn.fetch(
            "SELECT event_id, occurred_on, recorded_at, change FROM partnership_amendments"
            " WHERE partnership_id = $1 AND NOT retracted",
            partnership_id,
        )
        amendments = [
            Amendment(
                r["event_id"], r["occurred_on"], r["recorded_at"], PartnershipAmended.model_validate_json(r["change"])
            )
            for r in rows
        ]
        return base, amendments

    async def save_signed(self, partnership_id: UUID, signed: PartnershipSigned) -> None:
        """The signed agreement as corrected; `save_terms` then writes the terms folded from it."""
        await self._conn.execute(
            "UPDATE partnerships SET signed = $2::jsonb, kind = $3, valid_from = $4, east_region = $5,"
            " west_region = $6 WHERE partnership_id = $1",
            partnership_id,
            signed.model_dump_json(),
            signed.kind.value,
            signed.valid_from,
            signed.east_region,
            signed.west_region,
        )

    async def save_amendment(self, event_id: UUID, change: PartnershipAmended) -> None:
        await self._conn.execute(
            "UPDATE partnership_amendments SET change = $2::jsonb WHERE event_id = $1",
            event_id,
            change.model_dump_json(exclude_none=True),
        )

    async def save_terms(self, terms: Partnership) -> None:
        await self._conn.execute(
            "UPDATE partnerships SET name = $2, valid_until = $3, parent_id = $4, retention_checkpoints = $5"
            " WHERE partnership_id = $1",
            terms.partnership_id,
            terms.name,
            terms.valid_until,
            terms.parent_id,
            list(terms.retention_checkpoints),
        )

    async def mark_ended(self, envelope: Envelope, reason: str) -> None:
        await self._conn.execute(
            "UPDATE partnerships SET ended_on = $2, end_reason = $3, ended_event_id = $4 WHERE partnership_id = $1",
            envelope.partnership_id,
            envelope.occurred_on,
            reason,
            envelope.id,
        )

    async def membership(self, partnership_id: UUID, party_id: UUID) -> Membership | None:
        row = await self._conn.fetchrow(
            "SELECT party_id, member_role, joined_on FROM memberships"
            " WHERE partnership_id = $1 AND party_id = $2 AND left_on IS NULL AND NOT retracted",
            partnership_id,
            party_id,
        )
        return None if row is None else Membership(row["party_id"], row["member_role"], row["joined_on"])

    async def current_members(self, partnership_id: UUID) -> frozenset[UUID]:
        rows = await self._conn.fetch(
            "SELECT party_id FROM memberships WHERE partnership_id = $1 AND left_on IS NULL AND NOT retracted",
            partnership_id,
        )
        return frozenset(row["party_id"] for row in rows)

    async def add_member(self, envelope: Envelope, joined: MemberJoined) -> None:
        await insert(
            self._conn,
            "INSERT INTO memberships (joined_event_id, partnership_id, party_id, member_role, joined_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            envelope.id,
            envelope.partnership_id,
            joined.party_id,
            joined.member_role,
            envelope.occurred_on,
        )

    async def mark_left(self, envelope: Envelope, party_id: UUID, reason: str) -> None:
        await self._conn.execute(
            "UPDATE memberships SET left_on = $3, left_reason = $4, left_event_id = $5"
            " WHERE partnership_id = $1 AND party_id = $2 AND left_on IS NULL AND NOT retracted",
            envelope.partnership_id,
            party_id,
            envelope.occurred_on,
            reason,
            envelope.id,
        )

    async def dependents(self, partnership_id: UUID) -> list[str]:
        found = [
            table
            for table in _DEPENDENTS
            if await self._conn.fetchval(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE partnership_id = $1 AND NOT retracted)", partnership_id
            )
        ]
        children = await self._conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM partnerships WHERE parent_id = $1 AND NOT retracted)", partnership_id
        )
        return [*found, "children"] if children else found

    async def retract(self, partnership_id: UUID) -> None:
        await self._conn.execute("UPDATE partnerships SET retracted = true WHERE partnership_id = $1", partnership_id)

    async def retract_amendment(self, event_id: UUID) -> None:
        await self._conn.execute("UPDATE partnership_amendments SET retracted = true WHERE event_id = $1", event_id)

    async def undo_ending(self, ended_event_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE partnerships SET ended_on = NULL, end_reason = NULL, ended_event_id = NULL"
            " WHERE ended_event_id = $1",
            ended_event_id,
        )

    async def retract_membership(self, joined_event_id: UUID) -> None:
        await self._conn.execute("UPDATE memberships SET retracted = true WHERE joined_event_id = $1", joined_event_id)

    async def undo_leaving(self, left_event_id: UUID) -> bool:
        return await restored(
            self._conn,
            "UPDATE memberships SET left_on = NULL, left_reason = NULL, left_event_id = NULL WHERE left_event_id = $1",
            left_event_id,
        )
