"""Where the tests' broker and database come from: the environment, else Docker, else local processes.

Decided once per session. Every provider is torn down in `finally`, also when tests fail.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from shared.infra.kafka_local import LocalKafka
from shared.infra.postgres_local import LocalPostgres


class Broker(Protocol):
    @property
    def bootstrap(self) -> str: ...
    def start(self) -> str: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class Infrastructure:
    bootstrap: str
    database_url: str
    provider: str
    local_broker: LocalKafka | None


def docker_answers() -> bool:
    if not os.environ.get("DOCKER_HOST") and not Path("/var/run/docker.sock").exists():
        return False
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # any failure to reach the engine means "no Docker"
        return False


@contextlib.contextmanager
def _from_docker() -> Iterator[tuple[str, str]]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.postgres import PostgresContainer

    kafka = (
        DockerContainer("apache/kafka:4.1.1")
        .with_bind_ports(9092, 19092)
        .with_env("KAFKA_NODE_ID", "1")
        .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
        .with_env("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
        .with_env("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://127.0.0.1:19092")
        .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
        .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
    )
    with PostgresContainer("postgres:18", driver=None) as postgres, kafka:
        yield "127.0.0.1:19092", postgres.get_connection_url()


@contextlib.contextmanager
def _local(workdir: Path, bootstrap: str | None, database_url: str | None) -> Iterator[Infrastructure]:
    broker = None if bootstrap else LocalKafka(workdir / "kafka")
    database = None if database_url else LocalPostgres(workdir / "postgres")
    try:
        bootstrap = bootstrap or broker.start()  # type: ignore[union-attr]
        database_url = database_url or database.start()  # type: ignore[union-attr]
        yield Infrastructure(bootstrap, database_url, "local", broker)
    finally:
        if broker is not None:
            broker.stop()
        if database is not None:
            database.stop()


@contextlib.contextmanager
def infrastructure(workdir: Path) -> Iterator[Infrastructure]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    database_url = os.environ.get("DATABASE_URL")
    if bootstrap and database_url:
        yield Infrastructure(bootstrap, database_url, "environment", None)
    elif not (bootstrap or database_url) and docker_answers():
        with _from_docker() as (docker_bootstrap, docker_database):
            yield Infrastructure(docker_bootstrap, docker_database, "docker", None)
    else:
        with _local(workdir, bootstrap, database_url) as local:
            yield local
