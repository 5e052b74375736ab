"""Corrections and retractions of a service's own events: new events, never edits (DOMAIN.md, Events).

The outbox keeps every event the service emitted, so it is also the index of what can be corrected.
A service may pass a hook that undoes its own state when one of its facts is retracted.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import BaseModel, Field, ValidationError

from shared.contracts.base import Evidence
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.envelope import Envelope
from shared.messaging.codec import decode
from shared.web.clock import not_in_future, now
from shared.web.errors import Conflict, InvalidFact, NotFound
from shared.web.unit_of_work import UnitOfWork

RetractionHook = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
CorrectionHook = Callable[[asyncpg.Connection, Envelope, Envelope], Awaitable[None]]  # (conn, target, correction)
_NOT_CORRECTABLE = {"EventCorrected", "EventRetracted"}


class CorrectionIn(BaseModel):
    fields: dict[str, Any] = Field(min_length=1, examples=[{"monthly_wage": "5200.00"}])
    reason: str = Field(min_length=1, examples=["wage misread from the contract"])
    evidence: Evidence = Evidence.SCHOOL_RECORD
    occurred_on: date | None = None


class RetractionIn(BaseModel):
    reason: str = Field(min_length=1, examples=["recorded for the wrong student"])
    evidence: Evidence = Evidence.SCHOOL_RECORD
    occurred_on: date | None = None


async def emitted_event(conn: asyncpg.Connection, event_id: UUID) -> Envelope:
    row = await conn.fetchrow("SELECT key, headers, value FROM outbox WHERE event_id = $1", event_id)
    if row is None:
        raise NotFound(f"no event {event_id} was recorded by this service")
    headers = [(k, v.encode()) for k, v in json.loads(row["headers"]).items()]
    return decode(headers, row["key"].encode(), bytes(row["value"]))


async def _retracted(conn: asyncpg.Connection, event_id: UUID) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE event_type = 'EventRetracted' AND headers->>'ce_supersedes' = $1",
            str(event_id),
        )
    )


def _follow_up(
    target: Envelope,
    payload: EventCorrected | EventRetracted,
    occurred_on: date | None,
    evidence: Evidence,
    source: str,
) -> Envelope:
    recorded_at = now()
    return Envelope.wrap(
        payload,
        source=source,
        occurred_on=not_in_future(occurred_on or target.occurred_on, recorded_at),
        recorded_at=recorded_at,
        partnership_id=target.partnership_id,
        evidence=evidence,
        student_id=target.student_id,
        class_id=target.class_id,
        supersedes=target.id,
    )


async def correct(
    uow: UnitOfWork, event_id: UUID, body: CorrectionIn, source: str, hook: CorrectionHook | None = None
) -> Envelope:
    target = await emitted_event(uow.conn, event_id)
    if target.type in _NOT_CORRECTABLE:
        raise Conflict(f"a {target.type} cannot be corrected; send a new one instead")
    if await _retracted(uow.conn, event_id):
        raise Conflict(f"event {event_id} was retracted; send the fact again instead")
    unknown = set(body.fields) - set(type(target.data).model_fields)
    if unknown:
        raise InvalidFact(f"{target.type} has no fields {sorted(unknown)}")
    try:
        type(target.data).model_validate({**target.data_json(), **body.fields})
    except ValidationError as error:
        raise InvalidFact(f"the corrected {target.type} would be invalid: {error.errors(include_url=False)}") from error
    event = _follow_up(
        target, EventCorrected(fields=body.fields, reason=body.reason), body.occurred_on, body.evidence, source
    )
    if hook is not None:
        await hook(uow.conn, target, event)
    await uow.emit(event)
    return event


async def retract(
    uow: UnitOfWork, event_id: UUID, body: RetractionIn, source: str, hook: RetractionHook | None = None
) -> Envelope:
    target = await emitted_event(uow.conn, event_id)
    if target.type == "EventRetracted":
        raise Conflict("a retraction cannot be retracted; send the fact again instead")
    if await _retracted(uow.conn, event_id):
        raise Conflict(f"event {event_id} is already retracted")
    event = _follow_up(target, EventRetracted(reason=body.reason), body.occurred_on, body.evidence, source)
    if hook is not None:
        await hook(uow.conn, target)
    await uow.emit(event)
    return event
