"""The assessment API decides who reads which partnership on memberships of its own (services/assessment/
memberships.py), learned from the topics over the real broker: no recruitment schema exists in these tests, the
events are published as recruitment publishes them, and the figures are rows of the assessment schema.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from services.assessment.app import create_app as assessment_app
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from shared.contracts.base import Evidence, Region, Stage
from shared.contracts.corrections import EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import MemberJoined, MemberLeft, PartyRole
from shared.contracts.registry import STAGE_TOPICS
from shared.security.identity import Role
from tests.support.assessment import assessment_settings
from tests.support.http import authenticated, provision, serving
from tests.support.kafka import publish, publish_raw
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(240)
METRIC = "employment_rate"
LEARNED_WITHIN = 60  # seconds; a consumer group's first join takes a few


@dataclass(frozen=True)
class Party:
    party_id: UUID
    role: PartyRole
    locality: str


def joined(partnership: UUID, party: Party, on: date = date(2024, 1, 2)) -> Envelope:
    payload = MemberJoined(
        party_id=party.party_id,
        party_name=f"{party.role} of {party.locality}",
        party_role=party.role,
        region=Region.WEST,
        locality=party.locality,
    )
    return Envelope.wrap(
        payload, source="recruitment", occurred_on=on, partnership_id=partnership, evidence=Evidence.SCHOOL_RECORD
    )


def left(partnership: UUID, party: Party, on: date) -> Envelope:
    payload = MemberLeft(party_id=party.party_id, reason="agreement ended for this school")
    return Envelope.wrap(
        payload, source="recruitment", occurred_on=on, partnership_id=partnership, evidence=Evidence.SCHOOL_RECORD
    )


def retraction_of(event: Envelope) -> Envelope:
    return Envelope.wrap(
        EventRetracted(reason="recorded in error"),
        source="recruitment",
        occurred_on=event.occurred_on,
        partnership_id=event.partnership_id,
        evidence=Evidence.SCHOOL_RECORD,
        supersedes=event.id,
    )


async def facts(settings: ServiceSettings, stage: Stage, *events: Envelope) -> None:
    await publish(settings.kafka_bootstrap_servers, settings.topic_namespace + STAGE_TOPICS[stage], *events)


async def figures_of(settings: AssessmentSettings, *partnerships: UUID) -> None:
    conn = await asyncpg.connect(settings.database_url)
    try:
        await conn.executemany(
            f"INSERT INTO {settings.db_schema}.figures_latest (generation, scope, version, dimension, bucket,"
            " metric, numerator, denominator, value, final, as_of)"
            " VALUES ('g1', $1, 1, 'total', 'total', $2, 1, 10, 0.1, false, '2026-06-30')",
            [(f"partnership:{pid}", METRIC) for pid in partnerships],
        )
        recruitment = "recruitment" + settings.schema_suffix
        assert await conn.fetchval("SELECT to_regnamespace($1)", recruitment) is None, "no recruitment schema"
    finally:
        await conn.close()


async def events_learned(settings: AssessmentSettings) -> set[UUID]:
    """The events the memberships consumer recorded; nothing it passed over or dead-lettered."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        rows = await conn.fetch(f"SELECT event_id FROM {settings.db_schema}.processed_events")
    finally:
        await conn.close()
    return {row["event_id"] for row in rows}


@contextlib.asynccontextmanager
async def reading_as(
    settings: ServiceSettings, service: httpx.AsyncClient, role: Role, party: Party
) -> AsyncIterator[httpx.AsyncClient]:
    credential = await provision(settings, role, party_id=party.party_id)
    async with authenticated(service, credential) as client:
        yield client


async def ranked(client: httpx.AsyncClient) -> set[UUID]:
    answer = await client.get(f"/rankings/{METRIC}", params={"version": 1})
    assert answer.status_code == 200, answer.text
    return {UUID(item["scope"].split(":", 1)[1]) for item in answer.json()["ranking"]}


async def reads(client: httpx.AsyncClient, partnership: UUID) -> bool:
    answer = await client.get(f"/partnerships/{partnership}/figures")
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


async def ranks_exactly(client: httpx.AsyncClient, expected: set[UUID]) -> None:
    async def shown() -> bool:
        return await ranked(client) == expected

    await eventually(shown, timeout=LEARNED_WITHIN, interval=0.3)


