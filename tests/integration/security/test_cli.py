"""`cycle clients` and `cycle audit` run as an operator runs them, in a subprocess, against the test's database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest

from shared.security.hashing import SecretHasher
from shared.security.postgres import PostgresClients
from shared.security.settings import SecuritySettings
from tests.integration.cli.conftest import Cycle, cycle_env


@pytest.fixture
def cycle(database_url: str, security_settings: SecuritySettings, tmp_path: Path) -> Cycle:
    return Cycle(
        cycle_env(tmp_path, DATABASE_URL=database_url, CYCLE_SECURITY_SCHEMA=security_settings.security_schema)
    )


async def stored_secret_matches(pool: asyncpg.Pool, schema: str, client_id: str, secret: str) -> bool:
    client = await PostgresClients(pool, schema).get(client_id)
    assert client is not None
    return await SecretHasher().verify(client.secret_hash, secret)


async def test_the_first_operator_client_is_added_from_nothing_and_its_secret_shown_once(
    cycle: Cycle, pool: asyncpg.Pool, security_settings: SecuritySettings
):
    added = await cycle.json("clients", "add", "--operator", "--name", "first operator")

    assert (added["role"], added["party_id"], added["scopes"]) == ("operator", None, ["import"])
    schema = security_settings.security_schema
    assert await stored_secret_matches(pool, schema, added["client_id"], added["client_secret"])
    listed = await cycle.json("clients", "list")
    assert [c["client_id"] for c in listed] == [added["client_id"]]
    assert "client_secret" not in listed[0]
    assert "secret_hash" not in listed[0]
    human = await cycle("clients", "list")
    assert added["client_id"] in human.stdout
    assert added["client_secret"] not in human.stdout


async def test_a_party_client_is_rotated_then_revoked_and_the_audit_tells_the_story(
    cycle: Cycle, pool: asyncpg.Pool, security_settings: SecuritySettings
):
    party = str(uuid4())
    added = await cycle.json("clients", "add", "--role", "school", "--party", party, "--name", "Bijie college")
    client_id = added["client_id"]

    rotated = await cycle.json("clients", "rotate", client_id)
    schema = security_settings.security_schema
    assert rotated["generation"] == 2
    assert await stored_secret_matches(pool, schema, client_id, rotated["client_secret"])
    assert not await stored_secret_matches(pool, schema, client_id, added["client_secret"])

    revoked = await cycle.json("clients", "revoke", client_id)
    assert revoked["revoked_at"] is not None
    assert await cycle.json("clients", "list") == []
    assert [c["client_id"] for c in await cycle.json("clients", "list", "--all")] == [client_id]

    story = await cycle.json("audit", "--party", party)
    assert [(e["action"], e["client_id"], e["operation"]) for e in story] == [
        ("client_revoked", client_id, "cycle clients revoke"),
        ("client_rotated", client_id, "cycle clients rotate"),
        ("client_added", client_id, "cycle clients add"),
    ]
    assert [e["action"] for e in await cycle.json("audit", "--action", "client_rotated", "--since", "1h")] == [
        "client_rotated"
    ]
    assert await cycle.json("audit", "--client", client_id, "--until", "2020-01-01") == []


async def test_refused_changes_exit_1_with_the_reason_and_change_nothing(cycle: Cycle):
    refusals = {
        "belongs to one": ["clients", "add", "--role", "school", "--name", "no party"],
        "printable characters": ["clients", "add", "--role", "school", "--party", str(uuid4()), "--name", "a\x07b"],
        "no client school-0000000000000000": ["clients", "rotate", "school-0000000000000000"],
        "no client enterprise-0000000000000000": ["clients", "revoke", "enterprise-0000000000000000"],
    }
    results = await asyncio.gather(*(cycle(*args) for args in refusals.values()))

    for message, result in zip(refusals, results, strict=True):
        assert (result.returncode, message in result.stderr) == (1, True), result.stderr
    assert await cycle.json("clients", "list", "--all") == []
