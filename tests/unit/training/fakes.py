"""In-memory repositories of training's ports, and a unit of work holding them: handler tests boot no server.

Each fake subclasses its port (cosmicpython's FakeRepository is the model) and keeps plain lists and dicts; a
rolled-back unit of work, or a savepoint left by an error, puts every repository back as it was.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from services.training.application.unit_of_work import (
    Classes,
    HeldFacts,
    Learners,
    Records,
    Step,
    Teaching,
    TrainingUnitOfWork,
)
from services.training.domain.learner import ClassRef, Learner
from services.training.domain.records import Internship
from services.training.domain.roster import Held
from services.training.domain.teaching import HoursLog
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened
from shared.contracts.training import (
    BreakEnded,
    BreakStarted,
    CertificateAwarded,
    InternshipEnded,
    InternshipStarted,
    ProgressReviewHeld,
    TrainingHoursLogged,
    TrainingHoursVerified,
    TrainingPlanAgreed,
)
from tests.support.fakes import FakeUnitOfWork


class FakeClasses(Classes):
    def __init__(self) -> None:
        self.rows: dict[UUID, ClassRef] = {}

    async def get(self, class_id: UUID, *, lock: bool = False) -> ClassRef | None:
        return self.rows.get(class_id)

    async def add(self, envelope: Envelope, opened: ClassOpened) -> bool:
        if opened.class_id in self.rows:
            return False
        self.rows[opened.class_id] = ClassRef(opened.class_id, envelope.partnership_id)
        return True

    async def close(self, class_id: UUID, closed_on: date) -> None:
        self.rows[class_id] = replace(self.rows[class_id], closed_on=closed_on)


class FakeLearners(Learners):
    def __init__(self) -> None:
        self.rows: dict[UUID, Learner] = {}
        self.steps: list[Step] = []

    async def get(self, student_id: UUID) -> Learner | None:
        return self.rows.get(student_id)

    async def enrolled_by(self, enrolment_event_id: UUID) -> Learner | None:
        return next((row for row in self.rows.values() if row.enrolment_event_id == enrolment_event_id), None)

    async def save(self, learner: Learner) -> None:
        self.rows[learner.student_id] = learner

    async def record_step(self, event_id: UUID, event_type: str, before: Learner) -> None:
        self.steps.append(Step(event_id, before.student_id, event_type, before))

    async def latest_step(self, student_id: UUID) -> Step | None:
        standing = [s for s in self.steps if s.student_id == student_id and not s.retracted]
        return standing[-1] if standing else None

    async def step(self, event_id: UUID) -> Step | None:
        return next((s for s in self.steps if s.event_id == event_id), None)

    async def retract_step(self, event_id: UUID) -> None:
        self.steps = [replace(s, retracted=True) if s.event_id == event_id else s for s in self.steps]


@dataclass
class HeldFact:
    envelope: Envelope
    held: Held
    refused: str | None = None


class FakeHeldFacts(HeldFacts):
    def __init__(self) -> None:
        self.facts: list[HeldFact] = []

    async def hold(self, envelope: Envelope, held: Held) -> None:
        if not await self.is_held(envelope.id):
            self.facts.append(HeldFact(envelope, held))

    async def release(self, antecedent: Held) -> list[Envelope]:
        released = [f for f in self.facts if f.held == antecedent and f.refused is None]
        self.facts = [f for f in self.facts if f not in released]
        return [f.envelope for f in released]

    async def refuse(self, envelope: Envelope, antecedent: Held, reason: str) -> None:
        self.facts.append(HeldFact(envelope, antecedent, reason))

    async def drop(self, event_id: UUID) -> bool:
        kept = [f for f in self.facts if f.envelope.id != event_id]
        dropped, self.facts = len(kept) < len(self.facts), kept
        return dropped

    async def is_held(self, event_id: UUID) -> bool:
        return any(f.envelope.id == event_id for f in self.facts)


@dataclass
class Row:
    """A record's row: the event that wrote it, what it says, and whether it was retracted."""

    envelope: Envelope
    fact: object
    retracted: bool = False
    ended_by: UUID | None = None
    end_on: date | None = None


class _Rows:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def of(self, kind: type) -> list[Row]:
        return [r for r in self.rows if isinstance(r.fact, kind) and not r.retracted]

    async def retract(self, event_type: str, event_id: UUID) -> None:
        for row in self.rows:
            if row.envelope.id == event_id:
                row.retracted = True


