"""Ordered classes: opened at a school, sponsored by an enterprise, under one partnership and programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.recruitment.domain.errors import IllegalMove, ImpossibleFact
from services.recruitment.domain.parties import Party, require_role
from services.recruitment.domain.partnerships import Partnership, ensure_in_force
from shared.contracts.partnership import ClassClosed, ClassOpened, PartyRole


@dataclass(frozen=True)
class OrderedClass:
    class_id: UUID
    partnership_id: UUID
    programme_id: UUID
    seats: int
    opened_on: date
    closed_on: date | None = None


@dataclass(frozen=True)
class Programme:
    programme_id: UUID
    partnership_id: UUID


@dataclass(frozen=True)
class ClassTerms:
    """A class's terms as they stand (corrections included), with its live enrolments."""

    seats: int
    hiring_commitment: int
    planned_start: date
    planned_end: date
    enrolled: int


class ClassPlan(BaseModel):
    """What the school and the sponsor agreed; the parties and the programme are checked by `open_class`. A pydantic
    model (pure data, no I/O), so that the read view states these fields by inheriting them, not by listing them."""

    model_config = ConfigDict(frozen=True)

    class_id: UUID
    name: str
    major: str
    seats: int
    cohort_year: int
    planned_start: date
    planned_end: date
    hiring_commitment: int


def open_class(
    partnership: Partnership,
    lineage: frozenset[UUID],
    programme: Programme,
    school: Party,
    sponsor: Party,
    members: frozenset[UUID],
    plan: ClassPlan,
    on: date,
) -> ClassOpened:
    """`lineage` is the partnership and its ancestors: a city-level programme's brand may be used by its members."""
    ensure_in_force(partnership, on)
    require_role(school, PartyRole.SCHOOL, "the school")
    require_role(sponsor, PartyRole.ENTERPRISE, "the sponsor")
    for party in (school, sponsor):
        if party.party_id not in members:
            raise IllegalMove(f"party {party.party_id} is not a member of partnership {partnership.partnership_id}")
    if programme.partnership_id not in lineage:
        raise IllegalMove(f"programme {programme.programme_id} is not registered under this partnership or a parent")
    check_terms(ClassTerms(plan.seats, plan.hiring_commitment, plan.planned_start, plan.planned_end, enrolled=0))
    if sponsor.credit_code is None:
        raise ImpossibleFact(f"the sponsor {sponsor.party_id} has no unified social credit code")
    return ClassOpened(
        **plan.model_dump(),
        school_id=school.party_id,
        sponsor_id=sponsor.party_id,
        sponsor_credit_code=sponsor.credit_code,
        programme_id=programme.programme_id,
    )


def check_terms(terms: ClassTerms) -> None:
    """The terms of a class, when it opens and after a correction."""
    if terms.planned_end <= terms.planned_start:
        raise ImpossibleFact(f"planned_end {terms.planned_end} is not after planned_start {terms.planned_start}")
    if terms.hiring_commitment > terms.seats:
        raise ImpossibleFact(f"a hiring commitment of {terms.hiring_commitment} exceeds the {terms.seats} seats")
    if terms.enrolled > terms.seats:
        raise IllegalMove(f"{terms.enrolled} students are enrolled; the class cannot have {terms.seats} seats")


def ensure_open(ordered_class: OrderedClass, on: date) -> None:
    if ordered_class.closed_on is not None:
        raise IllegalMove(f"class {ordered_class.class_id} closed on {ordered_class.closed_on}")
    if on < ordered_class.opened_on:
        raise ImpossibleFact(f"class {ordered_class.class_id} opens on {ordered_class.opened_on}, after {on}")


def close_class(ordered_class: OrderedClass, on: date) -> ClassClosed:
    if ordered_class.closed_on is not None:
        raise IllegalMove(f"class {ordered_class.class_id} already closed on {ordered_class.closed_on}")
    if on < ordered_class.opened_on:
        raise ImpossibleFact(f"class {ordered_class.class_id} opened on {ordered_class.opened_on}, after {on}")
    return ClassClosed(class_id=ordered_class.class_id)
