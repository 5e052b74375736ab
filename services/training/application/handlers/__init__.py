"""Every message training handles, and its one handler: `async def name(command, uow, ctx) -> Outcome`.

HTTP routes, the operator import and the roster learner (whose command is the envelope it learns from) all go
through the shared pipeline with this table (shared/application/pipeline.py).
"""

from __future__ import annotations

from services.training.application import commands
from services.training.application.handlers import learners, records, roster, teaching
from services.training.application.handlers.retractions import undo_retracted
from services.training.application.unit_of_work import TrainingUnitOfWork
from shared.application.follow_ups import follow_up_handlers
from shared.application.pipeline import Handler
from shared.contracts.envelope import Envelope

SOURCE = "/services/training"

HANDLERS: dict[type, Handler[TrainingUnitOfWork]] = {
    commands.AgreePlan: teaching.agree_plan,
    commands.LogHours: teaching.log_hours,
    commands.VerifyHours: teaching.verify_hours,
    commands.HoldProgressReview: records.hold_progress_review,
    commands.StartBreak: learners.start_break,
    commands.EndBreak: learners.end_break,
    commands.TransferToClass: learners.transfer_to_class,
    commands.Restart: learners.restart,
    commands.Withdraw: learners.withdraw,
    commands.Graduate: learners.graduate,
    commands.StartInternship: records.start_internship,
    commands.EndInternship: records.end_internship,
    commands.AwardCertificate: records.award_certificate,
    Envelope: roster.learn,
    # Corrections are published but do not change training's own state yet; retractions undo it.
    **follow_up_handlers(on_retracted=undo_retracted),
}
