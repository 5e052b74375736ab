"""Assessment query API: live figures, as-of figures, rankings, roll-ups, exports, snapshots, SSE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse

from services.assessment.metrics.catalog import CURRENT_VERSION, VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.context import context_of
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.resolve import resolve
from services.assessment.metrics.targets import evaluate
from services.assessment.queries import as_of_of, partnership_as_of, rollup_as_of
from services.assessment.rebuild import partitions_of as _partitions
from services.assessment.records import Record, RecordKey
from services.assessment.schemas import (
    FigureOut,
    FiguresOut,
    HealthOut,
    RankedOut,
    RankingOut,
    SnapshotOut,
    TargetOut,
    figures_csv,
)
from services.assessment.settings import AssessmentSettings
from services.assessment.snapshots import period_kind, snapshot_figures
from services.assessment.store import AssessmentStore
from shared.contracts.registry import FIGURES_TOPIC
from shared.messaging.codec import UndecodableEvent, decode

router = APIRouter()
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Version = Annotated[int | None, Query(description="Metric version; all versions when omitted")]
AsOfDay = Annotated[date | None, Query(description="Business date D; live figures when omitted")]
AtInstant = Annotated[datetime | None, Query(description="Recorded-by instant; defaults to the end of D, Shanghai")]
Dim = Annotated[str | None, Query(description="total, class, programme, home_region, cohort_year, ...")]
JSON_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}}}
CREATED_RESPONSES: dict[int | str, dict[str, Any]] = {201: {"content": {"application/json": {}}}}
SSE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "FigureChanged events, one per message"}
}
FIGURE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}, "description": "Figures as JSON (FiguresOut) or CSV"}
}


def store_of(request: Request) -> AssessmentStore:
    return request.app.state.store  # type: ignore[no-any-return]


def settings_of(request: Request) -> AssessmentSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


StoreDep = Annotated[AssessmentStore, Depends(store_of)]
SettingsDep = Annotated[AssessmentSettings, Depends(settings_of)]


async def generation_of(store: StoreDep, settings: SettingsDep) -> str:
    return await store.active_generation(settings.generation)


GenerationDep = Annotated[str, Depends(generation_of)]


def _answer(
    scope: str,
    generation: str,
    day: date | None,
    found: list[Figure],
    fmt: str,
    version: int | None,
    dimension: str | None,
) -> Response | FiguresOut:
    found = [
        f
        for f in found
        if (version is None or f.version == version) and (dimension is None or f.dimension == dimension)
    ]
    if fmt == "csv":
        return Response(figures_csv(found), media_type="text/csv")
    return FiguresOut(
        scope=scope, generation=generation, as_of=day, live=day is None, figures=[FigureOut.of(f) for f in found]
    )


async def _versions_as_of(
    store: AssessmentStore,
    generation: str,
    pid: UUID,
    day: date,
    at: datetime | None,
    version: int | None,
    rollup: bool,
) -> list[Figure]:
    as_of = as_of_of(day, at)
    numbers = [version] if version else list(VERSIONS)
    found: list[Figure] = []
    for number in numbers:
        query = rollup_as_of if rollup else partnership_as_of
        found += await query(store, generation, pid, as_of, number)
    return found


async def _scope_figures(
    store: AssessmentStore,
    generation: str,
    pid: UUID,
    rollup: bool,
    version: int | None,
    dimension: str | None,
    as_of: date | None,
    at: datetime | None,
    format: str,
) -> Response | FiguresOut:
    scope = f"{'rollup' if rollup else 'partnership'}:{pid}"
    if as_of is None:
        found = await store.figures(generation, scope, version, dimension)
    else:
        found = await _versions_as_of(store, generation, pid, as_of, at, version, rollup=rollup)
    return _answer(scope, generation, as_of, found, format, version, dimension)


@router.get("/health", response_model=HealthOut, responses=JSON_RESPONSES)
async def health(store: StoreDep, generation: GenerationDep) -> HealthOut:
    """Liveness and database reachability; names the generation queries read."""
    await store.pool.fetchval("SELECT 1")
    return HealthOut(status="ok", generation=generation)


@router.get("/partnerships/{partnership_id}/figures", response_model=FiguresOut, responses=FIGURE_RESPONSES)
async def partnership_figures(
    partnership_id: UUID,
    store: StoreDep,
    generation: GenerationDep,
    version: Version = None,
    dimension: Dim = None,
    as_of: AsOfDay = None,
    at: AtInstant = None,
    format: Format = "json",
) -> Response | FiguresOut:
    """A partnership's figures now (materialised by the workers) or as of D (recomputed from its records)."""
    return await _scope_figures(store, generation, partnership_id, False, version, dimension, as_of, at, format)


@router.get("/rollups/{parent_id}/figures", response_model=FiguresOut, responses=FIGURE_RESPONSES)
async def rollup_figures(
    parent_id: UUID,
    store: StoreDep,
    generation: GenerationDep,
    version: Version = None,
    dimension: Dim = None,
    as_of: AsOfDay = None,
    at: AtInstant = None,
    format: Format = "json",
) -> Response | FiguresOut:
    """Pooled figures of the partnerships under a parent partnership or alliance, now or as of D."""
    return await _scope_figures(store, generation, parent_id, True, version, dimension, as_of, at, format)


