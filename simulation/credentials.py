"""The credential a simulation run calls the services with: a client added for the run through the stack's
database, as `cycle clients add` would, and revoked when the run ends, so no secret outlives it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from shared.config import ServiceSettings
from shared.infra.stack_state import StackState
from shared.security.identity import Role, Scope
from shared.security.runtime import open_administration
from shared.web.client_auth import Credential


def stack_settings(state_dir: Path) -> ServiceSettings:
    """The environment's settings; the database of the stack `cycle up` runs when DATABASE_URL is unset."""
    database = os.environ.get("DATABASE_URL") or StackState(state_dir).address("postgres")
    return ServiceSettings(DATABASE_URL=database) if database else ServiceSettings()


@contextlib.asynccontextmanager
async def run_credential(
    settings: ServiceSettings, name: str, scopes: frozenset[Scope] = frozenset()
) -> AsyncIterator[Credential]:
    """An operator client for one run, with `scopes` only (by default it reads no personal data and imports
    nothing; a simulation posting its history through the operator import needs the import scope)."""
    async with open_administration(settings, settings.database_url) as administration:
        issued = await administration.clients.add(Role.OPERATOR, None, name, scopes)
    try:
        yield Credential(issued.client.client_id, issued.secret)
    finally:
        async with open_administration(settings, settings.database_url) as administration:
            await administration.clients.revoke(issued.client.client_id)
