"""One recruitment service per test module, on a real port, with its own topics and schema.

Tests share the running service and stay independent by giving every test its own partnership, parties and
applicants (see `flows.py`); events are told apart by their Kafka key, the partnership id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import uuid4

import httpx
import pytest

from shared.config import ServiceSettings
from shared.messaging.topics import ensure_topics, product_topics
from shared.persistence.database import drop_schema
from tests.conftest import TEST_PARTITIONS
from tests.support.http import serving

OPERATOR_TOKEN = "operator-token-for-tests"


@dataclass(frozen=True)
class Service:
    client: httpx.AsyncClient
    settings: ServiceSettings
    bootstrap: str

    def topic(self, name: str) -> str:
        return f"{self.settings.topic_namespace}cycle.{name}"


@pytest.fixture(scope="module")
async def recruitment(kafka_bootstrap: str, database_url: str) -> AsyncIterator[Service]:
    from services.recruitment.app import create_app

    suffix = uuid4().hex[:10]
    namespace = f"r{suffix}."
    await ensure_topics(kafka_bootstrap, product_topics(namespace), TEST_PARTITIONS)
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        DATABASE_URL=database_url,
        CYCLE_TOPIC_NAMESPACE=namespace,
        CYCLE_TOPIC_PARTITIONS=TEST_PARTITIONS,
        CYCLE_SCHEMA_SUFFIX=f"_r{suffix}",
        CYCLE_OPERATOR_TOKEN=OPERATOR_TOKEN,
    )
    async with serving(create_app, settings) as client:
        yield Service(client, settings, kafka_bootstrap)
    await drop_schema(database_url, f"recruitment_r{suffix}")
