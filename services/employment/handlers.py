"""One handler per command: load, decide with the domain, save, and write the event to the outbox.

Each runs inside the caller's transaction (a `UnitOfWork`): the HTTP request's with its Idempotency-Key answer,
or the consumer's when a graduation releases held facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID, uuid4

import structlog

from services.employment.adapters.db import HeldFacts, Partnerships, Students
from services.employment.adapters.records import (
    Offers,
    Placements,
    add_further_study,
    add_household_update,
    add_retention_check,
)
from services.employment.commands import (
    AnswerOffer,
    CheckRetention,
    Command,
    EndEmployment,
    EnterFurtherStudy,
    GraduateCommand,
    OfferJob,
    PlaceStudent,
    UpdateHouseholdStatus,
)
from services.employment.domain import rules
from services.employment.domain.student import Gate, Student, evolve, gate
from shared.contracts.base import EventPayload
from shared.contracts.employment import EmployerRelation
from shared.contracts.envelope import Envelope
from shared.errors import IllegalTransition, NotFound
from shared.web.clock import not_in_future
from shared.web.unit_of_work import UnitOfWork

SOURCE = "/services/employment"
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Handled:
    status: Literal["applied", "held"]
    type: str
    subject_id: UUID
    event_id: UUID | None = None
    held_id: UUID | None = None
    relation: EmployerRelation | None = None

    def answer(self) -> tuple[int, dict[str, Any]]:
        body = {k: (str(v) if isinstance(v, UUID) else v) for k, v in vars(self).items() if v is not None}
        return (201 if self.status == "applied" else 202), body


def _event(payload: EventPayload, student: Student, cmd: Command) -> Envelope:
    return Envelope.wrap(
        payload,
        source=SOURCE,
        occurred_on=cmd.occurred_on,
        partnership_id=student.partnership_id,
        evidence=cmd.evidence,
        recorded_at=cmd.recorded_at,
        student_id=student.student_id,
        class_id=student.class_id,
    )


async def handle(uow: UnitOfWork, cmd: Command) -> Handled:
    not_in_future(cmd.occurred_on, cmd.recorded_at)
    match cmd:
        case OfferJob() | AnswerOffer() | PlaceStudent() | EnterFurtherStudy():
            return await submit_graduate_fact(uow, cmd)
        case CheckRetention():
            return await check_retention(uow, cmd)
        case EndEmployment():
            return await end_employment(uow, cmd)
        case UpdateHouseholdStatus():
            return await update_household_status(uow, cmd)


async def _student(uow: UnitOfWork, student_id: UUID) -> Student:
    student = await Students(uow.conn).get(student_id, lock=True)
    if student is None:
        raise NotFound(f"employment has not learned of student {student_id} from enrolment or training events")
    return student


async def _not_applied(uow: UnitOfWork, subject: str, subject_id: UUID) -> UUID:
    """The student of a held offer or placement; 409 when it was rejected, 404 when there is none."""
    held = await HeldFacts(uow.conn).about(subject_id)
    if held is None:
        raise NotFound(f"no {subject} {subject_id}")
    if held["status"] == "rejected":
        raise IllegalTransition(f"{subject} {subject_id} was rejected: {held['reason']}")
    if held["status"] == "held":
        return UUID(str(held["student_id"]))
    raise NotFound(f"{subject} {subject_id} was retracted")


async def _student_of(uow: UnitOfWork, cmd: GraduateCommand) -> Student:
    if not isinstance(cmd, AnswerOffer):
        return await _student(uow, cmd.student_id)
    offer = await Offers(uow.conn).get(cmd.offer_id)
    return await _student(uow, offer.student_id if offer else await _not_applied(uow, "offer", cmd.offer_id))


def _subject(cmd: GraduateCommand) -> tuple[str, UUID]:
    match cmd:
        case OfferJob():
            return "JobOffered", cmd.offer_id
        case AnswerOffer():
            return ("OfferAccepted" if cmd.accepted else "OfferDeclined"), cmd.offer_id
        case PlaceStudent():
            return "Placed", cmd.placement_id
        case EnterFurtherStudy():
            return "FurtherStudyEntered", cmd.study_id


async def submit_graduate_fact(uow: UnitOfWork, cmd: GraduateCommand) -> Handled:
    """Apply now for a graduate; hold for a student whose graduation has not reached employment yet."""
    student = await _student_of(uow, cmd)
    if gate(student) is Gate.APPLY:
        return await apply_graduate_fact(uow, student, cmd)
    event_type, subject_id = _subject(cmd)
    held_id = uuid4()
    await HeldFacts(uow.conn).hold(held_id, student.student_id, subject_id, cmd, cmd.recorded_at)
    log.info(
        "fact held until graduation", held_id=str(held_id), kind=cmd.kind, partnership_id=str(student.partnership_id)
    )
    return Handled("held", event_type, subject_id, held_id=held_id)


async def apply_graduate_fact(uow: UnitOfWork, student: Student, cmd: GraduateCommand) -> Handled:
    match cmd:
        case OfferJob():
            offered = rules.offer_job(
                student, cmd.offer_id, cmd.employer_name, cmd.employer_credit_code, cmd.monthly_wage
            )
            event = _event(offered, student, cmd)
            await uow.emit(event)
            await Offers(uow.conn).add(cmd, student, event)
            return Handled("applied", event.type, cmd.offer_id, event.id)
        case AnswerOffer():
            offer = await Offers(uow.conn).get(cmd.offer_id)
            if offer is None:
                raise NotFound(f"no offer {cmd.offer_id}")
            answer = rules.answer_offer(offer, cmd.accepted, cmd.reason, cmd.occurred_on)
            event = _event(answer, student, cmd)
            await uow.emit(event)
            status = rules.OfferStatus.ACCEPTED if cmd.accepted else rules.OfferStatus.DECLINED
            await Offers(uow.conn).answer(cmd.offer_id, status, event, None if cmd.accepted else cmd.reason)
            return Handled("applied", event.type, cmd.offer_id, event.id)
        case PlaceStudent():
            return await _place(uow, student, cmd)
        case EnterFurtherStudy():
            entered = rules.enter_further_study(student, cmd.institution, cmd.start_on)
            event = _event(entered, student, cmd)
            await uow.emit(event)
            await add_further_study(uow.conn, cmd, student, event)
            await Students(uow.conn).save(evolve(student, entered))
            return Handled("applied", event.type, cmd.study_id, event.id)


async def _place(uow: UnitOfWork, student: Student, cmd: PlaceStudent) -> Handled:
    employers = await Partnerships(uow.conn).employers(student.partnership_id, student.class_id)
    terms = rules.PlacementTerms(
        employer_name=cmd.employer_name,
        employer_credit_code=cmd.employer_credit_code,
        employer_type=cmd.employer_type,
        location=cmd.location,
        related_to_training=cmd.related_to_training,
        monthly_wage=cmd.monthly_wage,
        contract_type=cmd.contract_type,
        social_insurance=cmd.social_insurance,
        start_on=cmd.start_on,
    )
    placed = rules.place(student, cmd.placement_id, terms, employers)
    if cmd.relation_claimed is not None and cmd.relation_claimed is not placed.relation:
        log.info(
            "relation decided by credit code over the client's flag",
            claimed=cmd.relation_claimed.value,
            decided=placed.relation.value,
            partnership_id=str(student.partnership_id),
        )
    event = _event(placed, student, cmd)
    await uow.emit(event)
    await Placements(uow.conn).add(cmd, placed, student, event)
    await Students(uow.conn).save(evolve(student, placed))
    return Handled("applied", event.type, cmd.placement_id, event.id, relation=placed.relation)


async def _placement(uow: UnitOfWork, placement_id: UUID) -> rules.Placement:
    placement = await Placements(uow.conn).get(placement_id)
    if placement is None:
        await _not_applied(uow, "placement", placement_id)
        raise IllegalTransition(f"placement {placement_id} is held until the student's graduation reaches employment")
    return placement


async def check_retention(uow: UnitOfWork, cmd: CheckRetention) -> Handled:
    placement = await _placement(uow, cmd.placement_id)
    student = await _student(uow, placement.student_id)
    checkpoints = await Partnerships(uow.conn).checkpoints(student.partnership_id)
    answer = rules.RetentionAnswer(cmd.checkpoint_days, cmd.still_employed, cmd.same_employer, cmd.monthly_wage)
    checked = rules.check_retention(placement, checkpoints, answer, cmd.occurred_on)
    event = _event(checked, student, cmd)
    await uow.emit(event)
    await add_retention_check(uow.conn, cmd, student, event)
    return Handled("applied", event.type, event.id, event.id)


async def end_employment(uow: UnitOfWork, cmd: EndEmployment) -> Handled:
    placement = await _placement(uow, cmd.placement_id)
    student = await _student(uow, placement.student_id)
    ended = rules.end_employment(placement, cmd.last_day, cmd.reason)
    event = _event(ended, student, cmd)
    await uow.emit(event)
    await Placements(uow.conn).end(cmd.placement_id, cmd.last_day, cmd.reason, event)
    if student.current_placement_id == placement.placement_id:
        await Students(uow.conn).save(evolve(student, ended))
    return Handled("applied", event.type, cmd.placement_id, event.id)


async def update_household_status(uow: UnitOfWork, cmd: UpdateHouseholdStatus) -> Handled:
    student = await _student(uow, cmd.student_id)
    updated = rules.update_household(student, cmd.poor_household, cmd.status)
    event = _event(updated, student, cmd)
    await uow.emit(event)
    await add_household_update(uow.conn, updated, student, event)
    return Handled("applied", event.type, event.id, event.id)
