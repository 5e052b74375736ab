"""Partnerships, their amendments and members: rows in, domain state out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from services.recruitment.adapters.db import Conn, columns_of, exists, fetched, insert, recorded, restored, update
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
_CURRENT = "left_on IS NULL AND NOT retracted"


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
            "partnerships",
            **columns_of(signed),
            **recorded(envelope, "signed_on", "signed_event_id"),
            signed=signed.model_dump_json(),
        )

    async def add_amendment(self, envelope: Envelope, change: PartnershipAmended) -> None:
        await insert(
            self._conn,
            "partnership_amendments",
            **recorded(envelope, "occurred_on"),
            recorded_at=envelope.recorded_at,
            change=change.model_dump_json(exclude_none=True),
        )

    async def signed_and_amendments(self, partnership_id: UUID) -> tuple[Partnership, list[Amendment]]:
        row = await self._conn.fetchrow(
            "SELECT signed, ended_on FROM partnerships WHERE partnership_id = $1", partnership_id
        )
        if row is None:
            raise LookupError(f"partnership {partnership_id} is not stored")
        signed = PartnershipSigned.model_validate_json(row["signed"])
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
        fixed = columns_of(signed)  # the terms amendments do not change
        changes = {column: fixed[column] for column in ("kind", "valid_from", "east_region", "west_region")}
        await update(
            self._conn, "partnerships", {"signed": signed.model_dump_json(), **changes}, partnership_id=partnership_id
        )

    async def save_amendment(self, event_id: UUID, change: PartnershipAmended) -> None:
        await update(
            self._conn,
            "partnership_amendments",
            {"change": change.model_dump_json(exclude_none=True)},
            event_id=event_id,
        )

    async def save_terms(self, terms: Partnership) -> None:
        changes = {
            "name": terms.name,
            "valid_until": terms.valid_until,
            "parent_id": terms.parent_id,
            "retention_checkpoints": list(terms.retention_checkpoints),
        }
        await update(self._conn, "partnerships", changes, partnership_id=terms.partnership_id)

    async def mark_ended(self, envelope: Envelope, reason: str) -> None:
        changes = {"ended_on": envelope.occurred_on, "end_reason": reason, "ended_event_id": envelope.id}
        await update(self._conn, "partnerships", changes, partnership_id=envelope.partnership_id)

    async def membership(self, partnership_id: UUID, party_id: UUID) -> Membership | None:
        sql = "SELECT party_id, member_role, joined_on FROM memberships WHERE partnership_id = $1 AND party_id = $2"
        return await fetched(self._conn, Membership, f"{sql} AND {_CURRENT}", partnership_id, party_id)

    async def current_members(self, partnership_id: UUID) -> frozenset[UUID]:
        rows = await self._conn.fetch(
            f"SELECT party_id FROM memberships WHERE partnership_id = $1 AND {_CURRENT}", partnership_id
        )
        return frozenset(row["party_id"] for row in rows)

    async def add_member(self, envelope: Envelope, joined: MemberJoined) -> None:
        await insert(
            self._conn,
            "memberships",
            **recorded(envelope, "joined_on", "joined_event_id"),
            party_id=joined.party_id,
            member_role=joined.member_role,
        )

    async def mark_left(self, envelope: Envelope, party_id: UUID, reason: str) -> None:
        await self._conn.execute(
            "UPDATE memberships SET left_on = $3, left_reason = $4, left_event_id = $5"
            f" WHERE partnership_id = $1 AND party_id = $2 AND {_CURRENT}",
            envelope.partnership_id,
            party_id,
            envelope.occurred_on,
            reason,
            envelope.id,
        )

    async def dependents(self, partnership_id: UUID) -> list[str]:
        live = "SELECT 1 FROM {} WHERE partnership_id = $1 AND NOT retracted"
        found = [t for t in _DEPENDENTS if await exists(self._conn, live.format(t), partnership_id)]
        if await exists(
            self._conn, "SELECT 1 FROM partnerships WHERE parent_id = $1 AND NOT retracted", partnership_id
        ):
            found.append("children")
        return found

    async def retract(self, partnership_id: UUID) -> None:
        await update(self._conn, "partnerships", {"retracted": True}, partnership_id=partnership_id)

    async def retract_amendment(self, event_id: UUID) -> None:
        await update(self._conn, "partnership_amendments", {"retracted": True}, event_id=event_id)

    async def undo_ending(self, ended_event_id: UUID) -> None:
        changes = {"ended_on": None, "end_reason": None, "ended_event_id": None}
        await update(self._conn, "partnerships", changes, ended_event_id=ended_event_id)

    async def retract_membership(self, joined_event_id: UUID) -> None:
        await update(self._conn, "memberships", {"retracted": True}, joined_event_id=joined_event_id)

    async def undo_leaving(self, left_event_id: UUID) -> bool:
        changes = {"left_on": None, "left_reason": None, "left_event_id": None}
        return await restored(self._conn, "memberships", changes, left_event_id=left_event_id)
