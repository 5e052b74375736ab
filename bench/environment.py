"""Where a benchmark run happens: one broker and one database (started for the run, or given), the machine they
run on, and the topic namespace and schema suffix that keep each measurement's data apart."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import asyncpg

from services.assessment.settings import AssessmentSettings
from shared.config import ServiceSettings
from shared.infra.kafka_local import LocalKafka, ensure_kafka_jars
from shared.infra.postgres_local import LocalPostgres
from shared.persistence.database import drop_schema

PARTITIONS = 12  # the product's CYCLE_TOPIC_PARTITIONS default
# The guards against abuse would otherwise bound what is measured: 6,000 requests a minute per client, 1 MiB
# bodies (an import of 2,000 applications is about 1.1 MB) and 30 s per request (a slow import of thousands).
GUARDS_RAISED = {
    "CYCLE_RATE_LIMIT": "100000/second",
    "CYCLE_MAX_BODY_BYTES": str(64 * 2**20),
    "CYCLE_REQUEST_TIMEOUT_SECONDS": "900",
}


@dataclass(frozen=True)
class Machine:
    cores: int
    memory_gib: float
    cpu: str
    python: str
    kafka: str
    postgres: str

    def describe(self) -> str:
        return (
            f"{self.cores} cores ({self.cpu}), {self.memory_gib:.0f} GiB, Python {self.python}, "
            f"Kafka {self.kafka} (single KRaft node), PostgreSQL {self.postgres}"
        )


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def kafka_version(libdir: Path) -> str:
    found = [re.match(r"kafka-clients-(.+)\.jar$", jar.name) for jar in libdir.glob("kafka-clients-*.jar")]
    return next((match.group(1) for match in found if match), "unknown")


async def postgres_version(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


@dataclass(frozen=True)
class BenchEnv:
    bootstrap: str
    dsn: str
    libdir: Path
    workdir: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    partitions: int = PARTITIONS

    @property
    def cpu_count(self) -> int:
        return os.cpu_count() or 1

    def namespace(self, name: str) -> str:
        return f"b{self.run_id}.{name}."

    def suffix(self, name: str) -> str:
        return f"_b{self.run_id}_{name}"

    def settings(self, name: str) -> ServiceSettings:
        return ServiceSettings(
            KAFKA_BOOTSTRAP_SERVERS=self.bootstrap,
            DATABASE_URL=self.dsn,
            CYCLE_TOPIC_NAMESPACE=self.namespace(name),
            CYCLE_TOPIC_PARTITIONS=self.partitions,
            CYCLE_SCHEMA_SUFFIX=self.suffix(name),
            CYCLE_LOG_LEVEL="warning",
        )

    def environ(self, name: str) -> dict[str, str]:
        """The environment a service process of measurement `name` reads its settings from."""
        settings = self.settings(name)
        return {
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "DATABASE_URL": settings.database_url,
            "CYCLE_TOPIC_NAMESPACE": settings.topic_namespace,
            "CYCLE_TOPIC_PARTITIONS": str(settings.topic_partitions),
            "CYCLE_SCHEMA_SUFFIX": settings.schema_suffix,
            "CYCLE_LOG_LEVEL": "warning",
            **GUARDS_RAISED,
        }

    def assessment(
        self, name: str, generation: str = "g1", business_date: date | None = None, flush_seconds: float | None = None
    ) -> AssessmentSettings:
        base = self.settings(name)
        settings = AssessmentSettings(
            KAFKA_BOOTSTRAP_SERVERS=base.kafka_bootstrap_servers,
            DATABASE_URL=base.database_url,
            CYCLE_TOPIC_NAMESPACE=base.topic_namespace,
            CYCLE_TOPIC_PARTITIONS=base.topic_partitions,
            CYCLE_SCHEMA_SUFFIX=base.schema_suffix,
            CYCLE_LOG_LEVEL="warning",
            ASSESSMENT_GENERATION=generation,
            ASSESSMENT_BUSINESS_DATE=business_date,
            ASSESSMENT_DATA_DIR=self.workdir / "assessment-data",
        )
        return settings if flush_seconds is None else settings.model_copy(update={"flush_seconds": flush_seconds})

    def logs(self, name: str) -> Path:
        return self.workdir / "logs" / name

    async def drop_run_schemas(self) -> None:
        """Every schema this run created (each ends in one of its measurements' suffixes)."""
        conn = await asyncpg.connect(self.dsn)
        try:
            pattern = f"%\\_b{self.run_id}\\_%"
            names = await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", pattern)
        finally:
            await conn.close()
        for row in names:
            await drop_schema(self.dsn, row["nspname"])

    async def machine(self) -> Machine:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        return Machine(
            os.cpu_count() or 1,
            memory,
            _cpu_model(),
            platform.python_version(),
            kafka_version(self.libdir),
            await postgres_version(self.dsn),
        )


@contextlib.contextmanager
def bench_environment(workdir: Path) -> Iterator[BenchEnv]:
    """One broker and one database of our own for the whole run (their data in a temporary directory), stopped at
    the end; logs and profiles go to `workdir`. BENCH_EXTERNAL=1 uses KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL
    instead (the numbers are then only as good as that broker's quiet)."""
    libdir = ensure_kafka_jars()
    workdir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("BENCH_EXTERNAL") == "1":
        yield BenchEnv(os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"], libdir, workdir)
        return
    with contextlib.ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cycle-bench-")))
        broker, database = LocalKafka(data / "kafka", libdir=libdir), LocalPostgres(data / "postgres")
        stack.callback(database.stop)
        stack.callback(broker.stop)
        bootstrap, dsn = broker.start(), database.start()
        yield BenchEnv(bootstrap, dsn, libdir, workdir)
