"""A learner's batch reads its students, their upstream facts and the facts held for them ahead
(services/employment/adapters/db/ahead.py): it must leave the tables as the same events applied one per transaction
do, reading the database each time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from services.employment.adapters.db.held import PostgresHeldFacts
from services.employment.adapters.db.unit_of_work import PostgresEmploymentUnitOfWork
from services.employment.app import SPEC
from services.employment.application.commands import EnterFurtherStudy, HoldableCommand, OfferJob
from services.employment.application.handlers import HANDLERS
from services.employment.application.unit_of_work import HeldFact
from shared.config import ServiceSettings
from shared.contracts.base import EventPayload, Evidence, Stage
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import PartnershipSigned
from shared.contracts.recruitment import StudentEnrolled
from shared.contracts.training import Graduated, Withdrawn
from tests.support.learner_batches import (
    batches_committed,
    class_opened,
    in_one_batch,
    learner,
    one_per_transaction,
    rows,
    service_schema,
)

# What the learner leaves in each table, without the columns a transaction's time or a serial fills in.
TABLES = {
    "students": "student_id, partnership_id, class_id, training_status, graduated_on, withdrawn_last_day,"
    " employment_status, current_placement_id, last_job_ended_on",
    "upstream_facts": "event_id, event_type, student_id, supersedes, data",
    "held_facts": "held_id, student_id, kind, status, reason, event_id IS NULL AS unsettled",
    "further_studies": "study_id, student_id, institution, start_on",
    "offers": "offer_id, student_id, status",
    "outbox": "event_type, key",  # ids of released facts' events are new
}
IN_ORDER = frozenset({"upstream_facts", "held_facts"})


@dataclass
class Story:
    """One partnership's events as employment hears them, and the facts its HTTP clients had held."""

    partnership_id: UUID = field(default_factory=uuid4)
    class_id: UUID = field(default_factory=uuid4)
    students: tuple[UUID, UUID, UUID] = field(default_factory=lambda: (uuid4(), uuid4(), uuid4()))

    def event(self, payload: EventPayload, on: date, **refs: Any) -> Envelope:
        return Envelope.wrap(
            payload,
            source="/tests/learner-batches",
            occurred_on=on,
            partnership_id=self.partnership_id,
            evidence=Evidence.SCHOOL_RECORD,
            **refs,
        )

    def enrolled(self, student_id: UUID) -> Envelope:
        enrolled = StudentEnrolled(application_id=uuid4(), start_on=date(2024, 3, 1), planned_end_on=date(2025, 6, 30))
        return self.event(enrolled, date(2024, 3, 1), student_id=student_id, class_id=self.class_id)

    def before(self) -> list[Envelope]:
        opened = class_opened(self.class_id)
        signed = PartnershipSigned(name="Guangzhou-Bijie", valid_from=date(2024, 1, 1))
        first, second, _ = self.students
        return [
            self.event(signed, date(2024, 1, 1)),
            self.event(opened, date(2024, 2, 1), class_id=self.class_id),
            self.enrolled(first),
            self.enrolled(second),
        ]

    def held(self) -> list[HeldFact]:
        """Two studies for the first student (the second refused when released: already in further study), an
        offer for the second."""
        first, second, _ = self.students
        study = {"institution": "Guizhou Polytechnic", "start_on": date(2025, 9, 1), "evidence": Evidence.SELF_REPORT}
        commands: list[tuple[UUID, UUID, HoldableCommand]] = []
        for _ in range(2):
            study_id = uuid4()
            commands.append((first, study_id, EnterFurtherStudy(student_id=first, study_id=study_id, **study)))
        offer_id = uuid4()
        offer = OfferJob(
            student_id=second,
            offer_id=offer_id,
            employer_name="Bench employer",
            employer_credit_code="91440101MA59UQ3L00",
            monthly_wage=Decimal(4200),
            evidence=Evidence.EMPLOYER_CONFIRMATION,
        )
        commands.append((second, offer_id, offer))
        at = datetime(2025, 5, 1, tzinfo=UTC)
        return [HeldFact(uuid4(), student, subject, command, at) for student, subject, command in commands]

    def batch(self) -> list[Envelope]:
        """Events of one student twice, follow-ups of facts of the same batch, held facts released and rejected."""
        first, second, third = self.students
        graduated = self.event(Graduated(graduated_on=date(2025, 6, 30)), date(2025, 6, 30), student_id=first)
        withdrawn = self.event(
            Withdrawn(last_day=date(2024, 9, 1), reason="family"), date(2024, 9, 1), student_id=second
        )
        corrected = EventCorrected(fields={"graduated_on": "2025-06-20"}, reason="wrong day")
        retracted = EventRetracted(reason="recorded for the wrong student")
        return [
            self.enrolled(third),
            self.event(Graduated(graduated_on=date(2025, 6, 30)), date(2025, 6, 30), student_id=third),
            graduated,
            self.event(corrected, date(2025, 6, 30), student_id=first, supersedes=graduated.id),
            withdrawn,
            self.event(retracted, date(2024, 9, 1), student_id=second, supersedes=withdrawn.id),
            self.event(Graduated(graduated_on=date(2025, 6, 30)), date(2025, 6, 30), student_id=second),
        ]


async def hold(pool: asyncpg.Pool, facts: list[HeldFact]) -> None:
    async with pool.acquire() as conn:
        for fact in facts:
            await PostgresHeldFacts(conn).hold(fact)


@pytest.mark.timeout(120)
async def test_a_batch_that_reads_ahead_leaves_what_its_events_one_per_transaction_leave(
    database_url: str, kafka_bootstrap: str, topic_namespace: str, service_settings: ServiceSettings
) -> None:
    story = Story()
    before, held, batch = story.before(), story.held(), story.batch()
    suffix = service_settings.schema_suffix
    batched_schema, alone_schema = f"employment_batch{suffix}", f"employment_alone{suffix}"
    async with (
        service_schema(database_url, batched_schema, SPEC.migrations) as batched,
        service_schema(database_url, alone_schema, SPEC.migrations) as alone,
    ):
        batched_learner = learner(
            HANDLERS, PostgresEmploymentUnitOfWork, Stage.EMPLOYMENT, service_settings, batched_schema
        )
        alone_learner = learner(
            HANDLERS, PostgresEmploymentUnitOfWork, Stage.EMPLOYMENT, service_settings, alone_schema
        )
        for pool, learn in ((batched, batched_learner), (alone, alone_learner)):
            await one_per_transaction(pool, learn, before)
            await hold(pool, held)
        await one_per_transaction(alone, alone_learner, batch)

        consumer = await in_one_batch(batched, batched_learner, batch, kafka_bootstrap, topic_namespace)

        assert consumer.dead_lettered == 0
        assert await batches_committed(batched) == 1
        assert await rows(batched, TABLES, IN_ORDER) == await rows(alone, TABLES, IN_ORDER)
        first, second, third = story.students
        statuses = dict(await batched.fetch("SELECT student_id, training_status FROM students"))
        assert statuses == {first: "graduated", second: "graduated", third: "graduated"}
        settled = [row["status"] for row in await batched.fetch("SELECT status FROM held_facts ORDER BY seq")]
        assert settled == ["applied", "rejected", "rejected"]
