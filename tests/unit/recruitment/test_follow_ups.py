"""Corrections and retractions of recruitment facts: the hooks keep this service's state and its rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from services.recruitment.application.commands.partnerships import (
    CloseClass,
)
from services.recruitment.application.commands.students import (
    CancelEnrolment,
)
from services.recruitment.domain.errors import Contradiction, IllegalMove
from shared.application.follow_ups import CorrectEvent, RetractEvent
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.contracts.recruitment import Decision
from shared.errors import Conflict, InvalidFact
from tests.unit.recruitment.service import (
    Service,
    application,
    apply,
    decide,
    enrolled_student,
    enrolment,
    national_id,
    partnership,
    service,
    setting,
    stored_class,
    stored_partnership,
)


def correct(event_id: UUID, **fields: Any) -> CorrectEvent:
    return CorrectEvent(event_id=event_id, fields=fields, reason="typed wrong", evidence=Evidence.SCHOOL_RECORD)


def retract(event_id: UUID | str) -> RetractEvent:
    return RetractEvent(event_id=UUID(str(event_id)), reason="recorded by mistake", evidence=Evidence.SCHOOL_RECORD)


def last(s: Service, event_type: str) -> Envelope:
    return next(e for e in reversed(s.events) if e.type == event_type)


async def test_a_correction_of_a_classs_seats_is_written_and_held_to_the_seat_rule():
    s = service()
    x = await setting(s, seats=1)
    opened = last(s, "ClassOpened").id
    await enrolled_student(s, x.klass)
    await s.do(correct(opened, seats=2))
    assert (await stored_class(s, x.klass)).seats == 2
    await enrolled_student(s, x.klass)
    with pytest.raises(IllegalMove, match="2 students are enrolled"):
        await s.do(correct(opened, seats=1, hiring_commitment=1))
    assert (await stored_class(s, x.klass)).seats == 2


async def test_ids_cannot_be_corrected_but_a_decisions_reason_can():
    s = service()
    x = await setting(s)
    application_id = await apply(s, x.klass)
    with pytest.raises(Contradiction, match="cannot be corrected"):
        await s.do(correct(last(s, "ApplicationSubmitted").id, application_id=str(x.klass)))
    decided = UUID((await decide(s, application_id))["event_id"])
    await s.do(enrolment(application_id))
    with pytest.raises(IllegalMove, match="retract the enrolment before changing its decision"):
        await s.do(correct(decided, decision=Decision.REJECTED.value))
    assert (await s.do(correct(decided, reason="top of the list")))["type"] == "EventCorrected"


async def test_a_correction_of_the_signed_terms_refolds_them_and_keeps_them_valid():
    s = service()
    pid = await partnership(s)
    signed = last(s, "PartnershipSigned").id
    await s.do(correct(signed, retention_checkpoints=[90, 180, 365, 730]))
    assert (await stored_partnership(s, pid)).retention_checkpoints == (90, 180, 365, 730)
    with pytest.raises(InvalidFact, match="before valid_from"):
        await s.do(correct(signed, valid_until="2020-01-01"))


async def test_a_class_with_applications_cannot_be_retracted_but_its_closure_can():
    s = service()
    x = await setting(s)
    await apply(s, x.klass)
    with pytest.raises(Contradiction, match="has applications"):
        await s.do(retract(last(s, "ClassOpened").id))
    closed = await s.do(CloseClass(class_id=x.klass))
    await s.do(retract(closed["event_id"]))
    assert (await stored_class(s, x.klass)).closed_on is None


async def test_a_partnership_with_members_cannot_be_retracted():
    s = service()
    x = await setting(s)
    with pytest.raises(Contradiction, match="still has memberships"):
        await s.do(retract(last(s, "PartnershipSigned").id))
    assert await s.uow.partnerships.get(x.partnership) is not None


async def test_retracting_an_enrolment_frees_the_admitted_application_to_enrol_again():
    s = service()
    x = await setting(s, seats=1)
    student = await enrolled_student(s, x.klass)
    decided = last(s, "ApplicationDecided").id
    with pytest.raises(Contradiction, match="retract the enrolment first"):
        await s.do(retract(decided))
    await s.do(retract(student["enrolment_id"]))
    again = await s.do(enrolment(UUID(student["application_id"])))
    assert again["enrolment_id"] != student["enrolment_id"]
    with pytest.raises(Conflict, match="already retracted"):
        await s.do(retract(student["enrolment_id"]))


async def test_a_cancellation_is_not_retracted_once_the_student_is_enrolled_elsewhere():
    s = service()
    first, second = await setting(s), await setting(s)
    nid = national_id()
    for klass in (first.klass, second.klass):
        applied = await s.do(application(klass, nid))
        await decide(s, UUID(applied["application_id"]))
        enrolled = await s.do(enrolment(UUID(applied["application_id"])))
        if klass == first.klass:
            cancelled = await s.do(CancelEnrolment(student_id=UUID(enrolled["student_id"]), reason="moved"))
    with pytest.raises(Contradiction, match="enrolled elsewhere now"):
        await s.do(retract(cancelled["event_id"]))
