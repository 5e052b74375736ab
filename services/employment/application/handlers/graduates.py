"""Facts only a graduate can have: offers, answers, placements, further study.

Applied now for a graduate; held (answered as held) for a student whose graduation has not reached employment
yet, and applied or rejected by the learner when it does (handlers/learning.py).
"""

from __future__ import annotations

from uuid import UUID

import structlog

from services.employment.application.commands import (
    AnswerOffer,
    EnterFurtherStudy,
    GraduateCommand,
    OfferJob,
    PlaceStudent,
)
from services.employment.application.handlers import common
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from services.employment.domain import rules
from services.employment.domain.errors import Unknown
from services.employment.domain.student import Gate, Student, evolve, gate
from shared.application.context import Context
from shared.application.outcome import Outcome

log = structlog.get_logger(__name__)


async def offer_job(command: OfferJob, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = common.dated(command, ctx)
    return await apply_or_hold(command, await common.known_student(uow, command.student_id), uow, ctx)


async def answer_offer(command: AnswerOffer, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = common.dated(command, ctx)
    offer = await uow.offers.get(command.offer_id)
    student_id = offer.student_id if offer else await common.held_student(uow, "offer", command.offer_id)
    return await apply_or_hold(command, await common.known_student(uow, student_id), uow, ctx)


async def place_student(command: PlaceStudent, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = common.dated(command, ctx)
    return await apply_or_hold(command, await common.known_student(uow, command.student_id), uow, ctx)


async def enter_further_study(command: EnterFurtherStudy, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = common.dated(command, ctx)
    return await apply_or_hold(command, await common.known_student(uow, command.student_id), uow, ctx)


def _subject(command: GraduateCommand) -> tuple[str, UUID]:
    """The event the fact will be, and the offer, placement or study it is about."""
    match command:
        case OfferJob():
            return "JobOffered", command.offer_id
        case AnswerOffer():
            return ("OfferAccepted" if command.accepted else "OfferDeclined"), command.offer_id
        case PlaceStudent():
            return "Placed", command.placement_id
        case EnterFurtherStudy():
            return "FurtherStudyEntered", command.study_id


async def apply_or_hold(command: GraduateCommand, student: Student, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    if gate(student) is Gate.APPLY:
        return await apply_graduate_fact(command, student, uow, ctx)
    return await common.hold(command, student, _subject(command), uow, ctx)


async def apply_graduate_fact(
    command: GraduateCommand, student: Student, uow: EmploymentUnitOfWork, ctx: Context
) -> Outcome:
    """The same rules for a live command and for a held one the learner releases."""
    match command:
        case OfferJob():
            offered = rules.offer_job(
                student, command.offer_id, command.employer_name, command.employer_credit_code, command.monthly_wage
            )
            event = common.envelope(offered, student, command, ctx)
            await uow.offers.add(offered, event)
            return common.applied(event, command.offer_id)
        case AnswerOffer():
            return await _answer(command, student, uow, ctx)
        case PlaceStudent():
            return await _place(command, student, uow, ctx)
        case EnterFurtherStudy():
            entered = rules.enter_further_study(student, command.institution, command.start_on)
            event = common.envelope(entered, student, command, ctx)
            await uow.records.add_further_study(command.study_id, entered, event)
            await uow.students.save(evolve(student, entered))
            return common.applied(event, command.study_id)


async def _answer(command: AnswerOffer, student: Student, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    offer = await uow.offers.get(command.offer_id)
    if offer is None:
        raise Unknown(f"no offer {command.offer_id}")
    answer = rules.answer_offer(offer, command.accepted, command.reason, common.occurred(command, ctx))
    event = common.envelope(answer, student, command, ctx)
    status = rules.OfferStatus.ACCEPTED if command.accepted else rules.OfferStatus.DECLINED
    await uow.offers.answer(command.offer_id, status, event, None if command.accepted else command.reason)
    return common.applied(event, command.offer_id)


async def _place(command: PlaceStudent, student: Student, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    employers = await uow.partnerships.employers(student.partnership_id, student.class_id)
    taken = await uow.placements.recorded(command.placement_id)
    placed = rules.place(student, command.placement_id, command, employers, id_taken=taken)
    if command.relation_claimed is not None and command.relation_claimed is not placed.relation:
        log.info(
            "relation decided by credit code over the client's flag",
            claimed=command.relation_claimed.value,
            decided=placed.relation.value,
            partnership_id=str(student.partnership_id),
        )
    event = common.envelope(placed, student, command, ctx)
    await uow.placements.add(placed, event, command.relation_claimed)
    latest = await uow.placements.latest(student.student_id)
    if latest is not None and latest.placement_id == placed.placement_id:  # else a job from before the current one
        await uow.students.save(evolve(student, placed))
    return common.applied(event, command.placement_id, relation=placed.relation.value)
