"""The state training keeps, as ports: PostgreSQL in adapters/db, in memory in tests/unit/training/fakes.py.

A repository that reads a row a command will change locks it until the unit of work ends (`lock=True` for a
class, always for a learner), so the roster learner and HTTP commands on one learner or class serialise.
"""

from __future__ import annotations

import abc
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.training.domain.learner import ClassRef, Learner
from services.training.domain.records import Internship
from services.training.domain.roster import Held
from services.training.domain.teaching import HoursLog
from shared.application.unit_of_work import UnitOfWork
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


@dataclass(frozen=True)
class Step:
    """A transition of one learner, with the learner as it was before it: what a retraction restores."""

    event_id: UUID
    student_id: UUID
    event_type: str
    before: Learner
    retracted: bool = False


class Classes(abc.ABC):
    @abc.abstractmethod
    async def get(self, class_id: UUID, *, lock: bool = False) -> ClassRef | None: ...

    @abc.abstractmethod
    async def add(self, envelope: Envelope, opened: ClassOpened) -> bool:
        """False when the class was already known (a ClassOpened sent twice under different ids)."""

    @abc.abstractmethod
    async def close(self, class_id: UUID, closed_on: date) -> None: ...


class Learners(abc.ABC):
    @abc.abstractmethod
    async def get(self, student_id: UUID) -> Learner | None: ...

    @abc.abstractmethod
    async def enrolled_by(self, enrolment_event_id: UUID) -> Learner | None: ...

    @abc.abstractmethod
    async def save(self, learner: Learner) -> None:
        """Insert or overwrite the learner with the state the domain decided."""

    @abc.abstractmethod
    async def record_step(self, event_id: UUID, event_type: str, before: Learner) -> None: ...

    @abc.abstractmethod
    async def latest_step(self, student_id: UUID) -> Step | None:
        """The learner's last transition still standing: the only one a retraction may undo."""

    @abc.abstractmethod
    async def step(self, event_id: UUID) -> Step | None: ...

    @abc.abstractmethod
    async def retract_step(self, event_id: UUID) -> None: ...


class HeldFacts(abc.ABC):
    """Inbound facts that arrived before the fact they follow (domain/roster.py)."""

    @abc.abstractmethod
    async def hold(self, envelope: Envelope, held: Held) -> None: ...

    @abc.abstractmethod
    async def release(self, antecedent: Held) -> list[Envelope]:
        """The facts waiting for `antecedent` and not refused, in the order they were held, taken off the list."""

    @abc.abstractmethod
    async def refuse(self, envelope: Envelope, antecedent: Held, reason: str) -> None:
        """Hold a released fact again, marked refused with the reason: never lost, visible in GET /held-facts."""

    @abc.abstractmethod
    async def drop(self, event_id: UUID) -> bool: ...

    @abc.abstractmethod
    async def is_held(self, event_id: UUID) -> bool: ...


class Teaching(abc.ABC):
    """A class's plans, hours logs and their verifications."""

    @abc.abstractmethod
    async def current_plan_modules(self, class_id: UUID) -> list[str] | None:
        """The module names of the class's latest standing plan; None when no plan was agreed."""

    @abc.abstractmethod
    async def add_plan(self, envelope: Envelope, plan: TrainingPlanAgreed) -> None: ...

    @abc.abstractmethod
    async def add_hours_log(self, envelope: Envelope, logged: TrainingHoursLogged) -> bool:
        """False when a log with this id exists."""

    @abc.abstractmethod
    async def hours_log(self, log_id: UUID) -> HoursLog | None: ...

    @abc.abstractmethod
    async def add_verification(self, envelope: Envelope, verified: TrainingHoursVerified) -> None: ...

    @abc.abstractmethod
    async def retract(self, event_type: str, event_id: UUID) -> None:
        """Flag the plan, log or verification `event_id` recorded: it counts nowhere from now on."""


class Records(abc.ABC):
    """A learner's breaks, internships, certificates and progress reviews."""

    @abc.abstractmethod
    async def add_review(self, envelope: Envelope, review: ProgressReviewHeld) -> None: ...

    @abc.abstractmethod
    async def add_break(self, envelope: Envelope, started: BreakStarted) -> None: ...

    @abc.abstractmethod
    async def end_break(self, envelope: Envelope, ended: BreakEnded) -> None: ...

    @abc.abstractmethod
    async def reopen_break(self, end_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def open_internships(self, student_id: UUID) -> int: ...

    @abc.abstractmethod
    async def internship(self, student_id: UUID, internship_id: UUID) -> Internship | None: ...

    @abc.abstractmethod
    async def add_internship(self, envelope: Envelope, started: InternshipStarted) -> bool:
        """False when an internship with this id exists."""

    @abc.abstractmethod
    async def end_internship(self, envelope: Envelope, ended: InternshipEnded) -> None: ...

    @abc.abstractmethod
    async def reopen_internship(self, end_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def add_certificate(self, envelope: Envelope, awarded: CertificateAwarded) -> bool:
        """False when a certificate with this id exists."""

    @abc.abstractmethod
    async def retract(self, event_type: str, event_id: UUID) -> None:
        """Flag the break, internship, certificate or review `event_id` recorded: it counts nowhere from now on."""


class TrainingUnitOfWork(UnitOfWork):
    classes: Classes
    learners: Learners
    held: HeldFacts
    teaching: Teaching
    records: Records

    @abc.abstractmethod
    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A block whose writes are undone alone when it raises (a released held fact that is refused)."""
