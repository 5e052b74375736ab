"""`cycle up --brokers 3`: the stack on a three-node cluster; a node killed is reported, restarted at its address,
and the services stay healthy meanwhile; `cycle down` stops every node."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.config import InfraSettings
from shared.infra.components import COMPONENTS, Component, Kind
from shared.infra.health import http_healthy
from shared.infra.net import free_port
from shared.infra.processes import alive, wait_gone
from shared.infra.supervisor import Health, Supervisor

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("CYCLE_CHAOS"), reason="starts a whole stack: runs in `make chaos`"),
]


class Quiet:
    def starting(self, name: str) -> None:
        pass

    def ready(self, name: str, address: str, note: str) -> None:
        pass

    def skipped(self, name: str, reason: str) -> None:
        pass


async def replicas_and_in_sync(bootstrap: str, topic: str) -> set[tuple[int, int]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return {(len(p["replicas"]), len(p["isr"])) for p in described["partitions"]}


def test_the_stack_runs_on_three_brokers_and_survives_one_of_them_dying(tmp_path: Path):
    settings = InfraSettings(KAFKA_BOOTSTRAP_SERVERS=None, DATABASE_URL=None, CYCLE_TOPIC_PARTITIONS=3)
    ports = {c.name: free_port() for c in COMPONENTS if c.port is not None}
    supervisor = Supervisor(settings, tmp_path, ports=ports, env={"ASSESSMENT_DATA_DIR": str(tmp_path / "faust")})
    try:
        statuses = {s.name: s for s in supervisor.up(Quiet(), timeout=240, brokers=3)}
        assert {s.health for s in statuses.values()} == {Health.HEALTHY}
        assert {"kafka-1", "kafka-2", "kafka-3"} <= set(statuses)
        bootstrap = statuses["kafka"].address
        assert len(bootstrap.split(",")) == 3
        worker_topics = ["assessment-g1-records-changelog", "assessment-g1-__assignor-__leader"]
        for topic in ["cycle.training", *worker_topics]:
            assert asyncio.run(replicas_and_in_sync(bootstrap, topic)) == {(3, 3)}, topic

        killed = statuses["kafka-2"]
        assert killed.pid is not None
        os.kill(killed.pid, signal.SIGKILL)
        assert wait_gone(killed.pid, 10)
        after = {s.name: s.health for s in supervisor.status()}
        assert after["kafka-2"] is Health.STOPPED
        assert after["kafka"] is Health.HEALTHY, "the cluster still serves"
        assert http_healthy(statuses["training"].address)

        restarted = supervisor.start_component(Component("kafka-2", Kind.KAFKA), Quiet(), timeout=120)
        assert restarted.health is Health.HEALTHY
        assert restarted.address == killed.address
        pids = [s.pid for s in supervisor.status() if s.pid]
    finally:
        supervisor.down(timeout=20)
    assert not [pid for pid in pids if alive(pid)]
