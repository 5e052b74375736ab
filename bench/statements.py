"""Statements per imported fact: figure (1)'s bulk import counted rather than timed, so that a change to the bulk path
can be judged on a machine too busy for its rates to mean much.

    BENCH_EXTERNAL=1 python -m bench.statements [facts]

The recruitment service runs in this process (under uvicorn, as the benchmark runs it), every call of asyncpg's
query methods is counted, and the benchmark's applications are imported twice: accepted, then duplicates.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import structlog
import uvicorn
from rich.console import Console

from bench import load
from bench.credentials import operator
from bench.environment import bench_environment
from bench.ingest import application, imported, setup_facts
from bench.workload import Workload
from services.recruitment.app import create_app
from shared.config import ServiceSettings
from shared.infra.net import listening_socket, port_of

NAME = "statements"
QUERIES = ("execute", "executemany", "fetch", "fetchrow", "fetchval")
WORKDIR = Path(__file__).resolve().parents[1] / ".run" / "bench-statements"
console = Console()


def counting(calls: Counter[str]) -> Callable[[], None]:
    """Counts every call of asyncpg's query methods into `calls`; the returned function stops counting."""
    originals = {name: getattr(asyncpg.Connection, name) for name in QUERIES}

    def counted(name: str) -> Any:
        def call(self: asyncpg.Connection, *args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return originals[name](self, *args, **kwargs)

        return call

    def stop() -> None:
        for name, original in originals.items():
            setattr(asyncpg.Connection, name, original)

    for name in QUERIES:
        setattr(asyncpg.Connection, name, counted(name))
    return stop


async def _imported(http: Any, facts: list[dict[str, Any]], calls: Counter[str]) -> tuple[dict[str, Any], int]:
    calls.clear()
    answer = await http.post("/admin/import", json={"facts": facts})
    answer.raise_for_status()
    return answer.json(), sum(calls.values())


async def measure(settings: ServiceSettings, facts: int) -> tuple[float, float]:
    """Statements per accepted fact and per duplicate."""
    sock = listening_socket()
    port = port_of(sock)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    calls: Counter[str] = Counter()
    stop = counting(calls)
    try:
        while not server.started:
            await asyncio.sleep(0.1)
        workload, recorded = Workload(seed=12), datetime.now(UTC) - timedelta(days=1)
        setup, classes = setup_facts(workload, recorded - timedelta(hours=1))
        bodies = [application(n, classes[n % len(classes)], workload) for n in range(facts)]
        async with (
            operator(settings, "bench-statements") as credential,
            load.client(f"http://127.0.0.1:{port}", 1, credential) as http,
        ):
            await _imported(http, setup, calls)
            first, accepted = await _imported(http, imported(bodies, recorded, 0), calls)
            again, duplicates = await _imported(http, imported(bodies, recorded, 0), calls)
        if (first["accepted"], again["duplicate"]) != (facts, facts):
            raise RuntimeError(f"expected {facts} accepted, then duplicates: {first['accepted']}, {again['duplicate']}")
        return accepted / facts, duplicates / facts
    finally:
        stop()
        server.should_exit = True
        await serving
        sock.close()


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    facts = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    with bench_environment(WORKDIR) as env:
        accepted, duplicate = asyncio.run(measure(env.settings(NAME), facts))
        asyncio.run(env.drop_run_schemas())
    console.print(f"statements per imported application: {accepted:.2f} accepted, {duplicate:.2f} duplicate")


if __name__ == "__main__":
    main()
