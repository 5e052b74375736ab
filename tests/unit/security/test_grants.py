"""The client-credentials grant: a token for the right secret, one refusal for everything else, all audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from shared.application.clock import FixedClock
from shared.security.administration import ClientAdministration, Issued
from shared.security.audit import AuditAction
from shared.security.grants import ClientCredentialsGrant, InvalidClient, InvalidScope, TokenRequest
from shared.security.identity import Role, Scope
from shared.security.tokens import TokenCodec
from tests.unit.security.fakes import FakeAudit, FakeClients, cheap_hasher

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class World:
    def __init__(self) -> None:
        self.clock = FixedClock(NOW)
        self.clients, self.audit, hasher = FakeClients(), FakeAudit(), cheap_hasher()
        self.codec = TokenCodec(b"k" * 32, timedelta(minutes=5), self.clock)
        self.grant = ClientCredentialsGrant(self.clients, self.audit, hasher, self.codec, self.clock)
        self.admin = ClientAdministration(self.clients, self.audit, hasher, self.clock)

    async def school(self, *scopes: Scope) -> Issued:
        return await self.admin.add(Role.SCHOOL, uuid4(), "registry", frozenset(scopes))

    async def token_for(self, client_id: str, secret: str, scope: str | None = None) -> str:
        return (await self.grant.issue(TokenRequest(client_id, secret, scope, "10.0.0.7"))).value


async def test_the_right_secret_gets_a_token_for_the_client_and_an_audit_row():
    world = World()
    issued = await world.school(Scope.PERSONAL_DATA)

    claims = world.codec.read(await world.token_for(issued.client.client_id, issued.secret))

    assert (claims.client_id, claims.party_id) == (issued.client.client_id, issued.client.party_id)
    assert claims.scopes == {Scope.PERSONAL_DATA}
    last = world.audit.entries[-1]
    assert (last.action, last.client_id, last.party_id, last.address) == (
        AuditAction.TOKEN_ISSUED,
        issued.client.client_id,
        issued.client.party_id,
        "10.0.0.7",
    )


@pytest.mark.parametrize(
    ("case", "reason"), [("unknown", "unknown client"), ("wrong", "wrong secret"), ("revoked", "revoked client")]
)
async def test_every_failed_authentication_is_the_same_refusal_and_the_audit_says_why(case: str, reason: str):
    world = World()
    issued = await world.school()
    client_id, secret = issued.client.client_id, issued.secret
    if case == "unknown":
        client_id = "school-0000000000000000"
    elif case == "wrong":
        secret = "not-" + secret
    else:
        await world.admin.revoke(client_id)

    with pytest.raises(InvalidClient, match="client authentication failed"):
        await world.token_for(client_id, secret)

    last = world.audit.entries[-1]
    assert (last.action, last.detail) == (AuditAction.TOKEN_REFUSED, reason)
    assert last.client_id == (None if case == "unknown" else client_id)


async def test_a_token_carries_only_the_scopes_asked_for_and_granted():
    world = World()
    issued = await world.school(Scope.PERSONAL_DATA)
    client_id, secret = issued.client.client_id, issued.secret

    assert world.codec.read(await world.token_for(client_id, secret, "personal_data")).scopes == {Scope.PERSONAL_DATA}
    with pytest.raises(InvalidScope):
        await world.token_for(client_id, secret, "import")
    with pytest.raises(InvalidScope):
        await world.token_for(client_id, secret, "personal_data everything")


async def test_after_a_rotation_only_the_new_secret_gets_a_token():
    world = World()
    issued = await world.school()
    rotated = await world.admin.rotate(issued.client.client_id)

    with pytest.raises(InvalidClient):
        await world.token_for(issued.client.client_id, issued.secret)
    claims = world.codec.read(await world.token_for(issued.client.client_id, rotated.secret))
    assert claims.generation == 2
