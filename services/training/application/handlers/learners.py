"""One handler per move of a learner's state machine: load the learner, let the domain decide, save the learner
and the state before the move (what a retraction restores), answer with the phase after it.

The event is about the learner after the move: a transfer or restart into a class of another partnership is keyed
by the new partnership, so downstream stages follow the student there (DOMAIN.md, who counts where)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from services.training.application import commands
from services.training.application.handlers.common import about, known_class, known_learner, recorded
from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain import learner as rules
from services.training.domain.learner import ClassRef, Learner, Transition
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.envelope import Envelope

E = TypeVar("E", bound=Transition)


@dataclass(frozen=True)
class _Move:
    """The learner `command` is about, on the business day it names, about to make one move."""

    uow: TrainingUnitOfWork
    ctx: Context
    command: commands.LearnerCommand
    learner: Learner
    day: date

    @classmethod
    async def of(cls, uow: TrainingUnitOfWork, ctx: Context, command: commands.LearnerCommand, day: date) -> _Move:
        on = ctx.business_date(day)
        return cls(uow, ctx, command, await known_learner(uow, command.student_id), on)

    async def to(
        self,
        event: E,
        period_class: ClassRef | None = None,
        then: Callable[[Envelope, E], Awaitable[None]] | None = None,
    ) -> Outcome:
        """Make the move `event` decided; `then` records what else the event starts or ends (a break)."""
        after = rules.evolve(self.learner, event, period_class)
        envelope = about(self.ctx, self.command, after, event, self.day)
        await self.uow.learners.save(after)
        await self.uow.learners.record_step(envelope.id, envelope.type, self.learner)
        if then is not None:
            await then(envelope, event)
        return recorded(envelope, phase=after.phase.value)


async def start_break(command: commands.StartBreak, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    move = await _Move.of(uow, ctx, command, command.start_on)
    return await move.to(rules.start_break(move.learner, move.day, command.reason), then=uow.records.add_break)


async def end_break(command: commands.EndBreak, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    move = await _Move.of(uow, ctx, command, command.end_on)
    return await move.to(rules.end_break(move.learner, move.day), then=uow.records.end_break)


async def transfer_to_class(command: commands.TransferToClass, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    move = await _Move.of(uow, ctx, command, command.start_on)
    target = await known_class(uow, command.to_class_id)
    return await move.to(rules.transfer(move.learner, target, move.day), target)


async def restart(command: commands.Restart, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    move = await _Move.of(uow, ctx, command, command.start_on)
    target = await known_class(uow, command.class_id or move.learner.class_id)
    return await move.to(rules.restart(move.learner, target, move.day), target)


async def withdraw(command: commands.Withdraw, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    move = await _Move.of(uow, ctx, command, command.last_day)
    return await move.to(rules.withdraw(move.learner, move.day, command.reason))


async def graduate(command: commands.Graduate, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    move = await _Move.of(uow, ctx, command, command.graduated_on)
    return await move.to(rules.graduate(move.learner, move.day))