@router.get("/rankings/{metric}", response_model=RankingOut, responses=JSON_RESPONSES)
async def ranking(
    metric: str,
    store: StoreDep,
    generation: GenerationDep,
    version: int = CURRENT_VERSION,
    kind: Literal["partnership", "rollup"] = "partnership",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RankingOut:
    """Partnerships (or roll-ups) ordered by a metric's live value, highest first, nulls last."""
    found = await store.ranking(generation, metric, version, kind, limit)
    return RankingOut(
        metric=metric,
        version=version,
        ranking=[
            RankedOut(
                rank=i + 1,
                scope=f.scope,
                numerator=FigureOut.of(f).numerator,
                denominator=FigureOut.of(f).denominator,
                value=FigureOut.of(f).value,
                final=f.final,
            )
            for i, f in enumerate(found)
        ],
    )


@router.get("/export/figures", response_model=list[FigureOut], responses=FIGURE_RESPONSES)
async def export_figures(
    store: StoreDep, generation: GenerationDep, format: Format = "csv"
) -> Response | list[FigureOut]:
    """Every live figure of every scope (CSV by default)."""
    found = await store.all_figures(generation)
    if format == "csv":
        return Response(figures_csv(found), media_type="text/csv")
    return [FigureOut.of(f) for f in found]


@router.get(
    "/partnerships/{partnership_id}/targets",
    response_model=list[TargetOut],
    responses=JSON_RESPONSES,
)
async def targets(partnership_id: UUID, store: StoreDep, generation: GenerationDep) -> list[TargetOut]:
    """Each target's goal, its live figure (current metric version) and whether it is met."""
    raw = [r for r in await store.partnership_records(generation) if r.key.partnership_id == partnership_id]
    record = raw[0] if raw else Record(RecordKey.of_partnership(partnership_id))
    # An alliance's or programme's targets measure its roll-up (the pooled students of its members).
    found = await store.figures(generation, f"rollup:{partnership_id}", CURRENT_VERSION)
    found = found or await store.figures(generation, f"partnership:{partnership_id}", CURRENT_VERSION)
    as_of = AsOf.of(found[0].as_of if found else date.today())
    ctx = context_of(resolve(record.facts, as_of), VERSIONS[CURRENT_VERSION])
    return [
        TargetOut(
            target_id=str(UUID(bytes=s.target.target_id)),
            metric=s.target.metric,
            comparison=s.target.comparison,
            goal=s.target.goal,
            class_id=s.target.class_id.hex() if s.target.class_id else None,
            actual=None if s.actual is None else float(s.actual),
            met=s.met,
        )
        for s in evaluate(ctx.targets, found)
    ]


@router.get("/snapshots/{kind}/{period}/{scope}", response_model=FiguresOut, responses=FIGURE_RESPONSES)
async def snapshot(
    kind: Literal["monthly", "yearly"],
    period: str,
    scope: str,
    store: StoreDep,
    generation: GenerationDep,
    version: Version = None,
    format: Format = "json",
) -> Response | FiguresOut:
    """Figures frozen for a month ('2025-06') or a year ('2025'); scope is `partnership:<id>` or `rollup:<id>`."""
    found = await store.snapshot(kind, period, scope, version)
    if not found:
        raise HTTPException(404, f"no {kind} snapshot {period} for {scope}")
    return _answer(scope, generation, found[0].as_of, found, format, version, None)


@router.post(
    "/snapshots/{period}",
    response_model=SnapshotOut,
    status_code=201,
    responses=CREATED_RESPONSES,
)
async def freeze(period: str, store: StoreDep, generation: GenerationDep) -> SnapshotOut:
    """Freeze every partnership's figures as of the period's last day; rows already frozen never change."""
    records = await store.records(generation)
    found = snapshot_figures(records, period)
    await store.freeze(period_kind(period), period, generation, found)
    return SnapshotOut(period_kind=period_kind(period), period=period, frozen=len(found))


@router.get(
    "/partnerships/{partnership_id}/stream",
    responses=SSE_RESPONSES,
)
async def stream(partnership_id: UUID, settings: SettingsDep) -> EventSourceResponse:
    """Server-Sent Events: each FigureChanged of this partnership from now on (the figures topic)."""
    return EventSourceResponse(_figure_changes(settings, partnership_id))


async def _figure_changes(settings: AssessmentSettings, partnership_id: UUID) -> AsyncIterator[dict[str, str]]:
    topic = settings.topic_namespace + FIGURES_TOPIC
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        # Assigned by hand and positioned at the end before "ready": nothing published after it is missed.
        partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        yield {"event": "ready", "data": str(partnership_id)}
        key = str(partnership_id).encode()
        async for record in consumer:
            if record.key != key:
                continue
            try:
                envelope = decode(record.headers, record.key, record.value)
            except UndecodableEvent:
                continue
            yield {"event": "FigureChanged", "id": str(envelope.id), "data": envelope.data.model_dump_json()}
    finally:
        await consumer.stop()
