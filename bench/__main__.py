"""Run the benchmarks on a local broker and database and write bench/RESULTS.md.

Throughput is reported as a ratio of the anchors measured in the same run, since absolute numbers depend on
the machine. Sizes can be raised with BENCH_EVENTS.
"""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.anchors import aiokafka_loop, kafka_producer_perf
from bench.pipeline import measure
from bench.scale import measure as measure_scale
from shared.infra.kafka_local import LocalKafka, ensure_kafka_jars
from shared.infra.postgres_local import LocalPostgres
from shared.messaging.topics import ensure_topics

EVENTS = int(os.environ.get("BENCH_EVENTS", "20000"))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "100000"))
RESULTS = Path(__file__).parent / "RESULTS.md"
console = Console()


def machine() -> str:
    cpus = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {cpus} cores, {memory:.0f} GiB, Python {platform.python_version()}, Linux"


async def run(bootstrap: str, dsn: str, libdir: Path) -> list[tuple[str, float]]:
    namespace = "bench."
    await ensure_topics(bootstrap, ["bench.anchor"], 12)
    perf_tool = kafka_producer_perf(libdir, bootstrap, "bench.anchor", EVENTS * 5)
    raw_loop = await aiokafka_loop(bootstrap, "bench.anchor", EVENTS)
    ours_single = await measure(bootstrap, dsn, namespace, EVENTS // 4, per_transaction=1)
    ours_batched = await measure(bootstrap, dsn, namespace + "b.", EVENTS, per_transaction=100)
    return [
        ("anchor: Kafka ProducerPerformance (acks=all, idempotent)", perf_tool),
        ("anchor: raw aiokafka producer loop (same settings as relay)", raw_loop),
        ("outbox write, 1 event per transaction", ours_single["outbox_write"]),
        ("outbox write, 100 events per transaction", ours_batched["outbox_write"]),
        ("relay: outbox -> Kafka, in order, marked sent", ours_batched["relay_publish"]),
        ("idempotent consumer: Kafka -> PostgreSQL record", ours_batched["idempotent_consume"]),
    ]


def report(rows: list[tuple[str, float]], scale: dict[str, float]) -> str:
    raw = rows[1][1]
    perf = rows[0][1]
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; local single-node Kafka 4.1.1 (KRaft) and",
        f"PostgreSQL 18 (fsync off), {EVENTS} events of ~300 bytes. Ratios are against the anchors of the same run.",
        "",
        "| measurement | events/s | ÷ raw aiokafka | ÷ Kafka perf tool |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {rate:,.0f} | {rate / raw:.3f} | {rate / perf:.3f} |" for name, rate in rows]
    lines += [
        "",
        "## The simulator at scale",
        "",
        f"`scaled_programme({scale['students']:,.0f})`: {scale['facts']:,.0f} facts generated in"
        f" {scale['generate_s']:.1f} s; its ground truth in {scale['truth_s']:.1f} s;"
        f" peak resident memory of the bench process {scale['peak_mib']:,.0f} MiB.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    libdir = ensure_kafka_jars()
    with tempfile.TemporaryDirectory(prefix="cycle-bench-") as workdir:
        broker, database = LocalKafka(Path(workdir) / "kafka"), LocalPostgres(Path(workdir) / "postgres")
        try:
            bootstrap, dsn = broker.start(), database.start()
            with console.status("Benchmarking…"):
                rows = asyncio.run(run(bootstrap, dsn, libdir))
        finally:
            broker.stop()
            database.stop()
    table = Table("measurement", "events/s", "÷ raw aiokafka", "÷ Kafka perf tool")
    for name, rate in rows:
        table.add_row(name, f"{rate:,.0f}", f"{rate / rows[1][1]:.3f}", f"{rate / rows[0][1]:.3f}")
    console.print(table)
    with console.status(f"Generating a {STUDENTS:,}-student programme and its ground truth…"):
        scale = measure_scale(STUDENTS)
    console.print(scale)
    RESULTS.write_text(report(rows, scale))
    console.print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
