"""The assessment API's own party memberships, learned from the topics as the stage services learn theirs.

Which partnerships a party's client may read is decided on `party_memberships` in the assessment schema (the
shared migrations shared_0005/0006 create it in every service schema), never on another service's schema. The API
process runs one idempotent consumer (shared/messaging/consumer.py) over the partnership topic, which carries
MemberJoined and MemberLeft, and the recruitment topic, which carries recruitment's retractions of them; each event
goes through the pipeline policy's `learn`, so the rows mean what they mean in training and employment. Records of
other types, most of the recruitment topic, are passed over before anything is written. The event id and its
effect commit in one transaction, so a replay or a restart from an older offset changes nothing, and a
fresh schema (a new deployment, a dropped one) learns every membership again from the start of the topics.
"""

from __future__ import annotations

import asyncio

import asyncpg
import structlog
from aiokafka import ConsumerRecord

from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.corrections import EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import MemberJoined, MemberLeft
from shared.contracts.registry import STAGE_TOPICS
from shared.messaging.codec import TYPE_PREFIX
from shared.messaging.consumer import IdempotentConsumer, run_forever
from shared.messaging.topics import ensure_topics
from shared.persistence.database import checked_schema
from shared.security.access import PostgresAccess
from shared.security.policy import EventPolicy

# MemberJoined / MemberLeft are partnership events; recruitment, which records them, publishes its retractions
# (EventRetracted, an any-stage event) on its own topic.
MEMBERSHIP_STAGES = (Stage.PARTNERSHIP, Stage.RECRUITMENT)
# The types `learn` acts on; the rest of these topics is passed over without a row (most of the recruitment topic).
_LEARNED_TYPES = frozenset((TYPE_PREFIX + t.type_name()).encode() for t in (MemberJoined, MemberLeft, EventRetracted))
_POLICY = EventPolicy()
_RETRY_SECONDS = 1.0
log = structlog.get_logger(__name__)


async def learn_membership(conn: asyncpg.Connection, envelope: Envelope, security_schema: str) -> None:
    await _POLICY.learn([envelope], PostgresAccess(conn, security_schema))


def about_memberships(record: ConsumerRecord[bytes, bytes]) -> bool:
    return any(name == "ce_type" and value in _LEARNED_TYPES for name, value in record.headers)


def membership_topics(settings: ServiceSettings) -> list[str]:
    return [settings.topic_namespace + STAGE_TOPICS[stage] for stage in MEMBERSHIP_STAGES]


def membership_learner(settings: ServiceSettings, schema: str, pool: asyncpg.Pool) -> IdempotentConsumer:
    """One group for every API process of the deployment: each partition is learned by one of them, into the one
    table they all read."""

    async def learn(conn: asyncpg.Connection, envelope: Envelope) -> None:
        await learn_membership(conn, envelope, settings.security_schema)

    return IdempotentConsumer(
        group=f"{settings.topic_namespace}{checked_schema(schema)}.memberships",
        topics=membership_topics(settings),
        bootstrap=settings.kafka_bootstrap_servers,
        pool=pool,
        handler=learn,
        topic_namespace=settings.topic_namespace,
        accepts=about_memberships,
    )


async def keep_learning(consumer: IdempotentConsumer, settings: ServiceSettings) -> None:
    """Until cancelled. The API serves figures while the broker is away; its topics are created first, so a
    deployment whose recruitment has not started yet subscribes to topics that exist."""
    topics = membership_topics(settings)
    while True:
        try:
            await ensure_topics(settings.kafka_bootstrap_servers, topics, settings.topic_partitions)
            break
        except Exception as error:  # an unreachable broker surfaces as aiokafka's errors, not OSError
            log.warning("membership topics unreachable", error=repr(error))
            await asyncio.sleep(_RETRY_SECONDS)
    await run_forever(consumer)
