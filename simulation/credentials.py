"""The credentials a simulation run calls the services with, made through the stack's database as `cycle clients`
would: an operator's, and one for each school and enterprise whose system records facts (simulation/acting.py).

Each is the same client from run to run, given a new secret at the start of every run (`rotate`): the secret lives
only in the run's memory and the previous one stops working, while the client id, which the services scope
Idempotency-Keys by, stays, so running a scenario again against the same stack replays its answers instead of
recording anything twice.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from uuid import UUID

from shared.config import ServiceSettings
from shared.infra.stack_state import StackState
from shared.security.identity import Role, Scope
from shared.security.runtime import Administration, open_administration
from shared.web.client_auth import Credential
from simulation.ids import Ids
from simulation.scenario import Scenario


def stack_settings(state_dir: Path) -> ServiceSettings:
    """The environment's settings; the database of the stack `cycle up` runs when DATABASE_URL is unset."""
    database = os.environ.get("DATABASE_URL") or StackState(state_dir).address("postgres")
    return ServiceSettings(DATABASE_URL=database) if database else ServiceSettings()


async def _client(
    administration: Administration, role: Role, party_id: UUID | None, name: str, scopes: frozenset[Scope]
) -> Credential:
    existing = [
        c
        for c in await administration.clients.listed(include_revoked=False)
        if (c.role, c.party_id, c.name, c.scopes) == (role, party_id, name, scopes)
    ]
    if existing:
        issued = await administration.clients.rotate(existing[0].client_id)
    else:
        issued = await administration.clients.add(role, party_id, name, scopes)
    return Credential(issued.client.client_id, issued.secret)


@contextlib.asynccontextmanager
async def run_credential(
    settings: ServiceSettings, name: str, scopes: frozenset[Scope] = frozenset()
) -> AsyncIterator[Credential]:
    """The run's operator client, with `scopes` only (by default it reads no personal data and imports nothing;
    a simulation posting its history through the import needs the import scope)."""
    async with open_administration(settings, settings.database_url) as administration:
        credential = await _client(administration, Role.OPERATOR, None, name, scopes)
    yield credential


async def party_credentials(
    settings: ServiceSettings,
    scenario: Scenario,
    ids: Ids,
    parties: Iterable[str],
    scopes: frozenset[Scope] = frozenset(),
) -> dict[str, Credential]:
    """Party key -> the credential of that party's own system (its role is the party's role), with `scopes` (the
    import scope when its history is imported: each party imports its own facts)."""
    credentials = {}
    async with open_administration(settings, settings.database_url) as administration:
        for key in sorted(set(parties)):
            party = scenario.parties[key]
            name = f"simulated system of {party.name}"[:200]
            credentials[key] = await _client(administration, Role(party.role), ids.of(key), name, scopes)
    return credentials
