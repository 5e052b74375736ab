"""Anchors: Kafka's own producer perf tool, and a raw aiokafka producer loop with the same settings as our relay."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

from shared.messaging.relay import idempotent_producer

RECORD = b"x" * 300


def kafka_producer_perf(libdir: Path, bootstrap: str, topic: str, records: int) -> float:
    """records/s reported by org.apache.kafka.tools.ProducerPerformance (acks=all, idempotent)."""
    command = [
        "java", "-Xmx256m", "-cp", f"{libdir}/*", "org.apache.kafka.tools.ProducerPerformance",
        "--topic", topic, "--num-records", str(records), "--record-size", str(len(RECORD)), "--throughput", "-1",
        "--producer-props", f"bootstrap.servers={bootstrap}", "acks=all", "enable.idempotence=true", "linger.ms=5",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600).stdout
    final = output.strip().splitlines()[-1]
    match = re.search(r"([\d.]+) records/sec", final)
    if match is None:
        raise RuntimeError(f"unexpected ProducerPerformance output: {final}")
    return float(match.group(1))


async def aiokafka_loop(bootstrap: str, topic: str, records: int) -> float:
    """records/s of a plain aiokafka loop: send everything, then wait for every acknowledgement."""
    producer = idempotent_producer(bootstrap)
    await producer.start()
    try:
        started = time.perf_counter()
        pending = [await producer.send(topic, key=str(i % 64).encode(), value=RECORD) for i in range(records)]
        for future in pending:
            await future
        return records / (time.perf_counter() - started)
    finally:
        await producer.stop()
