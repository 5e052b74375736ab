"""As-of figures computed from stored records, in processes of their own when there are several (issue 12).

A roll-up of a thousand students, or a partnership of two thousand, is hundreds of milliseconds of the metrics'
Python. In a thread of the API it holds the interpreter's lock while live answers wait for it, and it runs on one
core. With `processes`, the scope's units are split over that many processes (`scope.Part`), each process computes
its part's tally of every metric version from the same records, and the caller adds the parts up and renders them.
Tallies pool by addition, so the figures are those of one computation (tests/integration/assessment/
test_computing.py).

The processes start with the API (`start`; otherwise with the first computation that needs them), each from a fresh
interpreter (spawn: nothing of the API's sockets or event loop is copied), and stop with the process that started
them: at its `close`, or at once when it is killed (PR_SET_PDEATHSIG). A process lost meanwhile (killed, out of
memory) fails the computation it was part of, which is then made in a thread, and the processes are started again
for the next one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from uuid import UUID

import structlog

from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure, render
from services.assessment.metrics.scope import WHOLE, Part, add_part, group, rollup_tally
from services.assessment.metrics.tally import Tally
from services.assessment.records import Record, RecordKey
from shared.infra.parent import stop_with_parent

log = structlog.get_logger(__name__)
Stored = tuple[bytes, bytes]  # a record's encoded key and packed body, as read (record_reads.py)


def unpacked(rows: Iterable[Stored]) -> list[Record]:
    return [Record.unpack(RecordKey.decode(key), body) for key, body in rows]


def part_tallies(
    rows: Sequence[Stored], pid: UUID, as_of: AsOf, versions: Sequence[int], rollup: bool, part: Part = WHOLE
) -> list[Tally] | None:
    """The tally of `part` of the scope's units in each of `versions`: of the parent's roll-up, or of the
    partnership's figures (None: the records hold none of the partnership's)."""
    grouped = group(unpacked(rows))
    if rollup:
        return [_sent(rollup_tally(grouped, pid, as_of, version, part)) for version in versions]
    if pid not in grouped:
        return None
    tallies = [Tally() for _ in versions]
    for tally, version in zip(tallies, versions, strict=True):
        add_part(tally, grouped[pid], as_of, VERSIONS[version], part)
    return [_sent(tally) for tally in tallies]


def _sent(tally: Tally) -> Tally:
    tally.touched.clear()  # what a worker's flush renders again: nothing here, and nothing to copy back
    return tally


def rendered(
    parts: Sequence[list[Tally] | None], pid: UUID, as_of: AsOf, versions: Sequence[int], rollup: bool
) -> list[Figure]:
    """The figures of the scope, from the tallies of all its parts (`part_tallies`), version by version."""
    found = [tallies for tallies in parts if tallies is not None]
    if not found:
        return []
    scope = f"{'rollup' if rollup else 'partnership'}:{pid}"
    figures: list[Figure] = []
    for index, version in enumerate(versions):
        pooled = found[0][index]
        for tallies in found[1:]:
            pooled.merge(tallies[index])
        figures += render(pooled, scope, version, as_of.business_date)
    return figures


def computed(rows: Sequence[Stored], pid: UUID, as_of: AsOf, versions: Sequence[int], rollup: bool) -> list[Figure]:
    """The figures, computed here in one piece."""
    return rendered([part_tallies(rows, pid, as_of, versions, rollup)], pid, as_of, versions, rollup)


def _ready() -> None:
    """Nothing: the process has imported this module to run it."""


class Computers:
    """Where as-of figures are computed: `processes` processes, or a thread of the caller's when 0."""

    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def configure(self, processes: int) -> None:
        if processes != self.processes:
            self.close()
            self.processes = processes

    async def figures(
        self, rows: Sequence[Stored], pid: UUID, as_of: AsOf, versions: Sequence[int], rollup: bool
    ) -> list[Figure]:
        if self.processes < 1:
            return await asyncio.to_thread(computed, rows, pid, as_of, versions, rollup)
        loop, pool, count = asyncio.get_running_loop(), self._started(), self.processes
        try:
            parts = await asyncio.gather(
                *(
                    loop.run_in_executor(pool, part_tallies, rows, pid, as_of, versions, rollup, Part(index, count))
                    for index in range(count)
                )
            )
        except BrokenProcessPool:
            log.warning("as_of_processes_lost", processes=count)
            self.close(pool, wait=False)
            return await asyncio.to_thread(computed, rows, pid, as_of, versions, rollup)
        return rendered(parts, pid, as_of, versions, rollup)

    async def start(self) -> None:
        """Start the processes now, each ready to compute (its modules imported), rather than with the first answer
        that needs them (about a second later than its own time, on this machine)."""
        if self.processes < 1:
            return
        loop, pool = asyncio.get_running_loop(), self._started()
        try:
            await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(self.processes)))
        except BrokenProcessPool:
            log.warning("as_of_processes_lost", processes=self.processes)
            self.close(pool, wait=False)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=stop_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def pids(self) -> list[int]:
        """The processes running now (none before the first computation that needs them)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return [process.pid for process in processes.values() if process.is_alive()]

    def close(self, pool: ProcessPoolExecutor | None = None, *, wait: bool = True) -> None:
        """Stop the processes, waiting for them unless not `wait` (those of `pool` only, when given: a lost pool
        already replaced stays replaced)."""
        pool = pool or self._pool
        if pool is None:
            return
        if pool is self._pool:
            self._pool = None
        pool.shutdown(wait=wait, cancel_futures=True)


computers = Computers()  # this process's, configured by its composition root (the API's lifespan, close-day)
