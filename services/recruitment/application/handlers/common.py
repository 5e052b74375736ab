"""What the handlers share: loading what a command names, and enveloping the event it decides."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from services.recruitment.application.commands.base import Fact
from services.recruitment.domain.errors import UnknownRecord
from shared.application.context import Context
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope

T = TypeVar("T")
P = TypeVar("P", bound=EventPayload)


def found(value: T | None, what: str, identifier: UUID) -> T:
    if value is None:
        raise UnknownRecord(f"no {what} {identifier}")
    return value


def stated(payload: type[P], cmd: BaseModel, **fields: Any) -> P:
    """The event payload a command states in fields of the same names, plus `fields` the handler decided."""
    return payload.model_validate({**cmd.model_dump(include=set(payload.model_fields)), **fields})


def fact_event(ctx: Context, payload: EventPayload, fact: Fact, partnership_id: UUID, **refs: UUID | None) -> Envelope:
    """The event a command records, dated by its occurred_on and on its evidence."""
    return ctx.wrap(
        payload, occurred_on=fact.occurred_on, partnership_id=partnership_id, evidence=fact.evidence, **refs
    )
