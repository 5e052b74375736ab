"""Facts about a learner that do not move the state machine: progress reviews, internships, certificates."""

from __future__ import annotations

from services.training.application import commands
from services.training.application.handlers.common import about, known_learner, recorded
from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain import records
from services.training.domain.errors import Contradiction, Unknown
from shared.application.context import Context
from shared.application.outcome import Outcome


async def hold_progress_review(command: commands.HoldProgressReview, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.held_on)
    learner = await known_learner(uow, command.student_id)
    event = records.hold_review(learner, day, command.outcome, command.on_track)
    envelope = about(ctx, command, learner, event, day, party_id=command.reviewed_by)
    await uow.records.add_review(envelope, event)
    return recorded(envelope)


async def start_internship(command: commands.StartInternship, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.start_on)
    learner = await known_learner(uow, command.student_id)
    open_ones = await uow.records.open_internships(learner.student_id)
    event = records.start_internship(learner, open_ones, command.internship_id, command, day)
    envelope = about(ctx, command, learner, event, day)
    if not await uow.records.add_internship(envelope, event):
        raise Contradiction(f"internship {command.internship_id} already exists")
    return recorded(envelope, internship_id=command.internship_id)


async def end_internship(command: commands.EndInternship, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.end_on)
    learner = await known_learner(uow, command.student_id)
    internship = await uow.records.internship(learner.student_id, command.internship_id)
    if internship is None:
        raise Unknown(f"student {learner.student_id} has no internship {command.internship_id}")
    event = records.end_internship(learner, internship, command.outcome, day)
    envelope = about(ctx, command, learner, event, day)
    await uow.records.end_internship(envelope, event)
    return recorded(envelope, internship_id=command.internship_id)


async def award_certificate(command: commands.AwardCertificate, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.awarded_on)
    learner = await known_learner(uow, command.student_id)
    event = records.award_certificate(learner, command.certificate_id, command.name, command.level, command.issuer, day)
    envelope = about(ctx, command, learner, event, day, party_id=command.issuer_id)
    if not await uow.records.add_certificate(envelope, event):
        raise Contradiction(f"certificate {command.certificate_id} already exists")
    return recorded(envelope, certificate_id=command.certificate_id)
