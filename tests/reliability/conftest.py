from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.infra.kafka_local import LocalKafka
from tests.support.infra import Infrastructure


@pytest.fixture(scope="session")
def controllable_broker(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """A broker the test may stop and restart: the session's own when it is local, else a dedicated one."""
    if infra.local_broker is not None:
        yield infra.local_broker
        return
    broker = LocalKafka(Path(tmp_path_factory.mktemp("controllable-kafka")))
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
