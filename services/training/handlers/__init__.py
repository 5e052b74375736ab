"""The command bus: each command type has exactly one handler; HTTP routes and the operator import both use it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from services.training import commands
from services.training.handlers import learners, teaching
from services.training.handlers.common import Answer
from shared.web.unit_of_work import UnitOfWork

HANDLERS: dict[type[commands.Command], Callable[[Any, UnitOfWork], Awaitable[Answer]]] = {
    commands.AgreePlan: teaching.agree_plan,
    commands.LogHours: teaching.log_hours,
    commands.VerifyHours: teaching.verify_hours,
    commands.HoldProgressReview: learners.hold_progress_review,
    commands.StartBreak: learners.start_break,
    commands.EndBreak: learners.end_break,
    commands.TransferToClass: learners.transfer_to_class,
    commands.Restart: learners.restart,
    commands.Withdraw: learners.withdraw,
    commands.Graduate: learners.graduate,
    commands.StartInternship: learners.start_internship,
    commands.EndInternship: learners.end_internship,
    commands.AwardCertificate: learners.award_certificate,
}


async def handle(command: commands.Command, uow: UnitOfWork) -> Answer:
    return await HANDLERS[type(command)](command, uow)
