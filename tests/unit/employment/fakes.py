"""In-memory employment: fakes of the repository ports (subclassing them), and a unit of work holding them."""

from __future__ import annotations

import copy
import itertools
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.employment.application.commands import EnterFurtherStudy, OfferJob, PlaceStudent
from services.employment.application.unit_of_work import (
    EmploymentUnitOfWork,
    HeldFact,
    HeldFacts,
    HeldStatus,
    Offers,
    Partnerships,
    Placements,
    Records,
    Students,
    UpstreamFacts,
)
from services.employment.domain.facts import UpstreamFact
from services.employment.domain.partnership import DEFAULT_CHECKPOINTS, PartnershipKnowledge
from services.employment.domain.rules import Employers, Offer, OfferStatus
from services.employment.domain.student import Placement, Student
from shared.contracts.employment import (
    EmployerRelation,
    FurtherStudyEntered,
    HouseholdStatusUpdated,
    JobOffered,
    Placed,
    RetentionChecked,
)
from shared.contracts.envelope import Envelope
from tests.support.fakes import FakeUnitOfWork


@dataclass
class Tables:
    """Everything the fakes keep, so a rollback or a savepoint can put all of it back at once."""

    facts: list[UpstreamFact] = field(default_factory=list)
    partnerships: dict[UUID, PartnershipKnowledge] = field(default_factory=dict)
    students: dict[UUID, Student] = field(default_factory=dict)
    held: list[HeldFact] = field(default_factory=list)
    settled_event: dict[UUID, UUID] = field(default_factory=dict)
    offers: dict[UUID, Offer] = field(default_factory=dict)
    answers: dict[UUID, UUID] = field(default_factory=dict)  # offer id -> its answer's event id
    placements: dict[UUID, Placement] = field(default_factory=dict)
    relations: dict[UUID, EmployerRelation] = field(default_factory=dict)
    records: dict[UUID, Envelope] = field(default_factory=dict)  # further study, checks, household, by event id
    retracted: set[UUID] = field(default_factory=set)  # offer, placement and record ids
    corrected: dict[UUID, dict[str, Any]] = field(default_factory=dict)

    def load(self, other: Tables) -> None:
        self.__dict__.update(copy.deepcopy(other.__dict__))


class _OnTables:
    def __init__(self, tables: Tables) -> None:
        self._t = tables


class FakeUpstreamFacts(_OnTables, UpstreamFacts):
    _seq = itertools.count(1)

    async def add(self, envelope: Envelope) -> None:
        if await self.known(envelope.id):
            return
        fact = UpstreamFact(
            seq=next(self._seq),
            event_id=envelope.id,
            partnership_id=envelope.partnership_id,
            student_id=envelope.student_id,
            class_id=envelope.class_id,
            supersedes=envelope.supersedes,
            occurred_on=envelope.occurred_on,
            recorded_at=envelope.recorded_at,
            payload=envelope.data,
        )
        self._t.facts.append(fact)

    async def known(self, event_id: UUID) -> bool:
        return any(f.event_id == event_id for f in self._t.facts)

    async def of_student(self, student_id: UUID) -> list[UpstreamFact]:
        return [f for f in self._t.facts if f.student_id == student_id]

    async def of_partnership(self, partnership_id: UUID) -> list[UpstreamFact]:
        return [f for f in self._t.facts if f.partnership_id == partnership_id and f.student_id is None]


class FakePartnerships(_OnTables, Partnerships):
    async def save(self, knowledge: PartnershipKnowledge) -> None:
        self._t.partnerships[knowledge.partnership_id] = knowledge

    async def checkpoints(self, partnership_id: UUID) -> tuple[int, ...]:
        known = self._t.partnerships.get(partnership_id)
        return known.checkpoints if known else DEFAULT_CHECKPOINTS

    async def employers(self, partnership_id: UUID, class_id: UUID | None) -> Employers:
        classes = [c for p in self._t.partnerships.values() for c in p.classes if c.class_id == class_id]
        known = self._t.partnerships.get(partnership_id)
        return Employers(classes[0].sponsor_credit_code if classes else None, known.partners if known else ())


class FakeStudents(_OnTables, Students):
    async def get(self, student_id: UUID, *, lock: bool = False) -> Student | None:
        return self._t.students.get(student_id)

    async def save(self, student: Student) -> None:
        self._t.students[student.student_id] = student


class FakeHeldFacts(_OnTables, HeldFacts):
    async def hold(self, held: HeldFact) -> None:
        self._t.held.append(held)

    async def waiting(self, student_id: UUID) -> list[HeldFact]:
        return [h for h in self._t.held if h.student_id == student_id and h.status is HeldStatus.HELD]

    async def applied(self, held_id: UUID, event_id: UUID, at: datetime) -> None:
        self._settle(held_id, HeldStatus.APPLIED, None)
        self._t.settled_event[held_id] = event_id

    async def rejected(self, held_id: UUID, reason: str, at: datetime) -> None:
        self._settle(held_id, HeldStatus.REJECTED, reason)

    def _settle(self, held_id: UUID, status: HeldStatus, reason: str | None) -> None:
        self._t.held = [replace(h, status=status, reason=reason) if h.held_id == held_id else h for h in self._t.held]

    async def about(self, subject_id: UUID) -> HeldFact | None:
        creators = OfferJob | PlaceStudent | EnterFurtherStudy
        made = [h for h in self._t.held if h.subject_id == subject_id and isinstance(h.command, creators)]
        return made[-1] if made else None


