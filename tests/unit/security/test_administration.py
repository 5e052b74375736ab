"""Operators add, rotate and revoke clients; a client belongs to a party unless it is an operator's."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from shared.application.clock import FixedClock
from shared.errors import IllegalTransition, InvalidFact, NotFound
from shared.security.administration import ClientAdministration
from shared.security.audit import AuditAction
from shared.security.identity import Role, Scope
from tests.unit.security.fakes import FakeAudit, FakeClients, cheap_hasher

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def administration() -> tuple[ClientAdministration, FakeClients, FakeAudit]:
    clients, audit = FakeClients(), FakeAudit()
    return ClientAdministration(clients, audit, cheap_hasher(), FixedClock(NOW)), clients, audit


async def test_an_added_client_is_stored_with_a_hash_of_its_secret_and_audited():
    admin, clients, audit = administration()
    party = uuid4()

    issued = await admin.add(Role.ENTERPRISE, party, "  HR system ", frozenset())

    stored = clients.clients[issued.client.client_id]
    assert issued.client.client_id.startswith("enterprise-")
    assert (stored.party_id, stored.name, stored.created_at, stored.generation) == (party, "HR system", NOW, 1)
    assert issued.secret not in stored.secret_hash
    assert [(e.action, e.client_id, e.party_id) for e in audit.entries] == [
        (AuditAction.CLIENT_ADDED, stored.client_id, party)
    ]


async def test_an_operator_client_belongs_to_no_party_and_a_party_client_to_one():
    admin, _, _ = administration()
    assert (await admin.add(Role.OPERATOR, None, "ops", frozenset({Scope.IMPORT}))).client.party_id is None
    with pytest.raises(InvalidFact):
        await admin.add(Role.OPERATOR, uuid4(), "ops", frozenset())
    with pytest.raises(InvalidFact):
        await admin.add(Role.SCHOOL, None, "registry", frozenset())


async def test_a_partys_client_may_be_granted_the_import_scope_for_its_own_history():
    admin, _, _ = administration()
    issued = await admin.add(Role.SCHOOL, uuid4(), "registry", frozenset({Scope.IMPORT}))
    assert issued.client.scopes == frozenset({Scope.IMPORT})


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "line\nbreak", "nul\x00"])
async def test_a_client_name_is_short_printable_text(name: str):
    admin, _, _ = administration()
    with pytest.raises(InvalidFact):
        await admin.add(Role.SCHOOL, uuid4(), name, frozenset())


async def test_rotating_starts_a_new_secret_generation_and_revoking_is_for_good():
    admin, _, audit = administration()
    issued = await admin.add(Role.SCHOOL, uuid4(), "registry", frozenset())
    client_id = issued.client.client_id

    rotated = await admin.rotate(client_id)
    assert (rotated.client.generation, rotated.client.rotated_at) == (2, NOW)
    assert rotated.secret != issued.secret

    revoked = await admin.revoke(client_id)
    assert revoked.revoked_at == NOW
    assert (await admin.revoke(client_id)).revoked_at == NOW
    with pytest.raises(IllegalTransition):
        await admin.rotate(client_id)
    assert [e.action for e in audit.entries] == [
        AuditAction.CLIENT_ADDED,
        AuditAction.CLIENT_ROTATED,
        AuditAction.CLIENT_REVOKED,
        AuditAction.CLIENT_REVOKED,
    ]
    assert [c.client_id for c in await admin.listed(include_revoked=False)] == []
    assert [c.client_id for c in await admin.listed(include_revoked=True)] == [client_id]


async def test_an_unknown_client_cannot_be_rotated_or_revoked():
    admin, _, _ = administration()
    with pytest.raises(NotFound):
        await admin.rotate("school-0000000000000000")
    with pytest.raises(NotFound):
        await admin.revoke("school-0000000000000000")
