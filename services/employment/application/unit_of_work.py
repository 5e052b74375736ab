"""The ports of one employment transaction: what it learned from other stages, its own records, its held facts.

PostgreSQL implements them in adapters/db, the unit tests in memory (tests/unit/employment/fakes.py).
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from services.employment.application.commands import HoldableCommand
from services.employment.domain.facts import UpstreamFact
from services.employment.domain.partnership import PartnershipKnowledge
from services.employment.domain.rules import Employers, Offer, OfferStatus
from services.employment.domain.student import Placement, Student
from shared.application.unit_of_work import UnitOfWork
from shared.contracts.employment import (
    EmployerRelation,
    FurtherStudyEntered,
    HouseholdStatusUpdated,
    JobOffered,
    Placed,
    RetentionChecked,
)
from shared.contracts.envelope import Envelope


class HeldStatus(StrEnum):
    HELD = "held"
    APPLIED = "applied"
    REJECTED = "rejected"


@dataclass(frozen=True)
class HeldFact:
    """A graduate-only command waiting for the student's graduation, or a check or end of a placement that is
    itself held; `subject_id` is the offer, placement or study it is about; `received_at` is its recorded_at."""

    held_id: UUID
    student_id: UUID
    subject_id: UUID
    command: HoldableCommand
    received_at: datetime
    status: HeldStatus = HeldStatus.HELD
    reason: str | None = None


class UpstreamFacts(abc.ABC):
    """The events of other stages employment needs, with their corrections and retractions, in arrival order."""

    @abc.abstractmethod
    async def add(self, envelope: Envelope) -> None: ...

    @abc.abstractmethod
    async def known(self, event_id: UUID) -> bool: ...

    @abc.abstractmethod
    async def of_student(self, student_id: UUID) -> list[UpstreamFact]: ...

    @abc.abstractmethod
    async def of_partnership(self, partnership_id: UUID) -> list[UpstreamFact]:
        """The partnership's own facts (those that name no student)."""


class Partnerships(abc.ABC):
    @abc.abstractmethod
    async def save(self, knowledge: PartnershipKnowledge) -> None: ...

    @abc.abstractmethod
    async def checkpoints(self, partnership_id: UUID) -> tuple[int, ...]:
        """The partnership's retention check-points; the defaults for one employment has not heard of."""

    @abc.abstractmethod
    async def employers(self, partnership_id: UUID, class_id: UUID | None) -> Employers: ...


class Students(abc.ABC):
    @abc.abstractmethod
    async def get(self, student_id: UUID, *, lock: bool = False) -> Student | None:
        """`lock` serialises commands with the learner's graduation, so no fact is held after its release."""

    @abc.abstractmethod
    async def save(self, student: Student) -> None: ...


class HeldFacts(abc.ABC):
    @abc.abstractmethod
    async def hold(self, held: HeldFact) -> None: ...

    @abc.abstractmethod
    async def waiting(self, student_id: UUID) -> list[HeldFact]:
        """The student's facts still held, in the order they were received."""

    @abc.abstractmethod
    async def applied(self, held_id: UUID, event_id: UUID, at: datetime) -> None: ...

    @abc.abstractmethod
    async def rejected(self, held_id: UUID, reason: str, at: datetime) -> None: ...

    @abc.abstractmethod
    async def about(self, subject_id: UUID) -> HeldFact | None:
        """The latest held fact that would create `subject_id` (an offer, a placement or further study), not one
        that follows it (an answer, a check, an end)."""


class Offers(abc.ABC):
    @abc.abstractmethod
    async def get(self, offer_id: UUID) -> Offer | None:
        """None for an offer never recorded, or retracted."""

    @abc.abstractmethod
    async def add(self, offered: JobOffered, event: Envelope) -> None: ...

    @abc.abstractmethod
    async def answer(self, offer_id: UUID, status: OfferStatus, event: Envelope, reason: str | None) -> None: ...


class Placements(abc.ABC):
    @abc.abstractmethod
    async def get(self, placement_id: UUID) -> Placement | None:
        """None for a placement never recorded (perhaps still held), or retracted."""

    @abc.abstractmethod
    async def recorded(self, placement_id: UUID) -> bool:
        """Whether a placement with this id was ever recorded, retracted or not: an id names one placement."""

    @abc.abstractmethod
    async def latest(self, student_id: UUID) -> Placement | None:
        """The student's standing placement that started last (of those starting that day, the last recorded)."""

    @abc.abstractmethod
    async def add(self, placed: Placed, event: Envelope, relation_claimed: EmployerRelation | None) -> None: ...

    @abc.abstractmethod
    async def end(self, placement_id: UUID, last_day: date, reason: str, event: Envelope) -> None: ...

    @abc.abstractmethod
    async def last_job_ended_on(self, student_id: UUID) -> date | None:
        """The latest last day of the student's placements that stand."""


class Records(abc.ABC):
    """The rest of employment's own records, and what a follow-up of any of its events does to them."""

    @abc.abstractmethod
    async def add_further_study(self, study_id: UUID, entered: FurtherStudyEntered, event: Envelope) -> None: ...

    @abc.abstractmethod
    async def add_retention_check(self, checked: RetentionChecked, event: Envelope) -> None: ...

    @abc.abstractmethod
    async def add_household_update(self, updated: HouseholdStatusUpdated, event: Envelope) -> None: ...

    @abc.abstractmethod
    async def retract(self, target: Envelope) -> None:
        """The records of `target` no longer count: a placement with its checks; an answer or an ending reopens
        its offer or placement."""

    @abc.abstractmethod
    async def correct(self, target: Envelope, values: Mapping[str, Any]) -> None:
        """Payload fields of `target` with their corrected values, as its records keep them."""


class EmploymentUnitOfWork(UnitOfWork):
    facts: UpstreamFacts
    partnerships: Partnerships
    students: Students
    held: HeldFacts
    offers: Offers
    placements: Placements
    records: Records

    @abc.abstractmethod
    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: leaving it with an error undoes what was written inside, and nothing else."""
