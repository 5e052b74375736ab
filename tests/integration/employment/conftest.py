"""Employment through real HTTP, PostgreSQL and Kafka; upstream stages are played by publishing their events."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from services.employment.app import create_app
from shared.application.clock import business_today
from shared.config import ServiceSettings
from shared.contracts.base import EventPayload, Evidence, Region, Stage
from shared.contracts.corrections import EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened, MemberJoined, PartnershipSigned, PartyRole
from shared.contracts.recruitment import EnrollmentCancelled, StudentEnrolled
from shared.contracts.registry import topic_for
from shared.contracts.training import Graduated, TransferredToClass, Withdrawn
from shared.persistence.database import drop_schema
from tests.support.http import serving
from tests.support.kafka import envelopes, publish, read_all
from tests.support.waiting import eventually

OPERATOR_TOKEN = "operator-token-for-tests-0123456789"
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code() -> str:
    """A unified social credit code of the right shape, different for each call."""
    return "9144" + "".join(random.choices("0123456789", k=4)) + "".join(random.choices(_CODE_CHARS, k=10))


def today() -> date:
    return business_today(datetime.now(UTC))


@pytest.fixture
async def employment(service_settings: ServiceSettings, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = service_settings.model_copy(update={"operator_token": OPERATOR_TOKEN})
    try:
        async with serving(create_app, settings) as client:
            yield client
    finally:
        await drop_schema(database_url, "employment" + service_settings.schema_suffix)


@dataclass
class Cycle:
    """The other stages of one partnership, as employment hears them: events on their topics."""

    bootstrap: str
    namespace: str
    partnership_id: UUID = field(default_factory=uuid4)
    class_id: UUID = field(default_factory=uuid4)
    sponsor_code: str = field(default_factory=credit_code)

    async def _publish(self, payload: EventPayload, day: date, emitter: Stage, **refs: Any) -> Envelope:
        event = Envelope.wrap(
            payload,
            source=f"/services/{emitter.value}",
            occurred_on=day,
            partnership_id=self.partnership_id,
            evidence=Evidence.SCHOOL_RECORD,
            **refs,
        )
        await publish(self.bootstrap, topic_for(event.type, emitter, self.namespace), event)
        return event

    async def sign(self, checkpoints: list[int] | None = None) -> None:
        extra = {"retention_checkpoints": checkpoints} if checkpoints else {}
        signed = PartnershipSigned(name="Guangzhou-Bijie", valid_from=date(2024, 1, 1), **extra)
        await self._publish(signed, date(2024, 1, 1), Stage.RECRUITMENT)
        opened = ClassOpened(
            class_id=self.class_id,
            name="CNC machining 2024",
            school_id=uuid4(),
            sponsor_id=uuid4(),
            sponsor_credit_code=self.sponsor_code,
            programme_id=uuid4(),
            major="CNC machining",
            seats=40,
            cohort_year=2024,
            planned_start=date(2024, 3, 1),
            planned_end=date(2024, 12, 31),
            hiring_commitment=30,
        )
        await self._publish(opened, date(2024, 2, 1), Stage.RECRUITMENT, class_id=self.class_id)

    async def join_partner(self, code: str) -> None:
        joined = MemberJoined(
            party_id=uuid4(),
            party_name="Xinwanda Electronics Co., Ltd.",
            party_role=PartyRole.ENTERPRISE,
            region=Region.EAST,
            locality="Guangzhou",
            credit_code=code,
        )
        await self._publish(joined, date(2024, 1, 15), Stage.RECRUITMENT)

    async def enrol(self, student_id: UUID) -> Envelope:
        enrolled = StudentEnrolled(application_id=uuid4(), start_on=date(2024, 3, 1), planned_end_on=date(2024, 12, 31))
        return await self._student_fact(enrolled, date(2024, 3, 1), Stage.RECRUITMENT, student_id)

    async def graduate(self, student_id: UUID, day: date) -> Envelope:
        return await self._student_fact(Graduated(graduated_on=day), day, Stage.TRAINING, student_id)

    async def withdraw(self, student_id: UUID, day: date) -> Envelope:
        return await self._student_fact(Withdrawn(last_day=day, reason="family"), day, Stage.TRAINING, student_id)

    async def transfer_in(self, student_id: UUID, from_class_id: UUID, day: date) -> Envelope:
        """Training's TransferredToClass into this partnership's class, keyed by this partnership."""
        moved = TransferredToClass(from_class_id=from_class_id, to_class_id=self.class_id, start_on=day)
        return await self._student_fact(moved, day, Stage.TRAINING, student_id)

    async def retract(self, target: Envelope, emitter: Stage) -> Envelope:
        retraction = EventRetracted(reason="recorded for the wrong student")
        return await self._publish(
            retraction, target.occurred_on, emitter, student_id=target.student_id, supersedes=target.id
        )

    async def cancel(self, student_id: UUID) -> Envelope:
        cancelled = EnrollmentCancelled(reason="enrolled twice")
        return await self._student_fact(cancelled, date(2024, 3, 2), Stage.RECRUITMENT, student_id)

    async def _student_fact(self, payload: EventPayload, day: date, emitter: Stage, student_id: UUID) -> Envelope:
        return await self._publish(payload, day, emitter, student_id=student_id, class_id=self.class_id)


@pytest.fixture
def cycle(kafka_bootstrap: str, topic_namespace: str) -> Cycle:
    return Cycle(kafka_bootstrap, topic_namespace)


async def student_in(client: httpx.AsyncClient, student_id: UUID, training_status: str) -> dict[str, Any]:
    """Wait until employment has learned, from events, that the student is in `training_status`."""

    async def probe() -> dict[str, Any] | None:
        response = await client.get(f"/students/{student_id}")
        if response.status_code == 200 and response.json()["training_status"] == training_status:
            return dict(response.json())
        return None

    return await eventually(probe, timeout=30)


async def class_sponsor_known(client: httpx.AsyncClient, cycle: Cycle) -> None:
    """Wait until employment has learned the sponsor of `cycle`'s class (from the partnership's ClassOpened)."""

    async def probe() -> bool:
        response = await client.get(f"/partnerships/{cycle.partnership_id}")
        classes = response.json().get("classes", []) if response.status_code == 200 else []
        return any(c["class_id"] == str(cycle.class_id) for c in classes)

    await eventually(probe, timeout=30)


def placement_body(code: str, start_on: date | None = None, **changes: Any) -> dict[str, Any]:
    start = start_on or today() - timedelta(days=10)
    return {
        "employer_name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
        "employer_credit_code": code,
        "employer_type": "state_owned",
        "location": "east",
        "related_to_training": True,
        "monthly_wage": "5200.00",
        "contract_type": "fixed_term",
        "social_insurance": True,
        "start_on": start.isoformat(),
        "evidence": "employer_confirmation",
        **changes,
    }


async def employment_events(cycle: Cycle, at_least: int) -> list[Envelope]:
    records = await read_all(cycle.bootstrap, [cycle.namespace + "cycle.employment"], at_least=at_least)
    return envelopes(records)
