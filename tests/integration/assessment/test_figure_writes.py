"""A flush's figures are written and removed set-based; what a reader finds is every figure moved, each once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from services.assessment.metrics.figures import Figure
from services.assessment.runtime import partition_of
from services.assessment.store import AssessmentStore, FlushBatch, LiveRead, Written
from shared.config import ServiceSettings


def figure(scope: str, bucket: str, metric: str, value: str | None, final: bool = False) -> Figure:
    number = None if value is None else Decimal(value)
    return Figure(scope, "class", bucket, metric, 2, number, Decimal(3) if value else None, number, final,
                  date(2026, 6, 30))  # fmt: skip


async def test_a_flush_writes_changed_figures_updates_kept_ones_and_removes_gone_ones(
    assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    owner, partitions = uuid4().hex, service_settings.topic_partitions
    await assessment_store.claim("g1", owner, 1, range(partitions))
    scope, other = f"partnership:{uuid4()}", f"partnership:{uuid4()}"

    async def flush(batch: FlushBatch) -> None:
        await assessment_store.write_flush("g1", owner, batch, lambda pid: partition_of(pid, partitions))

    first = [figure(scope, f"class-{n}", "placement_rate", f"0.{n}") for n in range(1, 6)]
    await flush(FlushBatch(figures=[*first, figure(other, "class-1", "placement_rate", "0.5")]))
    moved = figure(scope, "class-2", "placement_rate", "0.9", final=True)
    await flush(
        FlushBatch(figures=[moved, figure(scope, "class-6", "recruited", None)], removed=[first[0].key, first[4].key])
    )

    found = {f.key: f.reading for f in await assessment_store.figures("g1", scope)}
    expected = [moved, first[2], first[3], figure(scope, "class-6", "recruited", None)]
    assert found == {f.key: f.reading for f in expected}
    assert len(await assessment_store.figures("g1", other)) == 1, "another scope's figure with the same cell stays"


async def test_a_live_tally_read_earlier_does_not_replace_one_read_later_and_another_owners_is_not_written(
    assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    owner, partitions = uuid4().hex, service_settings.topic_partitions
    await assessment_store.claim("g1", owner, 1, range(partitions - 1))
    mine = next(pid for pid in iter(uuid4, None) if partition_of(pid, partitions) < partitions - 1)
    theirs = next(pid for pid in iter(uuid4, None) if partition_of(pid, partitions) == partitions - 1)
    day, read = date(2026, 6, 30), datetime(2026, 6, 30, 12, tzinfo=UTC)

    async def live(scope: str, packed: bytes, read_at: datetime) -> None:
        batch = FlushBatch(tallies=[(scope, 1, day, packed)], progress={("t", 0): 5}, read_at=read_at)
        await assessment_store.write_live("g1", owner, batch, lambda pid: partition_of(pid, partitions))

    await live(f"partnership:{mine}", b"later", read)
    await live(f"partnership:{mine}", b"earlier", read - timedelta(milliseconds=1))
    await live(f"partnership:{theirs}", b"not mine", read)

    assert await assessment_store.live_tallies("g1", f"partnership:{mine}") == [(1, day, b"later")]
    assert await assessment_store.live_tallies("g1", f"partnership:{theirs}") == []
    assert await assessment_store.live_progress("g1") == {("t", 0): 5}


async def test_two_live_writes_of_the_same_new_scopes_in_opposite_orders_both_commit(
    assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    """A flush's live write and the live timer's can hold the same scopes, read in two orders: their inserts
    deadlocked (PostgreSQL aborted one, and the worker with it) until every write took its scopes in key order."""
    owner, partitions = uuid4().hex, service_settings.topic_partitions
    await assessment_store.claim("g1", owner, 1, range(partitions))
    day, read = date(2026, 6, 30), datetime(2026, 6, 30, 12, tzinfo=UTC)

    def mine(pid: UUID) -> int:
        return partition_of(pid, partitions)

    for _ in range(5):
        scopes = [(f"partnership:{uuid4()}", version) for _ in range(300) for version in (1, 2)]
        forward = [(scope, version, day, b"forward") for scope, version in scopes]
        backward = [(scope, version, day, b"backward") for scope, version in reversed(scopes)]
        await asyncio.gather(
            assessment_store.write_live("g1", owner, FlushBatch(tallies=forward, read_at=read), mine),
            assessment_store.write_live("g1", owner, FlushBatch(tallies=backward, read_at=read), mine),
        )
        for scope, _ in scopes[:3]:
            assert {tally for _, _, tally in await assessment_store.live_tallies("g1", scope)} in (
                {b"forward"},
                {b"backward"},
            ), "each scope is one write's, whole"


async def test_a_scope_s_rows_carry_the_transaction_that_last_wrote_them_and_a_kept_answer_of_it_skips_the_rows(
    assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    owner, partitions = uuid4().hex, service_settings.topic_partitions
    await assessment_store.claim("g1", owner, 1, range(partitions))
    pid, other_pid = uuid4(), uuid4()
    scope, other = f"partnership:{pid}", f"partnership:{other_pid}"

    async def flush(batch: FlushBatch) -> None:
        await assessment_store.write_flush("g1", owner, batch, lambda p: partition_of(p, partitions))

    async def live(of: UUID, kept: Written | None = None) -> LiveRead:
        return await assessment_store.live_answer("g1", f"partnership:{of}", partition_of(of, partitions), kept=kept)

    assert (await live(pid)).written is None, "no write recorded: nothing to keep an answer by"
    first = [figure(scope, f"class-{n}", "placement_rate", f"0.{n}") for n in range(1, 4)]
    await flush(FlushBatch(figures=[*first, figure(other, "class-1", "placement_rate", "0.5")]))
    read = await live(pid)
    assert rows_read(read) == 3
    kept = await live(pid, read.stamp)
    assert (rows_read(kept), kept.written) == (None, read.written), "unchanged since: the kept answer stands"
    other_written = (await live(other_pid)).written

    await flush(FlushBatch(removed=[first[0].key]))
    after = await live(pid, read.stamp)
    assert rows_read(after) == 2, "a removal is a write: the rows are read again"
    assert (after.written or 0) > (read.written or 0) > 0
    assert (await live(other_pid)).written == other_written, "a scope the flush did not write keeps its write"

    await flush(FlushBatch(figures=[figure(scope, "class-2", "placement_rate", "0.9")]))
    moved = await live(pid, after.stamp)
    assert (rows_read(moved), moved.written != after.written) == (2, True), "an update is a write"
    assert rows_read(await live(pid, ("another generation", moved.written or 0))) == 2, "kept in another generation"


def rows_read(read: LiveRead) -> int | None:
    return None if read.rows is None else len(read.rows)
