"""Parties: rows in, domain `Party` out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from services.recruitment.adapters.db import Conn, insert
from services.recruitment.application.unit_of_work import Parties
from services.recruitment.domain.parties import Party
from shared.contracts.base import Region
from shared.contracts.partnership import PartyRole

PARTY_LIST = "SELECT party_id, name, role, region, locality, credit_code, created_at, seq FROM parties"


def party_of(row: Any) -> Party:
    return Party(
        row["party_id"], row["name"], PartyRole(row["role"]), Region(row["region"]), row["locality"], row["credit_code"]
    )


class PostgresParties(Parties):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def get(self, party_id: UUID) -> Party | None:
        row = await self._conn.fetchrow("SELECT * FROM parties WHERE party_id = $1", party_id)
        return None if row is None else party_of(row)

    async def add(self, party: Party, created_at: datetime) -> None:
        await insert(self._conn, "parties", **asdict(party), created_at=created_at)
