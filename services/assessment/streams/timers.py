"""The flush timer: publish and store what changed since the last flush (see `Assessor.flush`).

A flush costs what changed since the last one (the figures of every partnership touched), not the events read, so
flushing at a fixed interval while the worker is behind spends most of its time re-publishing figures that the next
flush moves again. The timer ticks often and flushes when `FlushPace` says so: never sooner than
ASSESSMENT_FLUSH_SECONDS after the last flush, nor before the worker has read for nine times as long as that flush
took (at most a tenth of its time goes to flushing figures rows while records arrive, whether it is behind or not:
at 1,000 events/s over a hundred partnerships, each flush re-rendered nearly every cell, took 0.4 s, and flushing
every second left the worker too little of its time to keep up); once records stop arriving it flushes at the
minimum interval, so the end of a rebuild is written at once. Under such a load the figures rows follow a few
seconds behind.

Live answers do not wait for that flush: every ASSESSMENT_LIVE_SECONDS, counted from the start of the last one (from
its end, live flushes of about 0.1 s were 0.33 s apart at 1,000 events/s), the live flush writes the tallies of the
scopes changed since (a packed tally a scope and metric version, where the flush writes a row a figure) with how far
they count, paced like the flush only while the worker is behind (a quarter of its time at most), and the API
renders a live answer from them. A flush writes them first, in a transaction of its own. Figures rows,
FiguresChanged, alerts and roll-up parts (and so a roll-up's live answer) follow at the flush's pace. A worker is
behind when more records wait for it (the high-water marks of its partitions, less what it has read) than it read
since its last flush.

A worker must either make progress or leave the group (issue 13): one that holds partitions in the group while
PostgreSQL says another worker owns them flushes nothing for them. If that lasts longer than a session timeout, it
stops, so that the group rebalances and a fresh recovery claims the partitions again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from services.assessment.streams.app import Worker
from services.assessment.streams.memory import give_back
from services.assessment.streams.recovery import rebuild_engine
from shared.observability.task_dump import install_task_dump

log = structlog.get_logger(__name__)
PROGRESS_EVERY_SECONDS = 15.0
TICK_SECONDS = 0.05
FLUSHING_SHARE = 0.25  # the live flush's, while the worker is behind
FIGURES_SHARE = 0.1  # the flush's, behind or not


class FencedOut(RuntimeError):
    """This worker holds partitions in the consumer group that another worker owns in PostgreSQL."""


@dataclass
class FenceWatch:
    since: float | None = None

    def fenced_for(self, fenced: set[int], now: float) -> float:
        """How long `fenced` has been non-empty, over consecutive flushes."""
        if not fenced:
            self.since = None
            return 0.0
        if self.since is None:
            self.since = now
            log.warning("assessment_fenced_out", partitions=sorted(fenced))
        return now - self.since


@dataclass
class FlushPace:
    """When the next flush is due: `minimum` seconds after the last one ended (after it started, for a `cadence`),
    and not before the worker has read for long enough that flushing takes at most `share` of its time while it is
    `behind`, `steady_share` while it keeps up with records still arriving (`flowing`). Once they stop (the end of a
    rebuild), it flushes at the minimum."""

    minimum: float
    share: float = FLUSHING_SHARE
    steady_share: float = 1.0
    cadence: bool = False
    started: float = float("-inf")
    ended: float = float("-inf")
    took: float = 0.0
    read_at_start: int = 0  # records the worker had read when the last flush started
    written_at_start: int = 0  # records written to its partitions then

    def due(self, now: float, behind: bool, flowing: bool = False) -> bool:
        waited = now - self.ended
        share = self.share if behind else self.steady_share if flowing else 1.0
        return self._interval_passed(now) and waited >= self.took * (1 - share) / share

    def _interval_passed(self, now: float) -> bool:
        return now - (self.started if self.cadence else self.ended) >= self.minimum

    def starts(self, now: float, read: int, waiting: Callable[[], int], written: Callable[[], int] = lambda: 0) -> bool:
        """Whether a flush starts now, the worker having read `read` records with `waiting()` more to read and
        `written()` written to its partitions so far (asked only once the minimum interval has passed: the timers
        tick every 50 ms)."""
        if not self._interval_passed(now):
            return False
        arrived = written()
        if not self.due(now, waiting() > read - self.read_at_start, arrived > self.written_at_start):
            return False
        self.read_at_start, self.written_at_start = read, arrived
        return True

    def flushed(self, started: float, ended: float) -> None:
        self.started, self.ended, self.took = started, ended, ended - started


def add_flush_timer(worker: Worker) -> None:
    watch = FenceWatch()
    pace = FlushPace(worker.settings.flush_seconds, share=FIGURES_SHARE, steady_share=FIGURES_SHARE)
    reported = [time.monotonic()]

    @worker.app.timer(min(TICK_SECONDS, worker.settings.flush_seconds), name="flush")  # type: ignore[untyped-decorator]
    async def flush() -> None:
        assessor = worker.assessor
        if assessor is None or worker.app.rebalancing:
            return
        if not pace.starts(time.monotonic(), assessor.read, lambda: backlog(worker), lambda: written(worker)):
            return
        started = time.monotonic()
        if {tp.partition for tp in worker.assigned()} != assessor.partitions:
            await rebuild_engine(worker)  # the group moved partitions and no recovery callback told us
        moved = await assessor.flush()
        pace.flushed(started, time.monotonic())
        give_back(moved)
        if time.monotonic() - reported[0] >= PROGRESS_EVERY_SECONDS:
            reported[0] = time.monotonic()
            log.info("assessment_progress", **assessor.progress(), last_flush_seconds=round(pace.took, 3))
        if watch.fenced_for(assessor.fenced, time.monotonic()) > worker.settings.session_timeout_seconds:
            await worker.app.crash(FencedOut(f"partitions {sorted(assessor.fenced)} are owned by another worker"))


def add_live_timer(worker: Worker) -> None:
    pace = FlushPace(worker.settings.live_seconds, cadence=True)

    @worker.app.timer(min(TICK_SECONDS, worker.settings.live_seconds), name="live")  # type: ignore[untyped-decorator]
    async def live() -> None:
        assessor = worker.assessor
        if assessor is None or worker.app.rebalancing:
            return
        if {tp.partition for tp in worker.assigned()} != assessor.partitions:
            return  # the flush timer sees to a recovery
        if not pace.starts(time.monotonic(), assessor.read, lambda: backlog(worker)):
            return
        started = time.monotonic()
        await assessor.flush_live()
        pace.flushed(started, time.monotonic())


def backlog(worker: Worker) -> int:
    """Records of this worker's partitions it has not read yet, as far as its last fetches tell."""
    assessor, consumer, waiting = worker.assessor, worker.app.consumer, 0
    for tp in worker.assigned():
        end = consumer.highwater(tp)
        read = assessor.next_offset(tp.topic, tp.partition) if assessor is not None else None
        if end is not None and read is not None:
            waiting += max(0, end - read)
    return waiting


