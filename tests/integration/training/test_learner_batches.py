"""The roster learner's batch reads its learners ahead (services/training/adapters/db/ahead.py): it must leave the
tables as the same events applied one per transaction do, reading the database each time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.training.adapters.db.unit_of_work import PostgresTrainingUnitOfWork
from services.training.app import SPEC
from services.training.application.handlers import HANDLERS
from shared.config import ServiceSettings
from shared.contracts.base import EventPayload, Evidence, Stage
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.recruitment import EnrollmentCancelled, StudentEnrolled
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
    "learners": "student_id, partnership_id, class_id, phase, first_start_on, period_start_on, planned_end_on,"
    " enrolment_event_id, break_start_on, last_day, graduated_on",
    "learner_transitions": "event_id, student_id, event_type, before, retracted",
    "held_facts": "event_id, event_type, waits_for, waits_for_id, refused",
    "classes": "class_id, partnership_id, closed_on",
}
IN_ORDER = frozenset({"learner_transitions", "held_facts"})


@dataclass
class Roster:
    """One partnership's partnership and recruitment events, as training hears them."""

    partnership_id: UUID = field(default_factory=uuid4)
    classes: tuple[UUID, UUID] = field(default_factory=lambda: (uuid4(), uuid4()))
    students: tuple[UUID, UUID, UUID, UUID] = field(default_factory=lambda: (uuid4(), uuid4(), uuid4(), uuid4()))

    def event(self, payload: EventPayload, **refs: Any) -> Envelope:
        return Envelope.wrap(
            payload,
            source="/tests/learner-batches",
            occurred_on=date(2024, 3, 1),
            partnership_id=self.partnership_id,
            evidence=Evidence.SCHOOL_RECORD,
            **refs,
        )

    def opened(self, class_id: UUID) -> Envelope:
        opened = class_opened(class_id)
        return self.event(opened, class_id=class_id)

    def enrolled(self, student_id: UUID, class_id: UUID) -> Envelope:
        enrolled = StudentEnrolled(application_id=uuid4(), start_on=date(2024, 3, 1), planned_end_on=date(2025, 6, 30))
        return self.event(enrolled, student_id=student_id, class_id=class_id)

    def cancelled(self, student_id: UUID) -> Envelope:
        return self.event(EnrollmentCancelled(reason="enrolled twice"), student_id=student_id)

    def before(self) -> list[Envelope]:
        return [self.opened(self.classes[0]), self.enrolled(self.students[3], self.classes[0])]

    def batch(self) -> list[Envelope]:
        """An enrolment held for its class and released in the batch, a cancellation held for its enrolment and
        released, an enrolment corrected then cancelled, a learner from before cancelled and restored."""
        first, second, third, earlier = self.students
        opened, later = self.classes
        third_enrolled = self.enrolled(third, opened)
        corrected = EventCorrected(fields={"planned_end_on": "2025-07-15"}, reason="the plan changed")
        earlier_cancelled = self.cancelled(earlier)
        return [
            self.enrolled(first, later),
            self.opened(later),
            self.cancelled(second),
            self.enrolled(second, opened),
            third_enrolled,
            self.event(corrected, student_id=third, supersedes=third_enrolled.id),
            self.cancelled(third),
            earlier_cancelled,
            self.event(EventRetracted(reason="wrong student"), student_id=earlier, supersedes=earlier_cancelled.id),
        ]


@pytest.mark.timeout(120)
async def test_a_batch_that_reads_ahead_leaves_what_its_events_one_per_transaction_leave(
    database_url: str, kafka_bootstrap: str, topic_namespace: str, service_settings: ServiceSettings
) -> None:
    roster = Roster()
    before, batch = roster.before(), roster.batch()
    suffix = service_settings.schema_suffix
    batched_schema, alone_schema = f"training_batch{suffix}", f"training_alone{suffix}"
    async with (
        service_schema(database_url, batched_schema, SPEC.migrations) as batched,
        service_schema(database_url, alone_schema, SPEC.migrations) as alone,
    ):
        batched_learner = learner(
            HANDLERS, PostgresTrainingUnitOfWork, Stage.TRAINING, service_settings, batched_schema
        )
        alone_learner = learner(HANDLERS, PostgresTrainingUnitOfWork, Stage.TRAINING, service_settings, alone_schema)
        for pool, learn in ((batched, batched_learner), (alone, alone_learner)):
            await one_per_transaction(pool, learn, before)
        await one_per_transaction(alone, alone_learner, batch)

        consumer = await in_one_batch(batched, batched_learner, batch, kafka_bootstrap, topic_namespace)

        assert consumer.dead_lettered == 0
        assert await batches_committed(batched) == 1
        assert await rows(batched, TABLES, IN_ORDER) == await rows(alone, TABLES, IN_ORDER)
        first, second, third, earlier = roster.students
        phases = dict(await batched.fetch("SELECT student_id, phase FROM learners"))
        assert phases == {first: "active", second: "cancelled", third: "cancelled", earlier: "active"}
        planned_end = await batched.fetchval("SELECT planned_end_on FROM learners WHERE student_id = $1", third)
        assert planned_end == date(2025, 7, 15)
