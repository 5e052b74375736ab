"""A running training service on the real broker and database, and a recruitment stand-in that publishes events.

Training learns classes and learners only from events, so every test opens its classes and enrols its students by
publishing ClassOpened / StudentEnrolled on the topics, as the recruitment service would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from services.training.app import create_app
from shared.config import ServiceSettings
from shared.contracts.base import EventPayload, Evidence, Stage
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassClosed, ClassOpened
from shared.contracts.recruitment import EnrollmentCancelled, StudentEnrolled
from shared.contracts.registry import topic_for
from shared.persistence.database import drop_schema
from tests.support.http import serving
from tests.support.kafka import publish
from tests.support.waiting import eventually

START = date(2025, 3, 3)
OPERATOR_TOKEN = "test-operator-token"


@dataclass
class Recruitment:
    """Publishes partnership and recruitment events on the test's topics, as the recruitment service would."""

    bootstrap: str
    namespace: str
    partnership_id: UUID = field(default_factory=uuid4)

    def envelope(self, payload: EventPayload, occurred_on: date, **refs: Any) -> Envelope:
        return Envelope.wrap(
            payload,
            source="/services/recruitment",
            occurred_on=occurred_on,
            partnership_id=refs.pop("partnership_id", None) or self.partnership_id,
            evidence=Evidence.SCHOOL_RECORD,
            **refs,
        )

    def class_opened(self, class_id: UUID | None = None, partnership_id: UUID | None = None) -> Envelope:
        class_id = class_id or uuid4()
        payload = ClassOpened(
            class_id=class_id,
            name="Cantonese Cuisine Masters 2025",
            school_id=uuid4(),
            sponsor_id=uuid4(),
            sponsor_credit_code="91440101190442827X",
            programme_id=uuid4(),
            major="Chinese cooking",
            seats=40,
            cohort_year=2025,
            planned_start=START,
            planned_end=date(2026, 1, 16),
            hiring_commitment=30,
        )
        return self.envelope(payload, date(2025, 2, 1), class_id=class_id, partnership_id=partnership_id)

    def enrolled(self, class_id: UUID, student_id: UUID | None = None, start_on: date = START) -> Envelope:
        payload = StudentEnrolled(application_id=uuid4(), start_on=start_on, planned_end_on=date(2026, 1, 16))
        return self.envelope(payload, start_on, student_id=student_id or uuid4(), class_id=class_id)

    def cancelled(self, student_id: UUID, class_id: UUID) -> Envelope:
        return self.envelope(
            EnrollmentCancelled(reason="did not arrive"), START, student_id=student_id, class_id=class_id
        )

    def closed(self, class_id: UUID, on: date) -> Envelope:
        return self.envelope(ClassClosed(class_id=class_id), on, class_id=class_id)

    async def publish(self, *events: Envelope) -> None:
        for event in events:
            await publish(self.bootstrap, topic_for(event.type, Stage.RECRUITMENT, self.namespace), event)


@pytest.fixture
def recruitment(kafka_bootstrap: str, topic_namespace: str) -> Recruitment:
    return Recruitment(kafka_bootstrap, topic_namespace)


@pytest.fixture
async def training(service_settings: ServiceSettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = service_settings.model_copy(update={"operator_token": OPERATOR_TOKEN})
    async with serving(create_app, settings) as client:
        yield client
    await drop_schema(service_settings.database_url, f"training{service_settings.schema_suffix}")


async def known(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    """Wait until training's API knows the resource at `path` (it learns it from a consumed event)."""

    async def probe() -> dict[str, Any] | None:
        response = await client.get(path)
        return response.json() if response.status_code == 200 else None

    found = await eventually(probe, timeout=30)
    assert found is not None
    return found


def class_of(event: Envelope) -> UUID:
    assert event.class_id is not None
    return event.class_id


def student_of(event: Envelope) -> UUID:
    assert event.student_id is not None
    return event.student_id


async def held(client: httpx.AsyncClient, waits_for: str) -> list[dict[str, Any]]:
    """Wait until training holds a fact waiting for a class or a student, and return the held facts."""

    async def probe() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await client.get(f"/held-facts?waits_for={waits_for}")).json()["items"]
        return items

    found: list[dict[str, Any]] = await eventually(probe, timeout=30)
    return found


async def phase_becomes(client: httpx.AsyncClient, student_id: UUID, phase: str) -> None:
    async def probe() -> bool:
        response = await client.get(f"/students/{student_id}")
        return response.status_code == 200 and response.json()["phase"] == phase

    await eventually(probe, timeout=30)


@dataclass
class Cohort:
    class_id: UUID
    students: list[UUID]


async def enrol_cohort(
    client: httpx.AsyncClient, recruitment: Recruitment, size: int = 1, class_id: UUID | None = None
) -> Cohort:
    """Open a class (unless given) and enrol `size` students through the topics; wait until training knows them."""
    events = []
    if class_id is None:
        opened = recruitment.class_opened()
        class_id = class_of(opened)
        events.append(opened)
    enrolments = [recruitment.enrolled(class_id) for _ in range(size)]
    await recruitment.publish(*events, *enrolments)
    students = [student_of(e) for e in enrolments]
    await known(client, f"/classes/{class_id}")
    for student_id in students:
        await known(client, f"/students/{student_id}")
    return Cohort(class_id, students)
