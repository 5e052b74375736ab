"""Undoing this service's own state when one of its facts is retracted (DOMAIN.md: retractions).

A retraction removes the fact and every fact that refers to it. Facts others build on (a class with applications,
an application with an enrolment) are refused until what refers to them is retracted first, so every downstream
service learns each removal from an event about a fact it knows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.recruitment.application.handlers.partnerships import refold_terms
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from services.recruitment.domain.errors import Contradiction
from shared.contracts.envelope import Envelope

Undo = Callable[[RecruitmentUnitOfWork, Envelope], Awaitable[None]]


def _refuse_if(rests_on_it: bool, why: str) -> None:
    if rests_on_it:
        raise Contradiction(why)


async def _partnership_signed(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    pid = event.partnership_id
    first = next(iter(await uow.partnerships.dependents(pid)), None)
    _refuse_if(first == "children", f"partnership {pid} is the parent of others; amend or retract them first")
    _refuse_if(first is not None, f"partnership {pid} still has {first}; retract them first")
    await uow.partnerships.retract(pid)


async def _partnership_amended(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    await uow.partnerships.retract_amendment(event.id)
    await refold_terms(uow, event.partnership_id)


async def _member_left(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    undone = await uow.partnerships.undo_leaving(event.id)
    _refuse_if(not undone, f"party {event.party_id} has joined again since; retract that first")


async def _programme_registered(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    in_use = await uow.classes.programme_in_use(event.id)
    _refuse_if(in_use, "classes were opened under this programme; retract them first")
    await uow.classes.retract_programme(event.id)


async def _class_opened(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    applied = await uow.classes.has_applications(event.id)
    _refuse_if(applied, f"class {event.class_id} has applications; retract them first")
    await uow.classes.retract(event.id)


async def _application_submitted(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    enrolled = await uow.students.application_enrolled(event.id)
    _refuse_if(enrolled, "the application led to an enrolment; retract the enrolment first")
    await uow.students.retract_application(event.id)


async def _application_decided(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    enrolled = await uow.students.decision_enrolled(event.id)
    _refuse_if(enrolled, "the application was enrolled on this decision; retract the enrolment first")
    await uow.students.retract_decision(event.id)


async def _enrolment_cancelled(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    undone = await uow.students.undo_cancelling(event.id)
    _refuse_if(not undone, f"student {event.student_id} is enrolled elsewhere now; cancel that first")


async def _exclusion_revoked(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    undone = await uow.exclusions.undo_revoking(event.id)
    _refuse_if(not undone, f"student {event.student_id} has been excluded again since; retract that first")


UNDO: dict[str, Undo] = {
    "PartnershipSigned": _partnership_signed,
    "PartnershipAmended": _partnership_amended,
    "PartnershipEnded": lambda uow, event: uow.partnerships.undo_ending(event.id),
    "MemberJoined": lambda uow, event: uow.partnerships.retract_membership(event.id),
    "MemberLeft": _member_left,
    "TargetSet": lambda uow, event: uow.ledger.retract_target(event.id),
    "ProgrammeRegistered": _programme_registered,
    "ClassOpened": _class_opened,
    "ClassClosed": lambda uow, event: uow.classes.undo_closing(event.id),
    "FundingRecorded": lambda uow, event: uow.ledger.retract_funding(event.id),
    "ApplicationSubmitted": _application_submitted,
    "ApplicationDecided": _application_decided,
    "StudentEnrolled": lambda uow, event: uow.students.retract_enrolment(event.id),
    "EmploymentIntentSigned": lambda uow, event: uow.students.retract_intent(event.id),
    "EnrollmentCancelled": _enrolment_cancelled,
    "ExclusionApplied": lambda uow, event: uow.exclusions.retract(event.id),
    "ExclusionRevoked": _exclusion_revoked,
}


async def on_retracted(uow: RecruitmentUnitOfWork, event: Envelope) -> None:
    """Corrections carry no state of ours, so retracting one changes nothing here."""
    undo = UNDO.get(event.type)
    if undo is not None:
        await undo(uow, event)
