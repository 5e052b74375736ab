"""The ports of one recruitment transaction: the state the rules read and write, and the personal-data vault.

PostgreSQL implements them in adapters/db, memory in tests/unit/recruitment/fakes.py. The methods after
"follow-ups" serve corrections and retractions (DOMAIN.md: facts are never edited, later facts supersede them):
they answer whether other facts rest on one, and undo or rewrite the state one left.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.recruitment.domain.classes import ClassTerms, OrderedClass, Programme
from services.recruitment.domain.exclusions import Exclusion
from services.recruitment.domain.parties import Party
from services.recruitment.domain.partnerships import Amendment, Membership, Partnership
from services.recruitment.domain.students import Application, Enrolment
from shared.application.unit_of_work import UnitOfWork
from shared.contracts.corrections import ExclusionReason
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import (
    ClassOpened,
    FundingRecorded,
    MemberJoined,
    PartnershipAmended,
    PartnershipSigned,
    ProgrammeRegistered,
    TargetSet,
)
from shared.contracts.recruitment import ApplicationSubmitted, StudentEnrolled

Sealed = dict[str, bytes]  # field name -> sealed value


class Vault(abc.ABC):
    """Personal data at rest: sealed per student and field, found again by a keyed digest of the national ID."""

    @abc.abstractmethod
    def digest(self, national_id: str) -> bytes:
        """The same national ID always gives the same digest, so a returning applicant keeps their student_id."""

    @abc.abstractmethod
    def seal(self, student_id: UUID, field: str, value: str) -> bytes: ...

    @abc.abstractmethod
    def open(self, student_id: UUID, field: str, sealed: bytes) -> str: ...


class Parties(abc.ABC):
    @abc.abstractmethod
    async def get(self, party_id: UUID) -> Party | None: ...

    @abc.abstractmethod
    async def add(self, party: Party, created_at: datetime) -> None: ...


class Partnerships(abc.ABC):
    @abc.abstractmethod
    async def get(self, partnership_id: UUID, *, lock: bool = False) -> Partnership | None:
        """With `lock`, commands on one partnership run one after the other."""

    @abc.abstractmethod
    async def ancestors(self, partnership_id: UUID) -> list[UUID]: ...

    @abc.abstractmethod
    async def add(self, envelope: Envelope, signed: PartnershipSigned) -> None: ...

    @abc.abstractmethod
    async def add_amendment(self, envelope: Envelope, change: PartnershipAmended) -> None: ...

    @abc.abstractmethod
    async def signed_and_amendments(self, partnership_id: UUID) -> tuple[Partnership, list[Amendment]]:
        """The agreement as signed (ended_on as now) and its standing amendments, for `current_terms`."""

    @abc.abstractmethod
    async def save_signed(self, partnership_id: UUID, signed: PartnershipSigned) -> None: ...

    @abc.abstractmethod
    async def save_amendment(self, event_id: UUID, change: PartnershipAmended) -> None: ...

    @abc.abstractmethod
    async def save_terms(self, terms: Partnership) -> None: ...

    @abc.abstractmethod
    async def mark_ended(self, envelope: Envelope, reason: str) -> None: ...

    @abc.abstractmethod
    async def membership(self, partnership_id: UUID, party_id: UUID) -> Membership | None: ...

    @abc.abstractmethod
    async def current_members(self, partnership_id: UUID) -> frozenset[UUID]: ...

    @abc.abstractmethod
    async def add_member(self, envelope: Envelope, joined: MemberJoined) -> None: ...

    @abc.abstractmethod
    async def mark_left(self, envelope: Envelope, party_id: UUID, reason: str) -> None: ...

    # follow-ups
    @abc.abstractmethod
    async def dependents(self, partnership_id: UUID) -> list[str]:
        """What still rests on the agreement: "memberships", "programmes", "classes", "targets", "funding",
        "children" (partnerships it is the parent of)."""

    @abc.abstractmethod
    async def retract(self, partnership_id: UUID) -> None: ...

    @abc.abstractmethod
    async def retract_amendment(self, event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def undo_ending(self, ended_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def retract_membership(self, joined_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def undo_leaving(self, left_event_id: UUID) -> bool:
        """False, changing nothing, when the party has joined again since."""


class Classes(abc.ABC):
    @abc.abstractmethod
    async def programme(self, programme_id: UUID) -> Programme | None: ...

    @abc.abstractmethod
    async def add_programme(self, envelope: Envelope, registered: ProgrammeRegistered) -> None: ...

    @abc.abstractmethod
    async def get(self, class_id: UUID, *, lock: bool = False) -> OrderedClass | None:
        """With `lock`, enrolments into one class run one after the other, so seats are never oversold."""

    @abc.abstractmethod
    async def add(self, envelope: Envelope, opened: ClassOpened) -> None: ...

    @abc.abstractmethod
    async def mark_closed(self, envelope: Envelope, class_id: UUID) -> None: ...

    @abc.abstractmethod
    async def live_enrolments(self, class_id: UUID) -> int: ...

    # follow-ups
    @abc.abstractmethod
    async def terms(self, opened_event_id: UUID) -> ClassTerms | None: ...

    @abc.abstractmethod
    async def programme_in_use(self, registered_event_id: UUID) -> bool: ...

    @abc.abstractmethod
    async def retract_programme(self, registered_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def has_applications(self, opened_event_id: UUID) -> bool: ...

    @abc.abstractmethod
    async def retract(self, opened_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def undo_closing(self, closed_event_id: UUID) -> None: ...


class Ledger(abc.ABC):
    """Targets and funding: facts recorded against a partnership."""

    @abc.abstractmethod
    async def add_target(self, envelope: Envelope, target: TargetSet) -> None: ...

    @abc.abstractmethod
    async def add_funding(self, envelope: Envelope, funding: FundingRecorded) -> None: ...

    # follow-ups
    @abc.abstractmethod
    async def retract_target(self, event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def retract_funding(self, event_id: UUID) -> None: ...


class Students(abc.ABC):
    """Students (sealed personal data) and their applications, decisions, enrolments and intents."""

    @abc.abstractmethod
    async def with_digest(self, digest: bytes) -> UUID | None: ...

    @abc.abstractmethod
    async def lock(self, student_id: UUID) -> bool:
        """Commands on one student run one after the other; False when there is no such student."""

    @abc.abstractmethod
    async def add(self, student_id: UUID, digest: bytes, sealed: Sealed, home_region: str, at: datetime) -> UUID:
        """The student with this digest, locked: this new one, or the one added before or by a concurrent command."""

    @abc.abstractmethod
    async def update(self, student_id: UUID, sealed: Sealed, home_region: str) -> None:
        """A returning applicant's latest name, household registration and home region replace the earlier ones."""

    @abc.abstractmethod
    async def application(self, application_id: UUID) -> Application | None: ...

    @abc.abstractmethod
    async def applications_of(self, student_id: UUID) -> list[Application]: ...

    @abc.abstractmethod
    async def student_of_application(self, application_id: UUID) -> UUID | None: ...

    @abc.abstractmethod
    async def live_enrolment(self, student_id: UUID) -> Enrolment | None: ...

    @abc.abstractmethod
    async def add_application(self, envelope: Envelope, submitted: ApplicationSubmitted) -> None: ...

    @abc.abstractmethod
    async def add_decision(self, envelope: Envelope, application_id: UUID, decision: str, reason: str) -> None: ...

    @abc.abstractmethod
    async def add_enrolment(self, envelope: Envelope, enrolled: StudentEnrolled) -> None: ...

    @abc.abstractmethod
    async def mark_cancelled(self, envelope: Envelope, enrolment_id: UUID, reason: str) -> None: ...

    @abc.abstractmethod
    async def add_intent(self, envelope: Envelope, enrolment_id: UUID, employer_id: UUID) -> None: ...

    # follow-ups
    @abc.abstractmethod
    async def enrolment_dates(self, enrolment_id: UUID) -> tuple[date, date] | None:
        """start_on and planned_end_on as they stand."""

    @abc.abstractmethod
    async def application_enrolled(self, submitted_event_id: UUID) -> bool: ...

    @abc.abstractmethod
    async def retract_application(self, submitted_event_id: UUID) -> None:
        """The application and its decisions."""

    @abc.abstractmethod
    async def decision_enrolled(self, decided_event_id: UUID) -> bool:
        """Whether the decision's application has an enrolment that is not retracted."""

    @abc.abstractmethod
    async def retract_decision(self, decided_event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def retract_enrolment(self, enrolment_id: UUID) -> None:
        """The enrolment and its employment intent."""

    @abc.abstractmethod
    async def retract_intent(self, event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def undo_cancelling(self, cancelled_event_id: UUID) -> bool:
        """False, changing nothing, when the student is enrolled elsewhere now."""


class Exclusions(abc.ABC):
    @abc.abstractmethod
    async def standing(self, student_id: UUID) -> Exclusion | None: ...

    @abc.abstractmethod
    async def add(self, envelope: Envelope, reason: ExclusionReason) -> None: ...

    @abc.abstractmethod
    async def mark_revoked(self, envelope: Envelope, exclusion_id: UUID) -> None: ...

    # follow-ups
    @abc.abstractmethod
    async def retract(self, event_id: UUID) -> None: ...

    @abc.abstractmethod
    async def undo_revoking(self, revoked_event_id: UUID) -> bool:
        """False, changing nothing, when the student has been excluded again since."""


class RecordedState(abc.ABC):
    @abc.abstractmethod
    async def rewrite(self, target: Envelope, fields: Mapping[str, Any]) -> None:
        """Write corrected payload fields of `target` into the state it left (CORRECTABLE in handlers/corrections)."""


class RecruitmentUnitOfWork(UnitOfWork):
    vault: Vault
    parties: Parties
    partnerships: Partnerships
    classes: Classes
    ledger: Ledger
    students: Students
    exclusions: Exclusions
    state: RecordedState