class FakeTeaching(_Rows, Teaching):
    async def current_plan_modules(self, class_id: UUID) -> list[str] | None:
        plans = [r for r in self.of(TrainingPlanAgreed) if r.envelope.class_id == class_id]
        if not plans:
            return None
        latest = max(enumerate(plans), key=lambda p: (p[1].envelope.occurred_on, p[0]))[1].fact
        assert isinstance(latest, TrainingPlanAgreed)
        return [m.name for m in latest.modules]

    async def add_plan(self, envelope: Envelope, plan: TrainingPlanAgreed) -> None:
        self.rows.append(Row(envelope, plan))

    async def add_hours_log(self, envelope: Envelope, logged: TrainingHoursLogged) -> bool:
        if any(isinstance(r.fact, TrainingHoursLogged) and r.fact.log_id == logged.log_id for r in self.rows):
            return False
        self.rows.append(Row(envelope, logged))
        return True

    async def hours_log(self, log_id: UUID) -> HoursLog | None:
        for row in self.rows:
            if isinstance(row.fact, TrainingHoursLogged) and row.fact.log_id == log_id:
                assert row.envelope.class_id is not None
                logged = row.fact
                return HoursLog(
                    log_id,
                    row.envelope.class_id,
                    logged.hours,
                    logged.taught_by,
                    logged.logged_by,
                    row.envelope.occurred_on,
                    row.retracted,
                )
        return None

    async def add_verification(self, envelope: Envelope, verified: TrainingHoursVerified) -> None:
        self.rows.append(Row(envelope, verified))


class FakeRecords(_Rows, Records):
    def _open(self, kind: type, student_id: UUID | None) -> list[Row]:
        return [r for r in self.of(kind) if r.envelope.student_id == student_id and r.end_on is None]

    async def add_review(self, envelope: Envelope, review: ProgressReviewHeld) -> None:
        self.rows.append(Row(envelope, review))

    async def add_break(self, envelope: Envelope, started: BreakStarted) -> None:
        self.rows.append(Row(envelope, started))

    async def end_break(self, envelope: Envelope, ended: BreakEnded) -> None:
        for row in self._open(BreakStarted, envelope.student_id):
            row.end_on, row.ended_by = ended.end_on, envelope.id

    async def _reopen(self, end_event_id: UUID) -> None:
        for row in self.rows:
            if row.ended_by == end_event_id:
                row.end_on, row.ended_by = None, None

    async def reopen_break(self, end_event_id: UUID) -> None:
        await self._reopen(end_event_id)

    async def open_internships(self, student_id: UUID) -> int:
        return len(self._open(InternshipStarted, student_id))

    def _internship(self, internship_id: UUID) -> Row | None:
        rows = self.of(InternshipStarted)
        return next(
            (r for r in rows if isinstance(r.fact, InternshipStarted) and r.fact.internship_id == internship_id), None
        )

    async def internship(self, student_id: UUID, internship_id: UUID) -> Internship | None:
        row = self._internship(internship_id)
        if row is None or row.envelope.student_id != student_id:
            return None
        assert isinstance(row.fact, InternshipStarted)
        return Internship(internship_id, student_id, row.fact.start_on, row.end_on)

    async def add_internship(self, envelope: Envelope, started: InternshipStarted) -> bool:
        if self._internship(started.internship_id) is not None:
            return False
        self.rows.append(Row(envelope, started))
        return True

    async def end_internship(self, envelope: Envelope, ended: InternshipEnded) -> None:
        row = self._internship(ended.internship_id)
        assert row is not None  # the handler found it first
        row.end_on, row.ended_by = ended.end_on, envelope.id

    async def reopen_internship(self, end_event_id: UUID) -> None:
        await self._reopen(end_event_id)

    async def add_certificate(self, envelope: Envelope, awarded: CertificateAwarded) -> bool:
        rows = self.of(CertificateAwarded)
        if any(
            isinstance(r.fact, CertificateAwarded) and r.fact.certificate_id == awarded.certificate_id for r in rows
        ):
            return False
        self.rows.append(Row(envelope, awarded))
        return True


class FakeTrainingUnitOfWork(FakeUnitOfWork, TrainingUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.classes = FakeClasses()
        self.learners = FakeLearners()
        self.held = FakeHeldFacts()
        self.teaching = FakeTeaching()
        self.records = FakeRecords()
        self._saved = self._state()

    def _state(self) -> tuple[FakeClasses, FakeLearners, FakeHeldFacts, FakeTeaching, FakeRecords]:
        return copy.deepcopy((self.classes, self.learners, self.held, self.teaching, self.records))

    def _put_back(self, state: tuple[FakeClasses, FakeLearners, FakeHeldFacts, FakeTeaching, FakeRecords]) -> None:
        self.classes, self.learners, self.held, self.teaching, self.records = state

    def snapshot(self) -> None:
        self._saved = self._state()

    def restore(self) -> None:
        self._put_back(self._saved)

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        saved = self._state()
        try:
            yield
        except BaseException:
            self._put_back(saved)
            raise
