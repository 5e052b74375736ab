"""One handler per move of a learner's state machine: load the learner, let the domain decide, save the learner
and the state before the move (what a retraction restores), answer with the phase after it.

The event is about the learner after the move: a transfer or restart into a class of another partnership is keyed
by the new partnership, so downstream stages follow the student there (DOMAIN.md, who counts where)."""

from __future__ import annotations

from datetime import date

from services.training.application import commands
from services.training.application.handlers.common import about, known_class, known_learner, recorded
from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain import learner as rules
from services.training.domain.learner import ClassRef, Learner, Transition
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.envelope import Envelope


async def _move(
    uow: TrainingUnitOfWork,
    ctx: Context,
    command: commands.LearnerCommand,
    before: Learner,
    event: Transition,
    day: date,
    period_class: ClassRef | None = None,
) -> tuple[Envelope, Outcome]:
    after = rules.evolve(before, event, period_class)
    envelope = about(ctx, command, after, event, day)
    await uow.learners.save(after)
    await uow.learners.record_step(envelope.id, envelope.type, before)
    return envelope, recorded(envelope, phase=after.phase.value)


async def start_break(command: commands.StartBreak, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.start_on)
    learner = await known_learner(uow, command.student_id)
    event = rules.start_break(learner, day, command.reason)
    envelope, outcome = await _move(uow, ctx, command, learner, event, day)
    await uow.records.add_break(envelope, event)
    return outcome


async def end_break(command: commands.EndBreak, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.end_on)
    learner = await known_learner(uow, command.student_id)
    event = rules.end_break(learner, day)
    envelope, outcome = await _move(uow, ctx, command, learner, event, day)
    await uow.records.end_break(envelope, event)
    return outcome


async def transfer_to_class(command: commands.TransferToClass, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.start_on)
    learner = await known_learner(uow, command.student_id)
    target = await known_class(uow, command.to_class_id)
    event = rules.transfer(learner, target, day)
    _, outcome = await _move(uow, ctx, command, learner, event, day, target)
    return outcome


async def restart(command: commands.Restart, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.start_on)
    learner = await known_learner(uow, command.student_id)
    target = await known_class(uow, command.class_id or learner.class_id)
    event = rules.restart(learner, target, day)
    _, outcome = await _move(uow, ctx, command, learner, event, day, target)
    return outcome


async def withdraw(command: commands.Withdraw, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.last_day)
    learner = await known_learner(uow, command.student_id)
    event = rules.withdraw(learner, day, command.reason)
    _, outcome = await _move(uow, ctx, command, learner, event, day)
    return outcome


async def graduate(command: commands.Graduate, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.graduated_on)
    learner = await known_learner(uow, command.student_id)
    event = rules.graduate(learner, day)
    _, outcome = await _move(uow, ctx, command, learner, event, day)
    return outcome