@pytest.fixture
def settings(service_settings: ServiceSettings, assessment_store: AssessmentStore) -> AssessmentSettings:
    return assessment_settings(service_settings)  # the store fixture migrated its schema and drops it afterwards


async def test_a_party_reads_the_partnerships_the_topic_says_it_belongs_to_with_no_recruitment_schema(
    settings: AssessmentSettings,
) -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    school = Party(uuid4(), PartyRole.SCHOOL, "Bijie")
    bureau = Party(uuid4(), PartyRole.GOVERNMENT, "Bijie")
    elsewhere = Party(uuid4(), PartyRole.SCHOOL, "Anshun")
    neighbour = Party(uuid4(), PartyRole.SCHOOL, "Bijie")
    await figures_of(settings, a, b, c)
    # Published before the API starts: a fresh schema learns the topic's history from its start.
    await facts(settings, Stage.PARTNERSHIP, joined(a, school), joined(a, bureau), joined(b, elsewhere))
    async with serving(assessment_app, settings) as operator:  # type: ignore[arg-type]
        async with (
            reading_as(settings, operator, Role.SCHOOL, school) as as_school,
            reading_as(settings, operator, Role.GOVERNMENT, bureau) as as_bureau,
        ):
            await ranks_exactly(as_school, {a})
            assert await reads(as_school, a)
            assert not await reads(as_school, b)
            await ranks_exactly(as_bureau, {a})
            await facts(settings, Stage.PARTNERSHIP, joined(c, neighbour))  # while it runs: a new member counts
            await ranks_exactly(as_bureau, {a, c})
            assert not await reads(as_bureau, b)
        assert await ranked(operator) == {a, b, c}


async def test_a_member_that_left_or_whose_joining_was_retracted_reads_no_more_and_replays_change_nothing(
    settings: AssessmentSettings,
) -> None:
    a = uuid4()
    school = Party(uuid4(), PartyRole.SCHOOL, "Bijie")
    sponsor = Party(uuid4(), PartyRole.ENTERPRISE, "Guangzhou")
    latecomer = Party(uuid4(), PartyRole.ENTERPRISE, "Guangzhou")
    await figures_of(settings, a)
    recruitment_topic = settings.topic_namespace + STAGE_TOPICS[Stage.RECRUITMENT]
    school_joined, sponsor_joined = joined(a, school), joined(a, sponsor)
    await facts(settings, Stage.PARTNERSHIP, school_joined, sponsor_joined)
    async with (
        serving(assessment_app, settings) as operator,  # type: ignore[arg-type]
        reading_as(settings, operator, Role.SCHOOL, school) as as_school,
        reading_as(settings, operator, Role.ENTERPRISE, sponsor) as as_sponsor,
        reading_as(settings, operator, Role.ENTERPRISE, latecomer) as as_latecomer,
    ):
        await ranks_exactly(as_school, {a})
        await ranks_exactly(as_sponsor, {a})
        school_left, sponsor_retracted = left(a, school, date(2025, 7, 1)), retraction_of(sponsor_joined)
        await facts(settings, Stage.PARTNERSHIP, school_left)
        await ranks_exactly(as_school, set())
        assert not await reads(as_school, a)
        await publish_raw(  # the rest of the recruitment topic is passed over, not even decoded
            settings.kafka_bootstrap_servers, recruitment_topic, b"k", b"{}", [("ce_type", b"cycle.StudentEnrolled")]
        )
        await facts(settings, Stage.RECRUITMENT, sponsor_retracted)  # recruitment's own topic
        await ranks_exactly(as_sponsor, set())
        # The same events delivered again, then a new member on the same partition to know they were read.
        latecomer_joined = joined(a, latecomer)
        await facts(settings, Stage.PARTNERSHIP, school_joined, sponsor_joined, latecomer_joined)
        await ranks_exactly(as_latecomer, {a})
        assert await ranked(as_school) == set()
        assert await ranked(as_sponsor) == set()
    learned = {school_joined.id, sponsor_joined.id, school_left.id, sponsor_retracted.id}
    assert await events_learned(settings) == learned | {latecomer_joined.id}
