"""A process that computes as-of figures in two processes of its own, prints their pids and waits to be killed
(tests/reliability/assessment/test_compute_processes.py)."""

from __future__ import annotations

import asyncio
import json
import sys

from services.assessment.computing import Computers
from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from tests.unit.assessment.scope_fixtures import DAYS, programme


async def main() -> None:
    made, pool = programme(), Computers(2)
    rows = sorted((r.key.encode(), r.pack()) for r in made.records)
    await pool.figures(rows, made.parent, AsOf.of(DAYS[-1]), list(VERSIONS), True)
    sys.stdout.write(json.dumps(pool.pids()) + "\n")
    sys.stdout.flush()
    sys.stdin.read()  # until killed


if __name__ == "__main__":
    asyncio.run(main())
