"""A revocation or a rotation reaches every service within seconds: two services, each with its own pool and
its own revocation list, verify the tokens one of them issued."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest

from shared.security.grants import TokenRequest
from shared.security.identity import Role
from shared.security.runtime import Identity, open_administration, open_identity
from shared.security.settings import SecuritySettings
from shared.security.tokens import RevokedToken, TokenRefused
from tests.support.waiting import eventually
from tests.unit.security.fakes import cheap_hasher


@contextlib.asynccontextmanager
async def service(settings: SecuritySettings, database_url: str) -> AsyncIterator[Identity]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    assert pool is not None
    try:
        async with open_identity(settings, database_url, pool, hasher=cheap_hasher()) as identity:
            yield identity
    finally:
        await pool.close()


async def refused(identity: Identity, token: str) -> TokenRefused | None:
    """A probe for `eventually`: the refusal, once the service has one."""
    try:
        identity.verifier.verify(token)
    except TokenRefused as refusal:
        return refusal
    return None


async def test_a_revoked_clients_unexpired_token_is_refused_by_every_service_within_seconds(
    database_url: str, security_settings: SecuritySettings
):
    async with (
        open_administration(security_settings, database_url) as admin,
        service(security_settings, database_url) as recruitment,
        service(security_settings, database_url) as training,
    ):
        issued = await admin.clients.add(Role.SCHOOL, uuid4(), "registry", frozenset())
        request = TokenRequest(issued.client.client_id, issued.secret, None, None)
        token = (await recruitment.grant.issue(request)).value
        assert training.verifier.verify(token).client_id == issued.client.client_id

        revoked_at = time.monotonic()
        await admin.clients.revoke(issued.client.client_id)
        refusals = [
            await eventually(lambda s=s: refused(s, token), timeout=10, interval=0.05) for s in (recruitment, training)
        ]
        elapsed = time.monotonic() - revoked_at

    assert all(isinstance(r, RevokedToken) for r in refusals)
    assert elapsed < 2 * security_settings.revocation_refresh_seconds + 1


async def test_after_a_rotation_tokens_of_the_old_secret_stop_working_and_new_ones_work(
    database_url: str, security_settings: SecuritySettings
):
    async with (
        open_administration(security_settings, database_url) as admin,
        service(security_settings, database_url) as employment,
    ):
        issued = await admin.clients.add(Role.ENTERPRISE, uuid4(), "HR system", frozenset())
        client_id = issued.client.client_id
        old = (await employment.grant.issue(TokenRequest(client_id, issued.secret, None, None))).value

        rotated = await admin.clients.rotate(client_id)
        await eventually(lambda: refused(employment, old), timeout=10, interval=0.05)
        new = (await employment.grant.issue(TokenRequest(client_id, rotated.secret, None, None))).value

        assert employment.verifier.verify(new).client_id == client_id
        with pytest.raises(RevokedToken, match="rotated"):
            employment.verifier.verify(old)
