"""PostgreSQL side of assessment (schema `assessment`): mirrored records, latest figures, progress, snapshots."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg

from services.assessment.closed_answers import forget_late
from services.assessment.figure_json import FigureRow
from services.assessment.lineage import parents_of
from services.assessment.metrics.figures import Figure
from services.assessment.record_reads import GENERATION_READ, backfill_parents
from services.assessment.records import Record, RecordKey
from shared.persistence.database import create_pool, migrate

MIGRATIONS = Path(__file__).parent / "migrations"
Reading = tuple[Decimal | None, Decimal | None, Decimal | None, bool]
FigureKey = tuple[str, str, str, str, int]
Ranked = tuple[str, float | None, float | None, float | None, bool]  # scope, numerator, denominator, value, final
Executor = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy
LiveTally = tuple[str, int, date, bytes]  # scope, metric version, business date, packed `Tally`
StoredTally = tuple[int, date, bytes]  # a scope's, as stored: metric version, business date, packed `Tally`
Written = tuple[str, int]  # a generation, and the transaction that last wrote a scope's figures rows in it
_CLAIM_HORIZON = "10 minutes"  # longer than any recovery, so longer than a stale claim can lag a fresh one
_WRITTEN = "UPDATE partition_owners SET written = written + 1 WHERE generation = $1 AND owner = $2"
_FIGURES_PER_STATEMENT = 5_000
_FIGURE_COLUMNS = "scope, version, dimension, bucket, metric, numerator, denominator, value, final, as_of"
_UPSERT_FIGURES = (
    f"INSERT INTO figures_latest (generation, {_FIGURE_COLUMNS})"
    " SELECT $1, scope, version, dimension, bucket, metric, numerator, denominator, value, final, as_of"
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[]::numeric[],"
    " $8::text[]::numeric[], $9::text[]::numeric[], $10::bool[], $11::date[])"
    " AS f (scope, dimension, bucket, metric, version, numerator, denominator, value, final, as_of)"
    " ON CONFLICT (generation, scope, version, dimension, bucket, metric) DO UPDATE SET"
    " numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, value = EXCLUDED.value,"
    " final = EXCLUDED.final, as_of = EXCLUDED.as_of, updated_at = now()"
)
# The generation queries read (the active one, else $1) and, in the same statement, a scope's tallies ($2, of version
# $3 or all) only while the live flush has counted more of its partition ($4) on some topic than the figures rows
# have (one row with no version when it has not), each row with the transaction that last wrote the scope's rows.
_TALLIES_AHEAD = (
    f"WITH g AS (SELECT {GENERATION_READ} AS generation)"
    " SELECT g.generation, t.version, t.as_of, t.tally,"
    " (SELECT w.written FROM figure_writes w WHERE w.generation = g.generation AND w.scope = $2) AS written"
    " FROM g LEFT JOIN live_tallies t"
    " ON t.generation = g.generation AND t.scope = $2 AND ($3::int IS NULL OR t.version = $3)"
    " AND EXISTS (SELECT 1 FROM live_progress l LEFT JOIN progress p"
    " ON p.generation = l.generation AND p.topic = l.topic AND p.partition = l.partition"
    " WHERE l.generation = g.generation AND l.partition = $4 AND l.next_offset > coalesce(p.next_offset, 0))"
    " ORDER BY t.version"
)
_WROTE_SCOPES = (
    "INSERT INTO figure_writes (generation, scope, written)"
    " SELECT $1, scope, pg_current_xact_id()::text::bigint FROM unnest($2::text[]) AS s (scope)"
    " ON CONFLICT (generation, scope) DO UPDATE SET written = EXCLUDED.written"
)
_UPSERT_TALLIES = (
    "INSERT INTO live_tallies (generation, read_at, scope, version, as_of, tally)"
    " SELECT $1, $2, scope, version, as_of, tally FROM unnest($3::text[], $4::int[], $5::date[], $6::bytea[])"
    " AS t (scope, version, as_of, tally)"
    " ON CONFLICT (generation, scope, version) DO UPDATE SET as_of = EXCLUDED.as_of, tally = EXCLUDED.tally,"
    " read_at = EXCLUDED.read_at, updated_at = now() WHERE live_tallies.read_at <= EXCLUDED.read_at"
)
# The latest figures of one scope ($2) in one generation ($1), of one version ($3) and dimension ($4) or all.
_LATEST_OF_A_SCOPE = (
    " FROM figures_latest WHERE generation = $1 AND scope = $2"
    " AND ($3::int IS NULL OR version = $3) AND ($4::text IS NULL OR dimension = $4)"
    " ORDER BY version, dimension, bucket, metric"
)
_LIVE_ROWS = (
    "SELECT dimension, bucket, metric, version, numerator::float8, denominator::float8, value::float8, final, as_of"
    + _LATEST_OF_A_SCOPE
)


async def open_store(dsn: str, schema: str) -> AssessmentStore:
    await migrate(dsn, schema, MIGRATIONS)
    store = AssessmentStore(await create_pool(dsn, schema, max_size=4, stateless=True))
    await backfill_parents(store.pool)
    return store


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


@dataclass(frozen=True)
class LiveRead:
    """What `AssessmentStore.live_answer` read: tallies when they are ahead, else the scope's figures rows, or None
    when the rows the caller kept are still the last written (`written`: None while no write was recorded)."""

    generation: str
    written: int | None
    tallies: list[StoredTally]
    rows: list[FigureRow] | None

    @property
    def stamp(self) -> Written | None:
        return None if self.written is None else (self.generation, self.written)


def scope_id(scope: str) -> UUID:
    """The partnership (or parent) id of `partnership:<id>`, `rollup:<id>` or `partnership:<id>/dim=bucket`."""
    return UUID(scope.split(":", 1)[1].split("/", 1)[0])


@dataclass
class FlushBatch:
    figures: list[Figure] = field(default_factory=list)
    removed: list[FigureKey] = field(default_factory=list)
    records: list[tuple[RecordKey, bytes]] = field(default_factory=list)
    progress: dict[tuple[str, int], int] = field(default_factory=dict)
    targets: list[tuple[UUID, UUID, bool | None]] = field(default_factory=list)
    tallies: list[LiveTally] = field(default_factory=list)
    read_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # when the tallies were read
    # The earliest `recorded_at` (epoch microseconds) of the facts in `records` mirrored after closed answers that
    # count them may have been kept (closed_answers.py), or EVERY: those answers are forgotten with the records.
    late: int | None = None

    def only(self, partitions: set[int], partition_of: Callable[[UUID], int]) -> FlushBatch:
        def mine(pid: UUID) -> bool:
            return partition_of(pid) in partitions

        in_mine = functools.cache(lambda scope: mine(scope_id(scope)))  # a flush's figures: thousands a scope

        return FlushBatch(
            [f for f in self.figures if in_mine(f.scope)],
            [k for k in self.removed if in_mine(k[0])],
            [(key, body) for key, body in self.records if mine(key.partnership_id)],
            {tp: offset for tp, offset in self.progress.items() if tp[1] in partitions},
            [t for t in self.targets if mine(t[1])],
            [t for t in self.tallies if in_mine(t[0])],
            self.read_at,
            self.late,
        )


def _stored_tallies(rows: Sequence[asyncpg.Record]) -> list[StoredTally]:
    return [(row["version"], row["as_of"], row["tally"]) for row in rows]


def figure_of(row: asyncpg.Record) -> Figure:
    return Figure(
        row["scope"],
        row["dimension"],
        row["bucket"],
        row["metric"],
        row["version"],
        row["numerator"],
        row["denominator"],
        row["value"],
        row["final"],
        row["as_of"],
    )


class AssessmentStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def close(self) -> None:
        await self.pool.close()

    async def register_generation(self, generation: str, *, activate_if_none: bool = True) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO generations (generation) VALUES ($1) ON CONFLICT DO NOTHING", generation)
            if activate_if_none:
                await conn.execute(
                    "UPDATE generations SET active = true WHERE generation = $1"
                    " AND NOT EXISTS (SELECT 1 FROM generations WHERE active)",
                    generation,
                )

    async def activate(self, generation: str) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE generations SET active = false WHERE active AND generation <> $1", generation)
            await conn.execute(
                "UPDATE generations SET active = true, caught_up_at = now() WHERE generation = $1", generation
            )

    async def active_generation(self, default: str) -> str:
        return str(await self.pool.fetchval(f"SELECT {GENERATION_READ}", default))

    async def claim(self, generation: str, owner: str, group_generation: int, partitions: Iterable[int]) -> None:
        """Take partitions over for a consumer-group generation; waits for a flush of the previous owner that is
        writing them to commit.

        The group generation is the fencing token, as Kafka's own: a recovery that was already stale when it
        claimed (its worker lost the partition in a later generation) cannot take the partition back from the
        worker the group gave it to. A wall-clock epoch could, and the rightful owner then flushed nothing at all
        (issue 13). A claim older than _CLAIM_HORIZON yields to any generation: Kafka counts from 1 again only
        for a deleted group, which it deletes once empty for offsets.retention.minutes (7 days by default).
        """
        await self.pool.executemany(
            "INSERT INTO partition_owners (generation, partition, owner, epoch) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (generation, partition) DO UPDATE SET owner = EXCLUDED.owner, epoch = EXCLUDED.epoch,"
            " claimed_at = now() WHERE partition_owners.epoch < EXCLUDED.epoch"
            f" OR partition_owners.claimed_at < now() - interval '{_CLAIM_HORIZON}'",
            [(generation, p, owner, group_generation) for p in partitions],
        )

    async def owned(self, generation: str, owner: str, conn: Executor | None = None) -> set[int]:
        query = "SELECT partition FROM partition_owners WHERE generation = $1 AND owner = $2"
        if conn is not None:
            rows = await conn.fetch(query + " FOR SHARE", generation, owner)
        else:
            rows = await self.pool.fetch(query, generation, owner)
        return {row["partition"] for row in rows}

    async def write_flush(
        self, generation: str, owner: str, batch: FlushBatch, partition_of: Callable[[UUID], int]
    ) -> FlushBatch:
        """Write what a flush produced, limited to the partitions `owner` holds; returns what was written."""
        async with self.pool.acquire() as conn, conn.transaction():
            kept = batch.only(await self.owned(generation, owner, conn), partition_of)
            await self._save_figures(conn, generation, kept.figures, kept.removed)
            await self._save_records(conn, generation, kept.records)
            if kept.records:  # with the records, so a reader that sees the count sees what it counts
                await conn.execute(_WRITTEN, generation, owner)
            await self._save_progress(conn, generation, kept.progress)
            await self._save_target_states(conn, generation, kept.targets)
            await self._save_live(conn, generation, kept)
            if kept.late is not None:  # last: the row lock closed answers are kept under is held the least
                await forget_late(conn, generation, kept.late)
        return kept

    async def write_live(
        self, generation: str, owner: str, batch: FlushBatch, partition_of: Callable[[UUID], int]
    ) -> FlushBatch:
        """Write a live flush (tallies and how far they count), limited to the partitions `owner` holds."""
        async with self.pool.acquire() as conn, conn.transaction():
            kept = batch.only(await self.owned(generation, owner, conn), partition_of)
            await self._save_live(conn, generation, kept)
        return kept

    async def _save_live(self, conn: Executor, generation: str, batch: FlushBatch) -> None:
        await self.write_live_tallies(conn, generation, batch.tallies, batch.read_at)
        await self._save_progress(conn, generation, batch.progress, "live_progress")

    async def write_live_tallies(
        self, conn: Executor, generation: str, tallies: Sequence[LiveTally], read_at: datetime | None = None
    ) -> None:
        if tallies:  # in key order: two writes of the same new scopes in two orders deadlocked on their inserts
            columns = list(zip(*sorted(tallies, key=lambda tally: tally[:2]), strict=True))
            await conn.execute(_UPSERT_TALLIES, generation, read_at or datetime.now(UTC), *columns)

    async def live_answer(
        self,
        default: str,
        scope: str,
        partition: int,
        version: int | None = None,
        dimension: str | None = None,
        kept: Written | None = None,
    ) -> LiveRead:
        """The generation queries read (`active_generation`) and what a live answer of `scope` is made from: its
        tallies (version, business date, packed tally) while the live flush has counted more of its partition than
        the figures rows have, else its figures rows as `FigureRow`s (cheaper to answer from: no render), numbers
        converted to floats by PostgreSQL; no rows when `kept` (generation, write) is still the scope's last write.
        On one connection, two statements at most."""
        async with self.pool.acquire() as conn:
            ahead = await conn.fetch(_TALLIES_AHEAD, default, scope, version, partition)
            generation, written = str(ahead[0]["generation"]), ahead[0]["written"]
            if ahead[0]["version"] is not None:
                return LiveRead(generation, written, _stored_tallies(ahead), [])
            if written is not None and kept == (generation, written):
                return LiveRead(generation, written, [], None)
            figures = await conn.fetch(_LIVE_ROWS, generation, scope, version, dimension)
        return LiveRead(generation, written, [], cast(list[FigureRow], figures))

    async def live_tallies(self, generation: str, scope: str) -> list[StoredTally]:
        rows = await self.pool.fetch(
            "SELECT version, as_of, tally FROM live_tallies WHERE generation = $1 AND scope = $2 ORDER BY version",
            generation,
            scope,
        )
        return _stored_tallies(rows)

    async def live_progress(self, generation: str) -> dict[tuple[str, int], int]:
        return await self.progress(generation, "live_progress")

    async def _save_records(self, conn: Executor, generation: str, records: Sequence[tuple[RecordKey, bytes]]) -> None:
        if not records:
            return
        await conn.executemany(
            "INSERT INTO records (generation, key, partnership_id, kind, body, parents)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (generation, key) DO UPDATE SET body = EXCLUDED.body,"
            " parents = EXCLUDED.parents, updated_at = now()",
            [(generation, key.encode(), key.partnership_id, key.kind.value, body, parents_of(key, body))
             for key, body in records],
        )  # fmt: skip

    async def records(self, generation: str, partnership_ids: Iterable[UUID] | None = None) -> list[Record]:
        if partnership_ids is None:
            rows = await self.pool.fetch("SELECT key, body FROM records WHERE generation = $1", generation)
        else:
            rows = await self.pool.fetch(
                "SELECT key, body FROM records WHERE generation = $1 AND partnership_id = ANY($2::uuid[])",
                generation,
                list(partnership_ids),
            )
        return [Record.unpack(RecordKey.decode(row["key"]), row["body"]) for row in rows]

    async def student_records(self, generation: str, student_ids: Iterable[UUID]) -> list[Record]:
        """Every partnership's record of these students (a student moved to another partnership has two)."""
        rows = await self.pool.fetch(
            "SELECT key, body FROM records WHERE generation = $1 AND kind = 's'"
            " AND substring(key from 18 for 16) = ANY($2::bytea[])",
            generation,
            [student.bytes for student in student_ids],
        )
        return [Record.unpack(RecordKey.decode(row["key"]), row["body"]) for row in rows]

    async def partnership_records(self, generation: str) -> list[Record]:
        rows = await self.pool.fetch("SELECT key, body FROM records WHERE generation = $1 AND kind = 'p'", generation)
        return [Record.unpack(RecordKey.decode(row["key"]), row["body"]) for row in rows]

    async def partnership_record(self, generation: str, partnership_id: UUID) -> Record:
        """The partnership's own record (signing, amendments, targets, funding); empty when it has none yet."""
        key = RecordKey.of_partnership(partnership_id)
        body = await self.pool.fetchval(
            "SELECT body FROM records WHERE generation = $1 AND key = $2", generation, key.encode()
        )
        return Record.unpack(key, body)

    async def _save_figures(
        self, conn: Executor, generation: str, changed: Sequence[Figure], removed: Sequence[FigureKey]
    ) -> None:
        if removed:
            await conn.executemany(
                "DELETE FROM figures_latest WHERE generation = $1 AND scope = $2 AND dimension = $3"
                " AND bucket = $4 AND metric = $5 AND version = $6",
                [(generation, *key) for key in removed],
            )
        scopes = sorted({f.scope for f in changed} | {key[0] for key in removed})  # in key order, as tallies are
        if scopes:
            await conn.execute(_WROTE_SCOPES, generation, scopes)
        # A statement for thousands of rows (a row per execution cost a second for a flush's tens of thousands), not
        # one for all: the worker reads events while the database writes each.
        # Numbers are sent as text: asyncpg's numeric encoder cost the worker twice what the text costs.
        for start in range(0, len(changed), _FIGURES_PER_STATEMENT):
            chunk = changed[start : start + _FIGURES_PER_STATEMENT]
            rows = (f.key + (_text(f.numerator), _text(f.denominator), _text(f.value), f.final, f.as_of) for f in chunk)
            await conn.execute(_UPSERT_FIGURES, generation, *zip(*rows, strict=True))

    async def published(self, generation: str, scopes: Sequence[str]) -> dict[FigureKey, Reading]:
        rows = await self.pool.fetch(
            f"SELECT {_FIGURE_COLUMNS} FROM figures_latest WHERE generation = $1 AND scope = ANY($2::text[])",
            generation,
            list(scopes),
        )
        return {figure_of(row).key: figure_of(row).reading for row in rows}

    async def figures(
        self, generation: str, scope: str, version: int | None = None, dimension: str | None = None
    ) -> list[Figure]:
        rows = await self.pool.fetch(
            f"SELECT {_FIGURE_COLUMNS}{_LATEST_OF_A_SCOPE}", generation, scope, version, dimension
        )
        return [figure_of(row) for row in rows]

    async def all_figures(self, generation: str, scopes: list[str] | None = None) -> list[Figure]:
        """`scopes` None: every scope's."""
        rows = await self.pool.fetch(
            f"SELECT {_FIGURE_COLUMNS} FROM figures_latest WHERE generation = $1"
            " AND ($2::text[] IS NULL OR scope = ANY($2))",
            generation,
            scopes,
        )
        return [figure_of(row) for row in rows]

    async def ranking(
        self, default: str, metric: str, version: int, kind: str, limit: int, scopes: list[str] | None = None
    ) -> list[Ranked]:
        """In the generation queries read (`active_generation`, found by the same statement); `scopes` None: every
        scope of the kind."""
        rows = await self.pool.fetch(
            "SELECT scope, numerator::float8, denominator::float8, value::float8, final FROM figures_latest"
            f" WHERE generation = {GENERATION_READ} AND metric = $2"
            " AND version = $3 AND dimension = 'total' AND scope LIKE $4 AND ($6::text[] IS NULL OR scope = ANY($6))"
            " ORDER BY figures_latest.value DESC NULLS LAST, scope LIMIT $5",  # the numeric, not its float8
            default,
            metric,
            version,
            f"{kind}:%",
            limit,
            scopes,
        )
        return cast(list[Ranked], rows)

    async def _save_progress(
        self, conn: Executor, generation: str, offsets: dict[tuple[str, int], int], table: str = "progress"
    ) -> None:
        if offsets:
            await conn.executemany(
                f"INSERT INTO {table} (generation, topic, partition, next_offset) VALUES ($1, $2, $3, $4)"
                " ON CONFLICT (generation, topic, partition) DO UPDATE SET"
                f" next_offset = GREATEST({table}.next_offset, EXCLUDED.next_offset), updated_at = now()",
                [(generation, topic, partition, offset) for (topic, partition), offset in sorted(offsets.items())],
            )

    async def progress(self, generation: str, table: str = "progress") -> dict[tuple[str, int], int]:
        """How far the figures rows (`progress`) or the live tallies (`live_progress`) count."""
        rows = await self.pool.fetch(
            f"SELECT topic, partition, next_offset FROM {table} WHERE generation = $1", generation
        )
        return {(row["topic"], row["partition"]): row["next_offset"] for row in rows}

    async def target_states(self, generation: str) -> dict[UUID, bool | None]:
        rows = await self.pool.fetch("SELECT target_id, met FROM target_states WHERE generation = $1", generation)
        return {row["target_id"]: row["met"] for row in rows}

    async def _save_target_states(
        self, conn: Executor, generation: str, states: Sequence[tuple[UUID, UUID, bool | None]]
    ) -> None:
        if states:
            await conn.executemany(
                "INSERT INTO target_states (generation, target_id, partnership_id, met) VALUES ($1, $2, $3, $4)"
                " ON CONFLICT (generation, target_id) DO UPDATE SET met = EXCLUDED.met, updated_at = now()",
                [(generation, *state) for state in states],
            )

    async def freeze(self, kind: str, period: str, generation: str, figures: Sequence[Figure]) -> int:
        """Write a snapshot once; rows already frozen for the period are never changed."""
        await self.pool.executemany(
            f"INSERT INTO snapshots (period_kind, period, generation, {_FIGURE_COLUMNS})"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING",
            [
                (
                    kind,
                    period,
                    generation,
                    f.scope,
                    f.version,
                    f.dimension,
                    f.bucket,
                    f.metric,
                    f.numerator,
                    f.denominator,
                    f.value,
                    f.final,
                    f.as_of,
                )
                for f in figures
            ],
        )
        return len(figures)

    async def snapshot(self, kind: str, period: str, scope: str, version: int | None) -> list[Figure]:
        rows = await self.pool.fetch(
            f"SELECT {_FIGURE_COLUMNS} FROM snapshots WHERE period_kind = $1 AND period = $2 AND scope = $3"
            " AND ($4::int IS NULL OR version = $4) ORDER BY version, dimension, bucket, metric",
            kind,
            period,
            scope,
            version,
        )
        return [figure_of(row) for row in rows]

    async def snapshot_periods(self, scope: str) -> list[tuple[str, str]]:
        rows = await self.pool.fetch(
            "SELECT DISTINCT period_kind, period FROM snapshots WHERE scope = $1 ORDER BY 1, 2", scope
        )
        return [(row["period_kind"], row["period"]) for row in rows]


def last_day_of(period: str) -> date:
    """'2025-06' -> 2025-06-30; '2025' -> 2025-12-31."""
    if len(period) == 4:
        return date(int(period), 12, 31)
    year, month = (int(part) for part in period.split("-"))
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)
