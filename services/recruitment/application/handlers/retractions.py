"""Undoing this service's own state when one of its facts is retracted (DOMAIN.md: retractions).

A retraction removes the fact and every fact that refers to it. Facts others build on (a class with applications,
an application with an enrolment) are refused until what refers to them is retracted first, so every downstream
service learns each removal from an event about a fact it knows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NoReturn
from uuid import UUID

from services.recruitment.application.handlers.partnerships import refold_terms
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from services.recruitment.domain.errors import Contradiction
from shared.contracts.envelope import Envelope

Undo = Callable[[RecruitmentUnitOfWork, Envelope], Awaitable[None]]
# A repository's method taking the retracted event's id, e.g. `lambda u: u.classes.retract`.
ByEventId = Callable[[RecruitmentUnitOfWork], Callable[[UUID], Awaitable[Any]]]

# Why a retraction is refused while a later fact still rests on the retracted one (formatted with the event).
REFUSED_WHILE = {
    "MemberLeft": "party {event.party_id} has joined again since; retract that first",
    "ProgrammeRegistered": "classes were opened under this programme; retract them first",
    "ClassOpened": "class {event.class_id} has applications; retract them first",
    "ApplicationSubmitted": "the application led to an enrolment; retract the enrolment first",
    "ApplicationDecided": "the application was enrolled on this decision; retract the enrolment first",
    "EnrollmentCancelled": "student {event.student_id} is enrolled elsewhere now; cancel that first",
    "ExclusionRevoked": "student {event.student_id} has been excluded again since; retract that first",
}


def _refuse(event: Envelope) -> NoReturn:
    raise Contradiction(REFUSED_WHILE[event.type].format(event=event))


def _retract(retract: ByEventId) -> Undo:
    """Retract the fact: no later fact can rest on it."""

    async def undo(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
        await retract(uow)(event.id)

    return undo


def _unless_used(used: ByEventId, retract: ByEventId) -> Undo:
    """Retract the fact, refused while `used` finds a later fact resting on it."""

    async def undo(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
        if await used(uow)(event.id):
            _refuse(event)
        await retract(uow)(event.id)

    return undo


def _unless_refused(undo_it: ByEventId) -> Undo:
    """Undo the fact, refused when the repository answers that a later fact stands in the way (False)."""

    async def undo(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
        if not await undo_it(uow)(event.id):
            _refuse(event)

    return undo


async def _partnership_signed(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    pid = event.partnership_id
    first = next(iter(await uow.partnerships.dependents(pid)), None)
    if first == "children":
        raise Contradiction(f"partnership {pid} is the parent of others; amend or retract them first")
    if first is not None:
        raise Contradiction(f"partnership {pid} still has {first}; retract them first")
    await uow.partnerships.retract(pid)


async def _partnership_amended(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    await uow.partnerships.retract_amendment(event.id)
    await refold_terms(uow, event.partnership_id)


UNDO: dict[str, Undo] = {
    "PartnershipSigned": _partnership_signed,
    "PartnershipAmended": _partnership_amended,
    "PartnershipEnded": _retract(lambda u: u.partnerships.undo_ending),
    "MemberJoined": _retract(lambda u: u.partnerships.retract_membership),
    "MemberLeft": _unless_refused(lambda u: u.partnerships.undo_leaving),
    "TargetSet": _retract(lambda u: u.ledger.retract_target),
    "ProgrammeRegistered": _unless_used(lambda u: u.classes.programme_in_use, lambda u: u.classes.retract_programme),
    "ClassOpened": _unless_used(lambda u: u.classes.has_applications, lambda u: u.classes.retract),
    "ClassClosed": _retract(lambda u: u.classes.undo_closing),
    "FundingRecorded": _retract(lambda u: u.ledger.retract_funding),
    "ApplicationSubmitted": _unless_used(
        lambda u: u.students.application_enrolled, lambda u: u.students.retract_application
    ),
    "ApplicationDecided": _unless_used(lambda u: u.students.decision_enrolled, lambda u: u.students.retract_decision),
    "StudentEnrolled": _retract(lambda u: u.students.retract_enrolment),
    "EmploymentIntentSigned": _retract(lambda u: u.students.retract_intent),
    "EnrollmentCancelled": _unless_refused(lambda u: u.students.undo_cancelling),
    "ExclusionApplied": _retract(lambda u: u.exclusions.retract),
    "ExclusionRevoked": _unless_refused(lambda u: u.exclusions.undo_revoking),
}


async def on_retracted(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    """Corrections carry no state of ours, so retracting one changes nothing here."""
    undo = UNDO.get(event.type)
    if undo is not None:
        await undo(uow, event)
