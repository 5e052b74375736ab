"""A figure store of `partnerships` partnerships for the query benchmark, built in seconds rather than by replaying
events through a worker: what a worker would have written, computed by assessment's own code for one template
partnership (its records folded with `place`, its figures rendered by `figures`, a parent's roll-up by
`rollup_figures`), then copied inside PostgreSQL to every partnership under `parents` parents.

Every copy has the template's figures and records (students re-keyed, so each is a student of its own), and a
partnership record that names its own parent. One large partnership, folded and rendered in full, shows how an
as-of answer grows with a partnership's students.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from bench.workload import BUSINESS_DATE, Partnership, Workload
from services.assessment.lineage import parents_named
from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, group, partnership_tally, rollup_figures, rollup_tally
from services.assessment.records import Applied, Record, RecordKey, RecordKind, place
from services.assessment.store import AssessmentStore, Executor, LiveTally
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import PartnershipSigned

CHILDREN = 100
_FIGURE_COLUMNS = ("version", "dimension", "bucket", "metric", "numerator", "denominator", "value", "final", "as_of")


@dataclass(frozen=True)
class FigureStore:
    generation: str
    partnerships: list[UUID]
    parents: list[UUID]
    large: UUID
    large_students: int
    figure_rows: int
    record_rows: int
    seconds: float


def fold(events: Iterable[Envelope]) -> dict[RecordKey, Record]:
    records: dict[RecordKey, Record] = {}
    for envelope in events:
        placed = place(envelope, lambda key: records.get(key) or Record(key))
        if placed is not None and placed[1] is Applied.NEW:
            records[placed[0].key] = placed[0]
    return records


def reparented(events: list[Envelope], parent: UUID) -> list[Envelope]:
    """The partnership's own events, its signing naming `parent`."""
    return [
        e.model_copy(update={"data": e.data.model_copy(update={"parent_id": parent})})
        if isinstance(e.data, PartnershipSigned)
        else e
        for e in events
    ]


def rows(found: list[Figure], generation: str, scope: str | None = None) -> list[tuple[object, ...]]:
    """Rows of figures_latest; `scope` in place of each figure's own (the template's rows)."""
    return [
        (generation, scope or f.scope, f.version, f.dimension, f.bucket, f.metric, f.numerator, f.denominator,
         f.value, f.final, f.as_of)
        for f in found
    ]  # fmt: skip


def every_version(records: list[Record], as_of: AsOf) -> list[Figure]:
    return [figure for version in VERSIONS for figure in figures(records, as_of, version)]


def students_of(workload: Workload, partnership: Partnership, students: int) -> list[Envelope]:
    return [event for _ in range(students) for event in workload.student(partnership)]


class Builder:
    def __init__(self, conn: Executor, generation: str) -> None:
        self.conn, self.generation = conn, generation

    async def copy(self, table: str, columns: tuple[str, ...], records: Sequence[tuple[object, ...]]) -> None:
        await self.conn.copy_records_to_table(table, records=records, columns=columns)

    async def records(self, found: Iterable[Record]) -> None:
        await self.copy(
            "records",
            ("generation", "key", "partnership_id", "kind", "body", "parents"),
            [(self.generation, r.key.encode(), r.key.partnership_id, r.key.kind.value, r.pack(), _parents(r))
             for r in found],
        )  # fmt: skip

    async def figures(self, found: list[Figure], table: str = "figures_latest", scope: str | None = None) -> None:
        await self.copy(table, ("generation", "scope", *_FIGURE_COLUMNS), rows(found, self.generation, scope))


@dataclass
class Template:
    """What is computed in Python: one partnership's records and figures, a parent's roll-up, the large one."""

    parents: list[tuple[Partnership, list[Envelope]]]
    opening: list[Envelope]  # the template partnership's own events
    records: dict[RecordKey, Record]  # its class and student records
    figures: list[Figure]
    rollup: list[Figure]
    tallies: list[tuple[str, int, bytes]]  # "partnership" or "rollup", metric version, packed: what a live flush writes
    large: Partnership
    large_records: dict[RecordKey, Record]


