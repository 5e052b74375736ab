"""One handler per learner command: load the learner, let the domain decide, save, emit; one transaction."""

from __future__ import annotations

from uuid import UUID

from services.training import commands
from services.training.adapters import db, records_db
from services.training.domain import learner as rules
from services.training.domain import records
from services.training.domain.errors import Contradiction, Unknown
from services.training.domain.learner import Learner, Transition
from services.training.handlers.common import (
    Answer,
    When,
    answer,
    envelope_of,
    known_class,
    known_learner,
    stamp,
)
from shared.contracts.envelope import Envelope
from shared.web.unit_of_work import UnitOfWork


async def _move(
    uow: UnitOfWork,
    command: commands.LearnerCommand,
    before: Learner,
    event: Transition,
    when: When,
    class_id: UUID | None = None,
) -> Envelope:
    """Save the learner after a transition, keep the state before it (for retractions) and emit the event."""
    after = rules.evolve(before, event, class_id)
    envelope = envelope_of(
        event,
        command,
        when,
        partnership_id=before.partnership_id,
        student_id=before.student_id,
        class_id=after.class_id,
    )
    await db.save_learner(uow.conn, after)
    await db.record_transition(uow.conn, envelope.id, envelope.type, before)
    await uow.emit(envelope)
    return envelope


async def start_break(command: commands.StartBreak, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.start_on)
    learner = await known_learner(uow.conn, command.student_id)
    event = rules.start_break(learner, command.start_on, command.reason)
    envelope = await _move(uow, command, learner, event, when)
    await records_db.add_break(uow.conn, envelope, event)
    return answer(envelope, phase=rules.Phase.ON_BREAK.value)


async def end_break(command: commands.EndBreak, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.end_on)
    learner = await known_learner(uow.conn, command.student_id)
    event = rules.end_break(learner, command.end_on)
    envelope = await _move(uow, command, learner, event, when)
    await records_db.end_break(uow.conn, envelope, event)
    return answer(envelope, phase=rules.Phase.ACTIVE.value)


async def transfer_to_class(command: commands.TransferToClass, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.start_on)
    learner = await known_learner(uow.conn, command.student_id)
    target = await known_class(uow.conn, command.to_class_id)
    event = rules.transfer(learner, target, command.start_on)
    envelope = await _move(uow, command, learner, event, when)
    return answer(envelope, phase=rules.Phase.ACTIVE.value)


async def restart(command: commands.Restart, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.start_on)
    learner = await known_learner(uow.conn, command.student_id)
    target = await known_class(uow.conn, command.class_id or learner.class_id)
    event = rules.restart(learner, target, command.start_on)
    envelope = await _move(uow, command, learner, event, when, target.class_id)
    return answer(envelope, phase=rules.Phase.ACTIVE.value)


async def withdraw(command: commands.Withdraw, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.last_day)
    learner = await known_learner(uow.conn, command.student_id)
    event = rules.withdraw(learner, command.last_day, command.reason)
    envelope = await _move(uow, command, learner, event, when)
    return answer(envelope, phase=rules.Phase.WITHDRAWN.value)


async def graduate(command: commands.Graduate, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.graduated_on)
    learner = await known_learner(uow.conn, command.student_id)
    event = rules.graduate(learner, command.graduated_on)
    envelope = await _move(uow, command, learner, event, when)
    return answer(envelope, phase=rules.Phase.GRADUATED.value)


async def _record(
    uow: UnitOfWork,
    command: commands.LearnerCommand,
    learner: Learner,
    event: records.Record,
    when: When,
    party_id: UUID | None = None,
) -> Envelope:
    envelope = envelope_of(
        event,
        command,
        when,
        partnership_id=learner.partnership_id,
        student_id=learner.student_id,
        class_id=learner.class_id,
        party_id=party_id,
    )
    await uow.emit(envelope)
    return envelope


async def hold_progress_review(command: commands.HoldProgressReview, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.held_on)
    learner = await known_learner(uow.conn, command.student_id)
    event = records.hold_review(learner, command.held_on, command.outcome, command.on_track)
    envelope = await _record(uow, command, learner, event, when, command.reviewed_by)
    await records_db.add_review(uow.conn, envelope, event)
    return answer(envelope)


async def start_internship(command: commands.StartInternship, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.start_on)
    learner = await known_learner(uow.conn, command.student_id)
    open_ones = await records_db.open_internships(uow.conn, learner.student_id)
    terms = records.InternshipTerms(
        command.host_name, command.host_credit_code, command.related_to_major, command.monthly_pay
    )
    event = records.start_internship(learner, open_ones, command.internship_id, terms, command.start_on)
    envelope = await _record(uow, command, learner, event, when)
    if not await records_db.add_internship(uow.conn, envelope, event):
        raise Contradiction(f"internship {command.internship_id} already exists")
    return answer(envelope, internship_id=command.internship_id)


async def end_internship(command: commands.EndInternship, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.end_on)
    learner = await known_learner(uow.conn, command.student_id)
    internship = await records_db.internship(uow.conn, learner.student_id, command.internship_id)
    if internship is None:
        raise Unknown(f"student {learner.student_id} has no internship {command.internship_id}")
    event = records.end_internship(learner, internship, command.outcome, command.end_on)
    envelope = await _record(uow, command, learner, event, when)
    await records_db.end_internship(uow.conn, envelope, event)
    return answer(envelope, internship_id=command.internship_id)


async def award_certificate(command: commands.AwardCertificate, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.awarded_on)
    learner = await known_learner(uow.conn, command.student_id)
    event = records.award_certificate(
        learner, command.certificate_id, command.name, command.level, command.issuer, command.awarded_on
    )
    envelope = await _record(uow, command, learner, event, when, command.issuer_id)
    if not await records_db.add_certificate(uow.conn, envelope, event):
        raise Contradiction(f"certificate {command.certificate_id} already exists")
    return answer(envelope, certificate_id=command.certificate_id)
