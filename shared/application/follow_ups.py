"""Corrections and retractions of a service's own events: new events, never edits (DOMAIN.md, Events).

They are commands like any other, so they go through the pipeline (and the import). A service registers the
two handlers with a hook that updates its own state when one of its facts is corrected or retracted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from pydantic import ValidationError

from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.application.pipeline import Handler
from shared.application.unit_of_work import UnitOfWork
from shared.contracts.base import Evidence
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.envelope import Envelope
from shared.errors import Conflict, InvalidFact, NotFound

U = TypeVar("U", bound=UnitOfWork)
RetractionHook = Callable[[U, Envelope], Awaitable[None]]
CorrectionHook = Callable[[U, Envelope, Envelope], Awaitable[None]]  # (uow, target, correction)
_NOT_CORRECTABLE = {"EventCorrected", "EventRetracted"}


@dataclass(frozen=True, kw_only=True)
class CorrectEvent:
    event_id: UUID
    fields: Mapping[str, Any]
    reason: str
    evidence: Evidence
    occurred_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class RetractEvent:
    event_id: UUID
    reason: str
    evidence: Evidence
    occurred_on: date | None = None


async def _target(uow: UnitOfWork, event_id: UUID) -> Envelope:
    target = await uow.outbox.emitted(event_id)
    if target is None:
        raise NotFound(f"no event {event_id} was recorded by this service")
    return target


def _follow_up(
    ctx: Context, target: Envelope, payload: EventCorrected | EventRetracted, command: CorrectEvent | RetractEvent
) -> Envelope:
    return ctx.wrap(
        payload,
        occurred_on=command.occurred_on or target.occurred_on,
        partnership_id=target.partnership_id,
        evidence=command.evidence,
        student_id=target.student_id,
        class_id=target.class_id,
        supersedes=target.id,
    )


def correction_handler(hook: CorrectionHook[U] | None = None) -> Handler[U]:
    async def correct(command: CorrectEvent, uow: U, ctx: Context) -> Outcome:
        target = await _target(uow, command.event_id)
        if target.type in _NOT_CORRECTABLE:
            raise Conflict(f"a {target.type} cannot be corrected; send a new one instead")
        if await uow.outbox.retracted(command.event_id):
            raise Conflict(f"event {command.event_id} was retracted; send the fact again instead")
        model = type(target.data)
        unknown = set(command.fields) - set(model.model_fields)
        if unknown:
            raise InvalidFact(f"{target.type} has no fields {sorted(unknown)}")
        try:
            model.model_validate({**target.data_json(), **command.fields})
        except ValidationError as error:
            raise InvalidFact(
                f"the corrected {target.type} would be invalid: {error.errors(include_url=False, include_input=False)}"
            ) from error
        event = _follow_up(ctx, target, EventCorrected(fields=dict(command.fields), reason=command.reason), command)
        if hook is not None:
            await hook(uow, target, event)
        return Outcome.recorded(event)

    return correct


def retraction_handler(hook: RetractionHook[U] | None = None) -> Handler[U]:
    async def retract(command: RetractEvent, uow: U, ctx: Context) -> Outcome:
        target = await _target(uow, command.event_id)
        if target.type == "EventRetracted":
            raise Conflict("a retraction cannot be retracted; send the fact again instead")
        if await uow.outbox.retracted(command.event_id):
            raise Conflict(f"event {command.event_id} is already retracted")
        event = _follow_up(ctx, target, EventRetracted(reason=command.reason), command)
        if hook is not None:
            await hook(uow, target)
        return Outcome.recorded(event)

    return retract


def follow_up_handlers(
    on_corrected: CorrectionHook[U] | None = None, on_retracted: RetractionHook[U] | None = None
) -> dict[type, Handler[U]]:
    return {CorrectEvent: correction_handler(on_corrected), RetractEvent: retraction_handler(on_retracted)}
