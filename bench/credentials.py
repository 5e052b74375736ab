"""The client a benchmark calls the services as: an operator added through the database, as `cycle clients add`
would, with the import scope the bulk path needs. Tokens come from the called service's /oauth/token."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from shared.config import ServiceSettings
from shared.security.identity import Role, Scope
from shared.security.runtime import open_administration
from shared.web.client_auth import Credential


@contextlib.asynccontextmanager
async def operator(settings: ServiceSettings, name: str) -> AsyncIterator[Credential]:
    async with open_administration(settings, settings.database_url) as administration:
        issued = await administration.clients.add(Role.OPERATOR, None, name, frozenset({Scope.IMPORT}))
    try:
        yield Credential(issued.client.client_id, issued.secret)
    finally:
        async with open_administration(settings, settings.database_url) as administration:
            await administration.clients.revoke(issued.client.client_id)
