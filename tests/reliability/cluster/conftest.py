"""A three-node KRaft cluster of the tests' own, which they may kill node by node."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.infra.kafka_cluster import LocalKafkaCluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafkaCluster]:
    nodes = LocalKafkaCluster(Path(tmp_path_factory.mktemp("kafka-cluster")))
    nodes.start()
    try:
        yield nodes
    finally:
        nodes.stop()
