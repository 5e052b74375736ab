"""Inbound events: the partnership and recruitment topics, consumed idempotently (shared IdempotentConsumer).

An event training's rules can never apply goes to the group's dead-letter topic with the reason.
"""

from __future__ import annotations

import asyncpg
import structlog

from services.training.domain.errors import TrainingError
from services.training.handlers import roster
from shared.config import ServiceSettings
from shared.contracts.envelope import Envelope
from shared.messaging.consumer import Handler, RejectedEvent

log = structlog.get_logger(__name__)


async def apply_roster_event(conn: asyncpg.Connection, envelope: Envelope) -> None:
    try:
        await roster.apply(conn, envelope)
    except TrainingError as error:
        raise RejectedEvent(f"{envelope.type} {envelope.id}: {error.detail}") from error
    if envelope.type in roster.ROSTER_HANDLERS:
        log.info(
            "roster fact applied",
            type=envelope.type,
            event_id=str(envelope.id),
            partnership_id=str(envelope.partnership_id),
        )


def roster_handler(_: ServiceSettings) -> Handler:
    return apply_roster_event
