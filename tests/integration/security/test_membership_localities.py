"""Memberships learned before their localities were kept (shared_0006) get them: recruitment's from its parties
(recruitment_0003), every other service's from the MemberJoined on the partnership topic, by `cycle memberships
backfill` run as an operator runs it, on the real database and broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from yoyo import get_backend, read_migrations

from shared.config import ServiceSettings
from shared.contracts.base import Evidence, Region, Stage
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import MemberJoined, MemberLeft, PartyRole
from shared.contracts.registry import STAGE_TOPICS
from shared.persistence.database import SHARED_MIGRATIONS, drop_schema, ensure_schema, migrate, yoyo_url
from tests.integration.cli.conftest import Cycle, cycle_env
from tests.support.kafka import publish, publish_raw

pytestmark = pytest.mark.timeout(180)
RECRUITMENT_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "recruitment" / "migrations"
BACKFILLED = ("training", "employment", "assessment")


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url)
    yield connection
    await connection.close()


@pytest.fixture
def cycle(service_settings: ServiceSettings, tmp_path: Path) -> Cycle:
    return Cycle(
        cycle_env(
            tmp_path,
            KAFKA_BOOTSTRAP_SERVERS=service_settings.kafka_bootstrap_servers,
            DATABASE_URL=service_settings.database_url,
            CYCLE_TOPIC_NAMESPACE=service_settings.topic_namespace,
            CYCLE_SCHEMA_SUFFIX=service_settings.schema_suffix,
        )
    )


@pytest.fixture
async def service_schemas(service_settings: ServiceSettings) -> AsyncIterator[dict[str, str]]:
    """training, employment and assessment schemas with the shared tables, as their services migrate them."""
    schemas = {service: service + service_settings.schema_suffix for service in BACKFILLED}
    for schema in schemas.values():
        await migrate(service_settings.database_url, schema)
    yield schemas
    for schema in schemas.values():
        await drop_schema(service_settings.database_url, schema)


def _migrate_all_but(dsn: str, schema: str, left_out: str) -> None:
    backend = get_backend(yoyo_url(dsn, schema))
    migrations = read_migrations(str(SHARED_MIGRATIONS), str(RECRUITMENT_MIGRATIONS))
    with backend.lock():
        backend.apply_migrations(backend.to_apply(migrations.filter(lambda m: m.id != left_out)))


async def learned(
    conn: asyncpg.Connection, schema: str, joined_event: UUID, party_id: UUID, locality: str | None
) -> None:
    await conn.execute(
        f"INSERT INTO {schema}.party_memberships (joined_event, partnership_id, party_id, party_role, locality,"
        " joined_on) VALUES ($1, $2, $3, 'school', $4, '2024-01-02')",
        joined_event,
        uuid4(),
        party_id,
        locality,
    )


async def localities(conn: asyncpg.Connection, schema: str) -> dict[UUID, str | None]:
    rows = await conn.fetch(f"SELECT joined_event, locality FROM {schema}.party_memberships")
    return {row["joined_event"]: row["locality"] for row in rows}


def joining(locality: str) -> Envelope:
    payload = MemberJoined(
        party_id=uuid4(), party_name="A school", party_role=PartyRole.SCHOOL, region=Region.WEST, locality=locality
    )
    return Envelope.wrap(
        payload,
        source="recruitment",
        occurred_on=date(2024, 1, 2),
        partnership_id=uuid4(),
        evidence=Evidence.SCHOOL_RECORD,
    )


async def test_recruitment_fills_the_localities_of_its_older_memberships_from_its_parties(
    service_settings: ServiceSettings, conn: asyncpg.Connection
) -> None:
    dsn, schema = service_settings.database_url, "recruitment" + service_settings.schema_suffix
    await ensure_schema(dsn, schema)
    try:
        await asyncio.to_thread(_migrate_all_but, dsn, schema, "recruitment_0003_membership_localities")
        bijie, unknown = uuid4(), uuid4()
        await conn.execute(
            f"INSERT INTO {schema}.parties (party_id, name, role, region, locality, created_at)"
            " VALUES ($1, 'A school', 'school', 'west', 'Bijie', now())",
            bijie,
        )
        older, kept, stranger = uuid4(), uuid4(), uuid4()
        await learned(conn, schema, older, bijie, None)
        await learned(conn, schema, kept, bijie, "Anshun")
        await learned(conn, schema, stranger, unknown, None)

        assert await migrate(dsn, schema, RECRUITMENT_MIGRATIONS) == 1

        assert await localities(conn, schema) == {older: "Bijie", kept: "Anshun", stranger: None}
    finally:
        await drop_schema(dsn, schema)


async def test_the_backfill_fills_only_missing_localities_from_the_topic_and_a_second_run_changes_nothing(
    service_settings: ServiceSettings, service_schemas: dict[str, str], conn: asyncpg.Connection, cycle: Cycle
) -> None:
    bijie, anshun = joining("Bijie"), joining("Anshun")
    topic = service_settings.topic_namespace + STAGE_TOPICS[Stage.PARTNERSHIP]
    left = Envelope.wrap(
        MemberLeft(party_id=bijie.data.party_id),  # type: ignore[attr-defined]
        source="recruitment",
        occurred_on=date(2025, 1, 2),
        partnership_id=bijie.partnership_id,
        evidence=Evidence.SCHOOL_RECORD,
    )
    await publish(service_settings.kafka_bootstrap_servers, topic, bijie, anshun, left)
    await publish_raw(
        service_settings.kafka_bootstrap_servers, topic, b"k", b"not json", [("ce_type", b"cycle.MemberJoined")]
    )
    training, employment, assessment = (service_schemas[s] for s in BACKFILLED)
    never_published = uuid4()
    await learned(conn, training, bijie.id, uuid4(), None)
    await learned(conn, training, anshun.id, uuid4(), "Huadu")  # a locality once set is never overwritten
    await learned(conn, training, never_published, uuid4(), None)
    await learned(conn, employment, bijie.id, uuid4(), None)
    await learned(conn, employment, anshun.id, uuid4(), None)
    await learned(conn, assessment, anshun.id, uuid4(), None)

    first = await cycle.json("memberships", "backfill")

    assert (first["records_read"], first["joinings"]) == (4, 2)
    assert {s["schema"]: (s["filled"], s["still_missing"]) for s in first["schemas"]} == {
        training: (1, 1),
        employment: (2, 0),
        assessment: (1, 0),
    }
    assert await localities(conn, training) == {bijie.id: "Bijie", anshun.id: "Huadu", never_published: None}
    assert await localities(conn, employment) == {bijie.id: "Bijie", anshun.id: "Anshun"}
    assert await localities(conn, assessment) == {anshun.id: "Anshun"}
    again = await cycle.json("memberships", "backfill")
    assert {s["schema"]: s["filled"] for s in again["schemas"]} == dict.fromkeys(service_schemas.values(), 0)
    assert await localities(conn, training) == {bijie.id: "Bijie", anshun.id: "Huadu", never_published: None}
    told = await cycle("memberships", "backfill")
    assert told.returncode == 0, told.stderr
    assert "read 4 of 4 records" in told.stderr
    assert "localities filled" in told.stdout
