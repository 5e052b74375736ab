"""Partnerships, their amendments and members: rows in, domain state out."""

from __future__ import annotations

import json
from dataclasses import replace
from uuid import UUID

import asyncpg

from services.recruitment.adapters.db import Conn
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


def _partnership(row: asyncpg.Record) -> Partnership:
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


async def get(conn: Conn, partnership_id: UUID, *, lock: bool = False) -> Partnership | None:
    """With `lock`, commands on one partnership run one after the other (FOR UPDATE until commit)."""
    suffix = " FOR UPDATE" if lock else ""
    row = await conn.fetchrow(
        f"SELECT * FROM partnerships WHERE partnership_id = $1 AND NOT retracted{suffix}", partnership_id
    )
    return None if row is None else _partnership(row)


async def ancestors(conn: Conn, partnership_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "WITH RECURSIVE up(id, depth) AS ("
        " SELECT parent_id, 1 FROM partnerships WHERE partnership_id = $1"
        " UNION ALL SELECT p.parent_id, up.depth + 1 FROM partnerships p JOIN up ON p.partnership_id = up.id"
        " WHERE up.depth < 64)"
        " SELECT id FROM up WHERE id IS NOT NULL ORDER BY depth",
        partnership_id,
    )
    return [row["id"] for row in rows]


async def add(conn: Conn, envelope: Envelope, signed: PartnershipSigned) -> None:
    await conn.execute(
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


async def add_amendment(conn: Conn, envelope: Envelope, change: PartnershipAmended) -> None:
    await conn.execute(
        "INSERT INTO partnership_amendments (event_id, partnership_id, occurred_on, recorded_at, change)"
        " VALUES ($1, $2, $3, $4, $5::jsonb)",
        envelope.id,
        envelope.partnership_id,
        envelope.occurred_on,
        envelope.recorded_at,
        change.model_dump_json(exclude_none=True),
    )


async def signed_and_amendments(conn: Conn, partnership_id: UUID) -> tuple[Partnership, list[Amendment]]:
    row = await conn.fetchrow("SELECT signed, ended_on FROM partnerships WHERE partnership_id = $1", partnership_id)
    if row is None:
        raise LookupError(f"partnership {partnership_id} is not stored")
    signed = PartnershipSigned.model_validate(json.loads(row["signed"]))
    base = replace(Partnership.signed(partnership_id, signed), ended_on=row["ended_on"])
    rows = await conn.fetch(
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


async def save_signed(conn: Conn, partnership_id: UUID, signed: PartnershipSigned) -> None:
    """The signed agreement as corrected; `save_terms` then writes the terms folded from it."""
    await conn.execute(
        "UPDATE partnerships SET signed = $2::jsonb, kind = $3, valid_from = $4, east_region = $5, west_region = $6"
        " WHERE partnership_id = $1",
        partnership_id,
        signed.model_dump_json(),
        signed.kind.value,
        signed.valid_from,
        signed.east_region,
        signed.west_region,
    )


async def save_amendment(conn: Conn, event_id: UUID, change: PartnershipAmended) -> None:
    await conn.execute(
        "UPDATE partnership_amendments SET change = $2::jsonb WHERE event_id = $1",
        event_id,
        change.model_dump_json(exclude_none=True),
    )


async def save_terms(conn: Conn, terms: Partnership) -> None:
    await conn.execute(
        "UPDATE partnerships SET name = $2, valid_until = $3, parent_id = $4, retention_checkpoints = $5"
        " WHERE partnership_id = $1",
        terms.partnership_id,
        terms.name,
        terms.valid_until,
        terms.parent_id,
        list(terms.retention_checkpoints),
    )


async def mark_ended(conn: Conn, envelope: Envelope, reason: str) -> None:
    await conn.execute(
        "UPDATE partnerships SET ended_on = $2, end_reason = $3, ended_event_id = $4 WHERE partnership_id = $1",
        envelope.partnership_id,
        envelope.occurred_on,
        reason,
        envelope.id,
    )


async def membership(conn: Conn, partnership_id: UUID, party_id: UUID) -> Membership | None:
    row = await conn.fetchrow(
        "SELECT party_id, member_role, joined_on FROM memberships"
        " WHERE partnership_id = $1 AND party_id = $2 AND left_on IS NULL AND NOT retracted",
        partnership_id,
        party_id,
    )
    return None if row is None else Membership(row["party_id"], row["member_role"], row["joined_on"])


async def current_members(conn: Conn, partnership_id: UUID) -> frozenset[UUID]:
    rows = await conn.fetch(
        "SELECT party_id FROM memberships WHERE partnership_id = $1 AND left_on IS NULL AND NOT retracted",
        partnership_id,
    )
    return frozenset(row["party_id"] for row in rows)


async def add_member(conn: Conn, envelope: Envelope, joined: MemberJoined) -> None:
    await conn.execute(
        "INSERT INTO memberships (joined_event_id, partnership_id, party_id, member_role, joined_on)"
        " VALUES ($1, $2, $3, $4, $5)",
        envelope.id,
        envelope.partnership_id,
        joined.party_id,
        joined.member_role,
        envelope.occurred_on,
    )


async def mark_left(conn: Conn, envelope: Envelope, party_id: UUID, reason: str) -> None:
    await conn.execute(
        "UPDATE memberships SET left_on = $3, left_reason = $4, left_event_id = $5"
        " WHERE partnership_id = $1 AND party_id = $2 AND left_on IS NULL AND NOT retracted",
        envelope.partnership_id,
        party_id,
        envelope.occurred_on,
        reason,
        envelope.id,
    )