def written(worker: Worker) -> int:
    """Records the stages wrote to this worker's partitions so far (their high-water marks), as far as its fetches
    tell; the roll-up topic left out, which the workers' own flushes write."""
    consumer, rollups = worker.app.consumer, worker.settings.rollup_topic
    return sum(end for tp in worker.assigned() if tp.topic != rollups and (end := consumer.highwater(tp)) is not None)


def add_task_dump(worker: Worker) -> None:
    @worker.app.task  # type: ignore[untyped-decorator]
    async def listen_for_task_dumps() -> None:
        install_task_dump(asyncio.get_running_loop(), lambda: consumer_state(worker))


def consumer_state(worker: Worker) -> dict[str, object]:
    """What faust's consumer is doing, for the task dump: a partition assigned but not active is not fetched."""
    consumer, app = worker.app.consumer, worker.app

    def names(tps: object) -> list[str]:
        return sorted(f"{tp.topic}-{tp.partition}" for tp in (tps or set()))  # type: ignore[attr-defined]

    return {
        "assigned": names(consumer.assignment()),
        "active": names(getattr(consumer, "_active_partitions", None)),
        "paused": names(getattr(consumer, "_paused_partitions", None)),
        "flow_active": getattr(consumer, "flow_active", None),
        "rebalancing": app.rebalancing,
        "in_recovery": app.in_recovery,
        "generation": app.consumer_generation_id,
    }
