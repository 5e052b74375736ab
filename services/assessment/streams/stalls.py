"""The stall watch: a worker that holds partitions with records it does not read either starts reading them again
or leaves the group (issue 13); one whose commits stay below what it read leaves it too.

Under load, a worker that joined a group at its second generation was seen holding its partitions for minutes with
records waiting and none delivered, its fetch loop idle and every partition active. Whatever faust's fetcher lost,
seeking the partitions again makes it fetch; if that does not help either, the worker crashes, so that the group
rebalances and another worker (or this one, restarted) reads them.

faust commits a partition only up to its first offset nothing acknowledged. A record it dropped and nobody read
again holds the commit there for good while the worker reads on: the group's lag grows, and a restart would read
everything since again. A worker whose commits stay below what it read for `COMMIT_PATIENCE_SECONDS` leaves the
group the same way, and its successor reads from the commit (applying a record twice changes nothing). So does one
that stays in a rebalance or a recovery for `RECOVERY_PATIENCE_SECONDS` without reading a changelog record.

A recovery stalls the same way: faust seeks the changelog partitions it restores and waits for their records, and a
worker that rejoined its group at the second generation was seen waiting with records left in a changelog and none
fetched, until the recovery patience made it leave (2 of 25 two-worker bench runs under load, minutes each).
Seeking those changelog partitions again after the stream patience makes it fetch them.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import structlog
from faust.types import TP

from services.assessment.streams.app import Worker

log = structlog.get_logger(__name__)
CHECK_EVERY_SECONDS = 5.0
COMMIT_PATIENCE_SECONDS = 60.0  # a commit waits for the broker: one restarted is back in seconds
RECOVERY_PATIENCE_SECONDS = 300.0  # a recovery that reads nothing of its changelogs for this long is stuck


class Stalled(RuntimeError):
    """This worker holds partitions with records waiting and read none of them, even after seeking them again, or
    it read records its commits never reach."""


class Verdict(enum.Enum):
    MOVING = "moving"
    WAITING = "waiting"
    SEEK_AGAIN = "seek again"
    LEAVE = "leave"


@dataclass
class StallWatch:
    """Decides from consecutive checks; `patience` is how long records may wait with nothing read."""

    patience: float
    since: float | None = None
    marker: int | None = None
    sought: bool = False

    def check(self, behind: bool, marker: int, now: float) -> Verdict:
        if not behind or marker != self.marker:
            self.since, self.marker, self.sought = (now if behind else None), marker, False
            return Verdict.MOVING
        if self.since is None:
            self.since = now
        if now - self.since < self.patience:
            return Verdict.WAITING
        self.since = now
        if not self.sought:
            self.sought = True
            return Verdict.SEEK_AGAIN
        return Verdict.LEAVE


def add_stall_watch(worker: Worker) -> None:
    watch = StallWatch(patience=max(10.0, worker.settings.session_timeout_seconds))
    commits = StallWatch(patience=COMMIT_PATIENCE_SECONDS / 2)
    recovering = StallWatch(patience=RECOVERY_PATIENCE_SECONDS / 2)
    restoring = StallWatch(patience=watch.patience)

    @worker.app.timer(CHECK_EVERY_SECONDS, name="stall-watch")  # type: ignore[untyped-decorator]
    async def stall_watch() -> None:
        assessor, now = worker.assessor, time.monotonic()
        if assessor is None or not assessor.ready or worker.app.rebalancing:
            watch.since = commits.since = None
            await _reseek_changelogs(worker, restoring, now)
            await _watch_recovery(worker, recovering, now)
            return
        recovering.since = restoring.since = None
        read = assessor.next_offsets()
        await _watch_commits(worker, commits, read, now)
        waiting = await waiting_records(worker, read)
        verdict = watch.check(bool(waiting.partitions), sum(read.values()), now)
        if verdict is Verdict.LEAVE and not waiting.certain:
            verdict = Verdict.SEEK_AGAIN  # one offset past the position may be a commit marker: never leave for it
        if verdict is Verdict.SEEK_AGAIN:
            log.warning("assessment_stalled_seeking_again", partitions=_names(waiting.partitions))
            await worker.app.consumer.seek_wait(waiting.partitions)
        elif verdict is Verdict.LEAVE:
            log.error("assessment_stalled_leaving", partitions=_names(waiting.partitions))
            await worker.app.crash(Stalled(f"no record read from {_names(waiting.partitions)}"))


async def _watch_recovery(worker: Worker, watch: StallWatch, now: float) -> None:
    """A worker given no partition has nothing to recover: it waits for good, and rightly."""
    recovery = cast(Any, worker.app.tables).recovery
    marker = sum(recovery.active_offsets.values()) + sum(recovery.standby_offsets.values())
    verdict = watch.check(bool(worker.assigned()), marker, now)
    reason = f"not ready for {RECOVERY_PATIENCE_SECONDS:.0f} s, no changelog record read"
    state = {"rebalancing": worker.app.rebalancing, "in_recovery": recovery.in_recovery}
    await _warn_then_leave(worker, verdict, "assessment_not_ready", reason, state)


async def _reseek_changelogs(worker: Worker, watch: StallWatch, now: float) -> None:
    """Seek the changelog partitions a recovery still waits for again, each time it reads none for the patience."""
    recovery = cast(Any, worker.app.tables).recovery
    remaining = changelogs_remaining(recovery.active_offsets, recovery.active_highwaters)
    verdict = watch.check(bool(remaining) and recovery.in_recovery, sum(recovery.active_offsets.values()), now)
    if verdict in (Verdict.SEEK_AGAIN, Verdict.LEAVE):  # leaving is `_watch_recovery`'s to decide
        log.warning("assessment_recovery_seeking_again", partitions=_names(remaining))
        await worker.app.consumer.seek_wait(remaining)


def changelogs_remaining(offsets: Mapping[TP, int | None], highwaters: Mapping[TP, int | None]) -> dict[TP, int]:
    """The changelog partitions with records a recovery has not read, each with the offset faust seeks it to (the
    last one read, as faust's own seek: one record read twice sets a table row again). faust counts both as the
    offset of a record, -1 for none."""
    remaining = {}
    for tp, highwater in highwaters.items():
        offset = offsets.get(tp)
        offset = -1 if offset is None else offset
        if highwater is not None and offset < highwater:
            remaining[tp] = max(offset, 0)
    return remaining


async def _watch_commits(worker: Worker, watch: StallWatch, read: dict[tuple[str, int], int], now: float) -> None:
    committed = faust_commits(worker)
    below = commits_below(worker.assigned(), committed, read)
    verdict = watch.check(bool(below), sum(committed.values()), now)
    reason = f"commits below the records read in {sorted(below)}"
    await _warn_then_leave(worker, verdict, "assessment_commits_behind", reason, {"partitions": below})


async def _warn_then_leave(worker: Worker, verdict: Verdict, event: str, reason: str, state: dict[str, object]) -> None:
    """A watch with nothing to try first: its first patience over is a warning (`event`), the second a crash
    (`event` + `_leaving`), so that the worker is restarted."""
    if verdict is Verdict.SEEK_AGAIN:
        log.warning(event, **state)
    elif verdict is Verdict.LEAVE:
        log.error(f"{event}_leaving", **state)
        await worker.app.crash(Stalled(reason))


def faust_commits(worker: Worker) -> dict[TP, int]:
    """The offsets faust committed (or last tried to) in this generation, by partition."""
    found = getattr(worker.app.consumer, "_committed_offset", {})
    return {tp: offset for tp, offset in found.items() if offset is not None}


def commits_below(assigned: set[TP], committed: dict[TP, int], read: dict[tuple[str, int], int]) -> dict[str, str]:
    """The assigned partitions committed below the next offset this worker reads ("committed < read")."""
    return {
        f"{tp.topic}-{tp.partition}": f"{committed[tp]} < {next_offset}"
        for tp in assigned
        if tp in committed and committed[tp] < (next_offset := read.get((tp.topic, tp.partition), 0))
    }


@dataclass(frozen=True)
class Waiting:
    """Partitions with offsets this worker has not read, each with the offset to read next; `certain` when one of
    them surely holds a record, not only an offset that may be a transaction's commit marker."""

    partitions: dict[TP, int]
    certain: bool


async def waiting_records(worker: Worker, read: dict[tuple[str, int], int]) -> Waiting:
    """The assigned partitions whose end is past what this worker read.

    One unread offset may be a commit marker (`cycle dlq replay` writes in a transaction), which no consumer is
    handed; the consumer's position past it does not tell a marker from a record faust fetched and dropped (the small
    chaos run lost four records so), so such a partition is sought again, but the worker never leaves for it.
    """
    assigned = worker.assigned()
    if not assigned:
        return Waiting({}, certain=False)
    ends = await worker.app.consumer.highwaters(*assigned)
    earliest: dict[TP, int] = {}
    never_read = [tp for tp in assigned if (tp.topic, tp.partition) not in read]
    if never_read:
        earliest = dict(await worker.app.consumer.earliest_offsets(*never_read))
    waiting, certain = {}, False
    for tp in assigned:
        next_offset = read.get((tp.topic, tp.partition), earliest.get(tp) or 0)
        unread = (ends.get(tp) or 0) - next_offset
        if unread > 0:
            waiting[tp] = next_offset
            certain = certain or unread > 1 or (await worker.app.consumer.position(tp) or 0) <= next_offset
    return Waiting(waiting, certain)


def _names(partitions: dict[TP, int]) -> list[str]:
    return sorted(f"{tp.topic}-{tp.partition}@{offset}" for tp, offset in partitions.items())
