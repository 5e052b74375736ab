"""Inbound events: the consumer of the partnership, recruitment and training topics."""

from __future__ import annotations

import asyncpg

from services.employment.learning import learn
from services.employment.settings import SERVICE_NAME
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.messaging.consumer import Handler
from shared.messaging.outbox import Outbox
from shared.web.unit_of_work import UnitOfWork

UPSTREAM_STAGES = (Stage.PARTNERSHIP, Stage.RECRUITMENT, Stage.TRAINING)


def upstream_handler(settings: ServiceSettings) -> Handler:
    """Runs in the consumer's transaction, so released held facts reach the outbox with the graduation's record."""
    outbox = Outbox(SERVICE_NAME + settings.schema_suffix, Stage.EMPLOYMENT, settings.topic_namespace)

    async def handle(conn: asyncpg.Connection, envelope: Envelope) -> None:
        await learn(UnitOfWork(conn, outbox), envelope)

    return handle
