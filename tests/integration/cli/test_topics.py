"""`cycle topics` lists the product topics of the namespace with their partitions, counts and retention."""

from __future__ import annotations

from uuid import uuid4

from shared.messaging.topics import product_topics
from tests.conftest import TEST_PARTITIONS
from tests.integration.cli.conftest import Cycle
from tests.support.backbone import withdrawal
from tests.support.kafka import publish


async def test_topics_lists_the_product_topics_with_partitions_message_counts_and_retention(
    kafka_bootstrap: str, topic_namespace: str, cycle: Cycle
):
    training = f"{topic_namespace}cycle.training"
    await publish(kafka_bootstrap, training, *(withdrawal(uuid4(), day) for day in range(1, 6)))

    listed = {topic["topic"]: topic for topic in await cycle.json("topics")}

    assert set(product_topics(topic_namespace)) <= set(listed)
    assert all(name.startswith(topic_namespace) for name in listed), "only the namespace's topics"
    assert {listed[name]["partitions"] for name in product_topics(topic_namespace)} == {TEST_PARTITIONS}
    assert listed[training]["messages"] == listed[training]["end_offset"] == 5
    assert sum(p["end"] - p["start"] for p in listed[training]["offsets"]) == 5
    assert listed[f"{topic_namespace}cycle.recruitment"]["messages"] == 0
    assert listed[training]["retention_ms"] == -1, "stage topics are the system of record: kept forever"

    table = await cycle("topics", "cycle.training")
    assert table.returncode == 0, table.stderr
    assert "forever" in table.stdout
    assert f"{topic_namespace}cycle.training" in table.stdout
    assert f"{topic_namespace}cycle.recruitment" not in table.stdout
