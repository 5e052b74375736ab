"""Decisions: a state and a command's facts in, one event payload out (or a refusal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.employment.domain.errors import Contradiction, IllegalMove, ImpossibleFact
from services.employment.domain.partnership import Partner, decide_relation
from services.employment.domain.student import (
    EmploymentStatus,
    Placement,
    Student,
    require_enrolment,
    require_graduate,
)
from shared.contracts.employment import (
    ContractType,
    EmployerType,
    EmploymentEnded,
    FurtherStudyEntered,
    HouseholdStatusUpdated,
    JobOffered,
    Location,
    OfferAccepted,
    OfferDeclined,
    Placed,
    RetentionChecked,
)


class PlacementTerms(BaseModel):
    """The job a placement is, as the client states it. A pydantic model (pure data, no I/O), so that the command
    and the read view state these fields by inheriting them, not by listing them again."""

    model_config = ConfigDict(frozen=True)

    employer_name: str
    employer_credit_code: str
    employer_type: EmployerType
    location: Location
    related_to_training: bool
    monthly_wage: Decimal
    contract_type: ContractType
    social_insurance: bool
    start_on: date

    def terms(self) -> dict[str, Any]:
        """These fields alone, also of a subclass that carries more (the command)."""
        return self.model_dump(include=set(PlacementTerms.model_fields))


@dataclass(frozen=True)
class Employers:
    """Who counts as the sponsor or a partner of the student's class."""

    sponsor_credit_code: str | None
    partners: tuple[Partner, ...] = ()


def place(
    student: Student, placement_id: UUID, terms: PlacementTerms, employers: Employers, *, id_taken: bool
) -> Placed:
    """A later job needs no end of the earlier one: employers rarely report an end, and DOMAIN.md counts the
    earliest placement in the window as the graduate's, a job change showing only through retention checks."""
    require_graduate(student)
    if id_taken:
        raise Contradiction(
            f"placement {placement_id} is already recorded (perhaps retracted since): another job is a new"
            " placement with an id of its own"
        )
    relation = decide_relation(
        terms.employer_credit_code, employers.sponsor_credit_code, employers.partners, terms.start_on
    )
    return Placed(placement_id=placement_id, relation=relation, **terms.terms())


def enter_further_study(student: Student, institution: str, start_on: date) -> FurtherStudyEntered:
    require_graduate(student)
    if student.employment is EmploymentStatus.PLACED:
        raise IllegalMove(
            f"student {student.student_id} is placed (placement {student.current_placement_id}):"
            " record EmploymentEnded before further study"
        )
    if student.employment is EmploymentStatus.IN_FURTHER_STUDY:
        raise IllegalMove(f"student {student.student_id} is already in further study")
    return FurtherStudyEntered(institution=institution, start_on=start_on)


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True)
class Offer:
    offer_id: UUID
    student_id: UUID
    status: OfferStatus
    offered_on: date


def offer_job(student: Student, offer_id: UUID, employer_name: str, credit_code: str, wage: Decimal) -> JobOffered:
    require_graduate(student)
    return JobOffered(
        offer_id=offer_id, employer_name=employer_name, employer_credit_code=credit_code, monthly_wage=wage
    )


def answer_offer(offer: Offer, accepted: bool, reason: str, answered_on: date) -> OfferAccepted | OfferDeclined:
    if offer.status is not OfferStatus.OFFERED:
        raise IllegalMove(f"offer {offer.offer_id} was already {offer.status.value}")
    if answered_on < offer.offered_on:
        raise ImpossibleFact(f"offer {offer.offer_id} was made on {offer.offered_on}, after the answer ({answered_on})")
    if accepted:
        return OfferAccepted(offer_id=offer.offer_id)
    return OfferDeclined(offer_id=offer.offer_id, reason=reason)


def end_employment(placement: Placement, last_day: date, reason: str) -> EmploymentEnded:
    if placement.ended_on is not None:
        raise IllegalMove(f"placement {placement.placement_id} already ended (last day {placement.ended_on})")
    if last_day < placement.start_on:
        raise ImpossibleFact(f"last_day {last_day} is before the placement started ({placement.start_on})")
    return EmploymentEnded(placement_id=placement.placement_id, last_day=last_day, reason=reason)


def due_on(start_on: date, checkpoint_days: int) -> date:
    """DOMAIN.md, job retention: the check-point is placement start + k days."""
    return start_on + timedelta(days=checkpoint_days)


@dataclass(frozen=True)
class RetentionAnswer:
    checkpoint_days: int
    still_employed: bool
    same_employer: bool
    monthly_wage: Decimal | None = None


def check_retention(
    placement: Placement, checkpoints: Sequence[int], answer: RetentionAnswer, checked_on: date
) -> RetentionChecked:
    """A check that contradicts another fact (an ending, an earlier check) is still recorded: DOMAIN.md resolves
    conflicting checks by evidence, then recording time, so refusing one would lose evidence."""
    k = answer.checkpoint_days
    if k not in checkpoints:
        raise ImpossibleFact(
            f"{k} days is not a check-point of this partnership; its check-points are {list(checkpoints)}"
        )
    due = due_on(placement.start_on, k)
    if checked_on < due:
        raise ImpossibleFact(
            f"check-point {k} of placement {placement.placement_id} falls on {due}, after {checked_on}"
        )
    if answer.same_employer and not answer.still_employed:
        raise ImpossibleFact("same_employer can only be true when still_employed is true")
    return RetentionChecked(
        placement_id=placement.placement_id,
        checkpoint_days=k,
        still_employed=answer.still_employed,
        same_employer=answer.same_employer,
        monthly_wage=answer.monthly_wage,
    )


def update_household(student: Student, poor_household: bool, status: str) -> HouseholdStatusUpdated:
    require_enrolment(student)
    return HouseholdStatusUpdated(poor_household=poor_household, status=status)