class FakeOffers(_OnTables, Offers):
    async def get(self, offer_id: UUID) -> Offer | None:
        return None if offer_id in self._t.retracted else self._t.offers.get(offer_id)

    async def add(self, offered: JobOffered, event: Envelope) -> None:
        assert event.student_id is not None
        self._t.offers[offered.offer_id] = Offer(
            offered.offer_id, event.student_id, OfferStatus.OFFERED, event.occurred_on
        )

    async def answer(self, offer_id: UUID, status: OfferStatus, event: Envelope, reason: str | None) -> None:
        self._t.offers[offer_id] = replace(self._t.offers[offer_id], status=status)
        self._t.answers[offer_id] = event.id


class FakePlacements(_OnTables, Placements):
    async def get(self, placement_id: UUID) -> Placement | None:
        return None if placement_id in self._t.retracted else self._t.placements.get(placement_id)

    async def recorded(self, placement_id: UUID) -> bool:
        return placement_id in self._t.placements

    async def latest(self, student_id: UUID) -> Placement | None:
        standing = [
            p
            for p in self._t.placements.values()  # in the order recorded
            if p.student_id == student_id and p.placement_id not in self._t.retracted
        ]
        return max(reversed(standing), key=lambda p: p.start_on, default=None)

    async def add(self, placed: Placed, event: Envelope, relation_claimed: EmployerRelation | None) -> None:
        assert event.student_id is not None
        self._t.placements[placed.placement_id] = Placement(placed.placement_id, event.student_id, placed.start_on)
        self._t.relations[placed.placement_id] = placed.relation

    async def end(self, placement_id: UUID, last_day: date, reason: str, event: Envelope) -> None:
        self._t.placements[placement_id] = replace(self._t.placements[placement_id], ended_on=last_day)

    async def last_job_ended_on(self, student_id: UUID) -> date | None:
        days = [
            p.ended_on
            for p in self._t.placements.values()
            if p.student_id == student_id and p.ended_on and p.placement_id not in self._t.retracted
        ]
        return max(days, default=None)


class FakeRecords(_OnTables, Records):
    async def add_further_study(self, study_id: UUID, entered: FurtherStudyEntered, event: Envelope) -> None:
        self._t.records[event.id] = event

    async def add_retention_check(self, checked: RetentionChecked, event: Envelope) -> None:
        self._t.records[event.id] = event

    async def add_household_update(self, updated: HouseholdStatusUpdated, event: Envelope) -> None:
        self._t.records[event.id] = event

    async def retract(self, target: Envelope) -> None:
        data: Any = target.data
        match target.type:
            case "OfferAccepted" | "OfferDeclined" if self._t.answers.get(data.offer_id) == target.id:
                self._t.offers[data.offer_id] = replace(self._t.offers[data.offer_id], status=OfferStatus.OFFERED)
            case "EmploymentEnded":
                self._t.placements[data.placement_id] = replace(self._t.placements[data.placement_id], ended_on=None)
            case "JobOffered":
                self._t.retracted.add(data.offer_id)
            case "Placed":
                self._t.retracted.add(data.placement_id)
                self._t.retracted.update(self._checks_of(data.placement_id))
            case _:
                self._t.retracted.add(target.id)

    async def correct(self, target: Envelope, values: Mapping[str, Any]) -> None:
        data: Any = target.data
        if target.type == "Placed" and "start_on" in values:
            self._t.placements[data.placement_id] = replace(
                self._t.placements[data.placement_id], start_on=values["start_on"]
            )
        if "relation" in values:
            self._t.relations[data.placement_id] = values["relation"]
        self._t.corrected.setdefault(target.id, {}).update(values)

    def _checks_of(self, placement_id: UUID) -> set[UUID]:
        checks = (e for e in self._t.records.values() if isinstance(e.data, RetentionChecked))
        return {e.id for e in checks if e.data.placement_id == placement_id}


class FakeEmploymentUnitOfWork(FakeUnitOfWork, EmploymentUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.tables = Tables()
        self._before = Tables()
        self.facts = FakeUpstreamFacts(self.tables)
        self.partnerships = FakePartnerships(self.tables)
        self.students = FakeStudents(self.tables)
        self.held = FakeHeldFacts(self.tables)
        self.offers = FakeOffers(self.tables)
        self.placements = FakePlacements(self.tables)
        self.records = FakeRecords(self.tables)

    def snapshot(self) -> None:
        self._before = copy.deepcopy(self.tables)

    def restore(self) -> None:
        self.tables.load(self._before)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        before = copy.deepcopy(self.tables)
        try:
            yield
        except BaseException:
            self.tables.load(before)
            raise