def template(partnerships: int, students: int, large_students: int) -> Template:
    as_of, workload = AsOf.of(BUSINESS_DATE), Workload(seed=5)
    parents = [workload.partnership(0) for _ in range(max(1, -(-partnerships // CHILDREN)))]
    first_parent = parents[0][0].partnership_id
    partnership, opening = workload.partnership(2, first_parent)
    records = fold(opening + students_of(workload, partnership, students))
    own = [record for key, record in records.items() if key.kind is not RecordKind.PARTNERSHIP]
    pooled = []  # a parent's first children, each with the template's records under its own id
    for _ in range(min(partnerships, CHILDREN)):
        child = workload.uuid()
        pooled += [Record(RecordKey(child, r.key.kind, r.key.entity_id), r.facts) for r in own]
        pooled.append(
            Record(RecordKey.of_partnership(child), records[RecordKey.of_partnership(partnership.partnership_id)].facts)
        )
    rollup = [f for v in VERSIONS for f in rollup_figures(pooled, first_parent, as_of, v)]
    tallies = [("partnership", v, packed) for _, v, _, packed in _tallies_of(partnership, records)]
    tallies += [("rollup", v, rollup_tally(pooled, first_parent, as_of, v).pack()) for v in VERSIONS]
    large, large_opening = workload.partnership(2, first_parent)
    large_records = fold(large_opening + students_of(workload, large, large_students))
    figures_now = every_version(list(records.values()), as_of)
    return Template(parents, opening, records, figures_now, rollup, tallies, large, large_records)


async def build_figure_store(
    store: AssessmentStore, generation: str, partnerships: int, students: int, large_students: int
) -> FigureStore:
    started = time.perf_counter()
    made = template(partnerships, students, large_students)
    children = [uuid4() for _ in range(partnerships)]
    await store.register_generation(generation)
    await store.activate(generation)
    async with store.pool.acquire() as conn, conn.transaction():
        builder = Builder(conn, generation)
        await conn.execute(_TEMPLATE_TABLES)
        await builder.copy("bench_children", ("pid", "parent"), [(c, n // CHILDREN) for n, c in enumerate(children)])
        numbered = [(n, p.partnership_id) for n, (p, _) in enumerate(made.parents)]
        await builder.copy("bench_parents", ("pid", "parent"), [(pid, n) for n, pid in numbered])
        owns = [(n, _own_record(fold(reparented(made.opening, pid)))) for n, pid in numbered]
        bodies = [(n, own.pack(), parents_named(own)) for n, own in owns]
        await builder.copy("bench_bodies", ("parent", "body", "parents"), bodies)
        kept = [(k.kind.value, k.entity_id.bytes, r.pack()) for k, r in made.records.items()
                if k.kind is not RecordKind.PARTNERSHIP]  # fmt: skip
        await builder.copy("bench_records", ("kind", "entity", "body"), kept)
        await builder.figures(made.figures, "bench_figures", "partnership")
        await builder.figures(made.rollup, "bench_figures", "rollup")
        await builder.copy("bench_tallies", ("kind", "version", "tally"), made.tallies)
        for statement in _FAN_OUT.split(";")[:-1]:
            await conn.execute(statement, generation)
        await builder.records(r for _, opened in made.parents for r in fold(opened).values())
        await builder.records(made.large_records.values())
        await builder.figures(every_version(list(made.large_records.values()), AsOf.of(BUSINESS_DATE)))
        await store.write_live_tallies(conn, generation, _tallies_of(made.large, made.large_records))
        await conn.execute(_WRITTEN_SCOPES, generation)
        figure_rows = await conn.fetchval("SELECT count(*) FROM figures_latest WHERE generation = $1", generation)
        record_rows = await conn.fetchval("SELECT count(*) FROM records WHERE generation = $1", generation)
    await store.pool.execute("ANALYZE records; ANALYZE figures_latest")
    parent_ids = [p.partnership_id for p, _ in made.parents]
    seconds = time.perf_counter() - started
    large = made.large.partnership_id
    return FigureStore(generation, children, parent_ids, large, large_students, figure_rows, record_rows, seconds)


def _tallies_of(partnership: Partnership, records: dict[RecordKey, Record]) -> list[LiveTally]:
    """What a live flush writes for one partnership: its tally of each metric version."""
    [grouped] = group(records.values()).values()
    as_of = AsOf.of(BUSINESS_DATE)
    scope = f"partnership:{partnership.partnership_id}"
    return [(scope, v, BUSINESS_DATE, partnership_tally(grouped, as_of, VERSIONS[v])[0].pack()) for v in VERSIONS]


_TEMPLATE_TABLES = """
CREATE TEMP TABLE bench_children (pid uuid, parent int) ON COMMIT DROP;
CREATE TEMP TABLE bench_parents (pid uuid, parent int) ON COMMIT DROP;
CREATE TEMP TABLE bench_bodies (parent int, body bytea, parents uuid[]) ON COMMIT DROP;
CREATE TEMP TABLE bench_records (kind char(1), entity bytea, body bytea) ON COMMIT DROP;
CREATE TEMP TABLE bench_figures (LIKE figures_latest INCLUDING DEFAULTS) ON COMMIT DROP;
CREATE TEMP TABLE bench_tallies (kind text, version int, tally bytea) ON COMMIT DROP;
"""


# Partnership records name their own parent; class and student records are the template's, each student re-keyed
# (md5 of partnership and student) so that no two partnerships share one; figures are the template's, re-scoped,
# inserted in primary-key order (appending to the index is several times faster than inserting all over it).
_FAN_OUT = f"""
INSERT INTO records (generation, key, partnership_id, kind, body, parents)
SELECT $1, uuid_send(c.pid) || 'p'::bytea || uuid_send(c.pid), c.pid, 'p', b.body, b.parents
FROM bench_children c JOIN bench_bodies b ON b.parent = c.parent;
INSERT INTO records (generation, key, partnership_id, kind, body)
SELECT $1, uuid_send(c.pid) || convert_to(t.kind, 'UTF8')
       || CASE WHEN t.kind = 's' THEN decode(md5(c.pid::text || encode(t.entity, 'hex')), 'hex') ELSE t.entity END,
       c.pid, t.kind, t.body
FROM bench_children c CROSS JOIN bench_records t;
INSERT INTO figures_latest (generation, scope, version, dimension, bucket, metric, numerator, denominator, value,
                            final, as_of)
SELECT $1, f.scope || ':' || c.pid, f.version, f.dimension, f.bucket, f.metric, f.numerator, f.denominator,
       f.value, f.final, f.as_of
FROM bench_children c CROSS JOIN bench_figures f WHERE f.scope = 'partnership'
UNION ALL
SELECT $1, f.scope || ':' || p.pid, f.version, f.dimension, f.bucket, f.metric, f.numerator, f.denominator,
       f.value, f.final, f.as_of
FROM bench_parents p CROSS JOIN bench_figures f WHERE f.scope = 'rollup'
ORDER BY 2, 3, 4, 5, 6;
INSERT INTO live_tallies (generation, scope, version, as_of, tally, read_at)
SELECT $1, t.kind || ':' || c.pid, t.version, '{BUSINESS_DATE.isoformat()}'::date, t.tally, now()
FROM bench_children c CROSS JOIN bench_tallies t WHERE t.kind = 'partnership'
UNION ALL
SELECT $1, t.kind || ':' || p.pid, t.version, '{BUSINESS_DATE.isoformat()}'::date, t.tally, now()
FROM bench_parents p CROSS JOIN bench_tallies t WHERE t.kind = 'rollup';
"""


# What the worker's store writes with figures rows (`figure_writes`): the transaction that wrote each scope's.
_WRITTEN_SCOPES = """
INSERT INTO figure_writes (generation, scope, written)
SELECT $1, scope, pg_current_xact_id()::text::bigint FROM (SELECT DISTINCT scope FROM figures_latest
WHERE generation = $1) AS s
"""


def _parents(record: Record) -> list[UUID] | None:
    """What the worker's store writes beside a partnership record (services/assessment/store.py)."""
    return parents_named(record) if record.key.kind is RecordKind.PARTNERSHIP else None


def _own_record(records: dict[RecordKey, Record]) -> Record:
    return next(record for key, record in records.items() if key.kind is RecordKind.PARTNERSHIP)
