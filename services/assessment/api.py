"""Assessment query API: live figures, as-of figures, rankings, roll-ups, exports, snapshots, SSE; each answers
only the partnerships the caller reads (shared/security/reading.py): another's is 404, a list leaves it out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse

from services.assessment.answer_rows import unpack_floats
from services.assessment.answers import Answer, Fields
from services.assessment.closed_answers import closed_before
from services.assessment.figure_json import array_body, figures_body, floats_body, rows_body
from services.assessment.live import KeptBody, live_bodies, live_figures
from services.assessment.metrics.catalog import CURRENT_VERSION, VERSIONS
from services.assessment.metrics.figures import Figure
from services.assessment.queries import answer_as_of, as_of_of, live_targets, targets_as_of
from services.assessment.rebuild import partitions_of as _partitions
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
from services.assessment.snapshots import InvalidPeriod, PeriodNotEnded, ended_period, frozen_figures, period_of
from services.assessment.store import AssessmentStore, scope_id
from shared.contracts.assessment import FiguresChanged
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope
from shared.contracts.registry import ALERTS_TOPIC, FIGURES_TOPIC
from shared.errors import Forbidden
from shared.messaging.codec import UndecodableEvent, decode
from shared.messaging.topics import key_partition
from shared.security.reading import EVERYTHING, Visible
from shared.web.auth import actor_of
from shared.web.problems import PROBLEM_JSON, ProblemDetails, problem, problem_response
from shared.web.read_scopes import PARTNERSHIP_READABLE, Visibility, readable

router = APIRouter()
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Version = Annotated[
    int | None, Query(ge=min(VERSIONS), le=max(VERSIONS), description="Metric version; all versions when omitted")
]
AsOfDay = Annotated[date | None, Query(description="Business date D; live figures when omitted")]
AtInstant = Annotated[datetime | None, Query(description="Recorded-by instant; defaults to the end of D, Shanghai")]
Dim = Annotated[str | None, Query(description="total, class, programme, home_region, cohort_year, ...")]
JSON_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}}}
CREATED_RESPONSES: dict[int | str, dict[str, Any]] = {201: {"content": {"application/json": {}}}}
SSE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "FigureChanged events, one per message"}
}
ALL_SSE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "FigureChanged and target alerts of every partnership"}
}
FIGURE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}, "description": "Figures as JSON (FiguresOut) or CSV"}
}
HIDDEN: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ProblemDetails,
        "content": {PROBLEM_JSON: {}},
        "description": "A partnership (or roll-up) of no party the caller reads for, or none at all",
    }
}
PERIOD_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ProblemDetails,
        "content": {PROBLEM_JSON: {}},
        "description": "No period (YYYY-MM or YYYY), or one that has not ended yet (invalid_period, period_not_ended)",
    }
}
SNAPSHOT_RESPONSES = {**FIGURE_RESPONSES, **PERIOD_REFUSED, **HIDDEN}


# Dependencies are `async def` even when they await nothing: FastAPI runs a plain `def` in its thread pool, a hop
# that cost more than the figure query it served (issue 12).
async def store_of(request: Request) -> AssessmentStore:
    return request.app.state.store  # type: ignore[no-any-return]


async def settings_of(request: Request) -> AssessmentSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


StoreDep = Annotated[AssessmentStore, Depends(store_of)]
SettingsDep = Annotated[AssessmentSettings, Depends(settings_of)]


async def generation_of(store: StoreDep, settings: SettingsDep) -> str:
    return await store.active_generation(settings.generation)


GenerationDep = Annotated[str, Depends(generation_of)]


def json_response(body: bytes) -> Response:
    return Response(body, media_type="application/json")


Rendered = tuple[bytes, str]  # a body and its media type
FieldsT = TypeVar("FieldsT", bound=tuple[Any, ...])  # a figure's fields, its numbers Decimals or floats


def _rendered(
    scope: str,
    generation: str,
    day: date | None,
    found: Sequence[Fields],
    fmt: str,
    version: int | None,
    dimension: str | None,
) -> Rendered:
    """Figures, or their fields as an answer keeps them, in `fmt`, those of `version` and `dimension` if given."""
    found = _chosen(found, version, dimension)
    if fmt == "csv":
        return figures_csv([Figure(*f) for f in found]).encode(), "text/csv"
    return figures_body(scope, generation, day, found), "application/json"  # FiguresOut, without a model per figure


def _chosen(found: Iterable[FieldsT], version: int | None, dimension: str | None) -> list[FieldsT]:
    """Those of `version` and `dimension` if given (fields in a Figure's order)."""
    return [f for f in found if (version is None or f[4] == version) and (dimension is None or f[1] == dimension)]


def _answer(
    scope: str,
    generation: str,
    day: date | None,
    found: list[Figure],
    fmt: str,
    version: int | None,
    dimension: str | None,
) -> Response:
    return _response(_rendered(scope, generation, day, found, fmt, version, dimension))


def _response(rendered: Rendered) -> Response:
    body, media_type = rendered
    return Response(body, media_type=media_type)


async def _scope_as_of(
    store: AssessmentStore,
    default: str,
    pid: UUID,
    rollup: bool,
    version: int | None,
    dimension: str | None,
    day: date,
    at: datetime | None,
    fmt: str,
    closed: int,
) -> Response:
    """An answer kept (queries.py) is rendered once for each format and filter it is asked in; `closed`: answers
    with a cutoff at or before this instant are kept for every API process (closed_answers.py)."""
    as_of = as_of_of(day, at)
    # A closed answer is kept in every version (each filter is then read from the one kept row).
    numbers = [version] if version and as_of.cutoff > closed else list(VERSIONS)
    generation, answer = await answer_as_of(store, default, pid, as_of, numbers, rollup=rollup, closed_before=closed)
    scope = f"{'rollup' if rollup else 'partnership'}:{pid}"
    asked = (fmt, version, dimension)
    if asked not in answer.bodies:
        answer.bodies[asked] = _body_of(answer, scope, generation, day, fmt, version, dimension)
    return _response(answer.bodies[asked])


def _body_of(
    answer: Answer, scope: str, generation: str, day: date, fmt: str, version: int | None, dimension: str | None
) -> Rendered:
    """A closed answer's JSON from what PostgreSQL keeps (its JSON array when no filter is asked, else its packed
    rows); any other rendered from its fields."""
    if answer.array and fmt == "json" and version is None and dimension is None:
        return array_body(scope, generation, day, answer.array), "application/json"
    if answer.packed and fmt == "json":
        chosen = _chosen(unpack_floats(answer.packed), version, dimension)
        return floats_body(scope, generation, day, chosen), "application/json"
    return _rendered(scope, generation, day, answer.kept, fmt, version, dimension)


async def _scope_figures(
    store: AssessmentStore,
    settings: AssessmentSettings,
    pid: UUID,
    rollup: bool,
    version: int | None,
    dimension: str | None,
    as_of: date | None,
    at: datetime | None,
    format: str,
) -> Response:
    """`settings.generation`: the generation read when none is active; each query finds the active one itself."""
    default = settings.generation
    if as_of is not None:
        closed = closed_before(settings.live_as_of().business_date)
        return await _scope_as_of(store, default, pid, rollup, version, dimension, as_of, at, format, closed)
    scope = f"{'rollup' if rollup else 'partnership'}:{pid}"
    partition = key_partition(str(pid).encode(), settings.topic_partitions)  # the partition its events are on
    asked = (scope, version, dimension)
    kept = live_bodies.get(asked)
    read = await store.live_answer(default, scope, partition, version, dimension, kept.written if kept else None)
    if read.tallies:  # the live flush is ahead of the figures rows: the answer is rendered from the scope's tallies
        found = live_figures(scope, read.tallies, dimension)
        return _answer(scope, read.generation, None, found, format, version, dimension)
    if format == "json":
        if read.rows is None and kept is not None:  # the rows it was made from are still the last written
            return json_response(kept.body)
        body = rows_body(scope, read.generation, None, read.rows or [])
        if read.stamp is not None:
            live_bodies.keep(asked, KeptBody(read.stamp, body))
        return json_response(body)
    found = await store.figures(read.generation, scope, version, dimension)
    return _answer(scope, read.generation, None, found, format, version, dimension)


@router.get("/health", response_model=HealthOut, responses=JSON_RESPONSES)
async def health(store: StoreDep, generation: GenerationDep) -> HealthOut:
    """Liveness and database reachability; names the generation queries read."""
    await store.pool.fetchval("SELECT 1")
    return HealthOut(status="ok", generation=generation)


@router.get(
    "/partnerships/{partnership_id}/figures",
    response_model=FiguresOut,
    responses={**FIGURE_RESPONSES, **HIDDEN},
    dependencies=[PARTNERSHIP_READABLE],
)
async def partnership_figures(
    partnership_id: UUID,
    store: StoreDep,
    settings: SettingsDep,
    version: Version = None,
    dimension: Dim = None,
    as_of: AsOfDay = None,
    at: AtInstant = None,
    format: Format = "json",
) -> Response | FiguresOut:
    """A partnership's figures now (materialised by the workers) or as of D (recomputed from its records)."""
    return await _scope_figures(store, settings, partnership_id, False, version, dimension, as_of, at, format)


@router.get("/rollups/{parent_id}/figures", response_model=FiguresOut, responses={**FIGURE_RESPONSES, **HIDDEN})
async def rollup_figures(
    parent_id: UUID,
    seen: Visibility,
    store: StoreDep,
    settings: SettingsDep,
    version: Version = None,
    dimension: Dim = None,
    as_of: AsOfDay = None,
    at: AtInstant = None,
    format: Format = "json",
) -> Response | FiguresOut:
    """Pooled figures of the partnerships under a parent partnership or alliance, now or as of D."""
    readable(seen, parent_id, f"roll-up {parent_id}")
    return await _scope_figures(store, settings, parent_id, True, version, dimension, as_of, at, format)


@router.get("/rankings/{metric}", response_model=RankingOut, responses=JSON_RESPONSES)
async def ranking(
    metric: str,
    seen: Visibility,
    store: StoreDep,
    settings: SettingsDep,
    version: int = CURRENT_VERSION,
    kind: Literal["partnership", "rollup"] = "partnership",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RankingOut:
    """Partnerships (or roll-ups) the caller reads ordered by a metric's live value, highest first, nulls last."""
    found = await store.ranking(settings.generation, metric, version, kind, limit, _scopes(seen))
    return RankingOut(
        metric=metric,
        version=version,
        ranking=[
            RankedOut(rank=i + 1, scope=scope, numerator=numerator, denominator=denominator, value=value, final=final)
            for i, (scope, numerator, denominator, value, final) in enumerate(found)
        ],
    )


@router.get("/export/figures", response_model=list[FigureOut], responses=FIGURE_RESPONSES)
async def export_figures(
    seen: Visibility, store: StoreDep, generation: GenerationDep, format: Format = "csv"
) -> Response | list[FigureOut]:
    """Every live figure of every scope the caller reads (CSV by default)."""
    found = await store.all_figures(generation, _scopes(seen))
    if format == "csv":
        return Response(figures_csv(found), media_type="text/csv")
    return [FigureOut.of(f) for f in found]


@router.get(
    "/partnerships/{partnership_id}/targets",
    response_model=list[TargetOut],
    responses={**JSON_RESPONSES, **HIDDEN},
    dependencies=[PARTNERSHIP_READABLE],
)
async def targets(
    partnership_id: UUID,
    store: StoreDep,
    generation: GenerationDep,
    settings: SettingsDep,
    as_of: AsOfDay = None,
    at: AtInstant = None,
) -> list[TargetOut]:
    """Each target in force on D (today's live figures when no `as_of`), its figure in the current metric version
    with that figure's status, and whether it is met. An alliance's or programme's targets measure its roll-up."""
    if as_of is None:
        day, statuses = await live_targets(store, generation, partnership_id, settings.live_as_of().business_date)
    else:
        day, statuses = as_of, await targets_as_of(store, generation, partnership_id, as_of_of(as_of, at))
    return [TargetOut.of(status, day) for status in statuses]


@router.get("/snapshots/{kind}/{period}/{scope}", response_model=FiguresOut, responses=SNAPSHOT_RESPONSES)
async def snapshot(
    kind: Literal["monthly", "yearly"],
    period: str,
    scope: str,
    seen: Visibility,
    store: StoreDep,
    generation: GenerationDep,
    version: Version = None,
    format: Format = "json",
) -> Response | FiguresOut:
    """Figures frozen for a month ('2025-06') or a year ('2025'); scope is `partnership:<id>` or `rollup:<id>`."""
    try:
        found_kind = period_of(period).kind
    except InvalidPeriod as refused:
        return _refused(refused)
    if found_kind != kind:
        return _refused(InvalidPeriod(f"{period!r} is no {kind} period"))
    found = await store.snapshot(kind, period, scope, version) if _scope_readable(seen, scope) else []
    if not found:
        raise HTTPException(404, f"no {kind} snapshot {period} for {scope}")
    return _answer(scope, generation, found[0].as_of, found, format, version, None)


@router.post(
    "/snapshots/{period}",
    response_model=SnapshotOut,
    status_code=201,
    responses={**CREATED_RESPONSES, **PERIOD_REFUSED},
)
async def freeze(
    period: str, request: Request, store: StoreDep, generation: GenerationDep, settings: SettingsDep
) -> Response | SnapshotOut:
    """Freeze the figures of every partnership, and the roll-up of every alliance, programme or partnership with
    members, as of the period's last day; only a period that has ended; rows already frozen never change. An
    operator's work: it freezes every party's figures."""
    actor = actor_of(request)
    if actor is not None and not actor.is_operator:
        raise Forbidden("only operators freeze snapshots")
    try:
        ended = ended_period(period, settings.live_as_of().business_date)
    except (InvalidPeriod, PeriodNotEnded) as refused:
        return _refused(refused)
    found = frozen_figures(await store.records(generation), ended.label)
    await store.freeze(ended.kind, ended.label, generation, found)
    return SnapshotOut(period_kind=ended.kind, period=ended.label, frozen=len(found))


def _refused(error: InvalidPeriod | PeriodNotEnded) -> Response:
    return problem_response(problem(422, error.code, str(error)))


@router.get(
    "/partnerships/{partnership_id}/stream",
    responses={**SSE_RESPONSES, **HIDDEN},
    dependencies=[PARTNERSHIP_READABLE],
)
async def stream(partnership_id: UUID, settings: SettingsDep) -> EventSourceResponse:
    """Server-Sent Events: each FigureChanged of this partnership from now on (the figures topic)."""
    return EventSourceResponse(_figure_changes(settings, partnership_id, EVERYTHING))


@router.get("/stream", responses=ALL_SSE_RESPONSES)
async def stream_all(settings: SettingsDep, seen: Visibility) -> EventSourceResponse:
    """Server-Sent Events of every partnership the caller reads from now on: FigureChanged, TargetBreached and
    TargetRecovered, each with its `partnership_id` (the figures and alerts topics; the dashboard's live feed)."""
    return EventSourceResponse(_figure_changes(settings, None, seen))


def _scopes(seen: Visible) -> list[str] | None:
    """The figure scopes of the partnerships `seen`: their own and their roll-ups'; None: every scope."""
    ids = seen.restriction()
    return None if ids is None else [f"{kind}:{pid}" for pid in ids for kind in ("partnership", "rollup")]


def _scope_readable(seen: Visible, scope: str) -> bool:
    try:
        return seen.includes(scope_id(scope))
    except (IndexError, ValueError):  # no scope of any snapshot, so none to find
        return seen.everything


def _server_sent(envelope: Envelope, with_partnership: bool) -> Iterator[dict[str, str]]:
    """The stream's events of a record: a FigureChanged each for the figures of a FiguresChanged (the topic carries
    them a scope's flush at a time), an alert as it is. Alerts name no partnership of their own; the Kafka key
    does, and the stream of every partnership adds it."""
    payloads: list[tuple[str, str, EventPayload]] = [(envelope.type, str(envelope.id), envelope.data)]
    if isinstance(envelope.data, FiguresChanged):
        payloads = [("FigureChanged", f"{envelope.id}/{n}", f) for n, f in enumerate(envelope.data.figures)]
    for kind, event_id, payload in payloads:
        data = payload.model_dump_json()
        if with_partnership:
            data = json.dumps({"partnership_id": str(envelope.partnership_id), **payload.model_dump(mode="json")})
        yield {"event": kind, "id": event_id, "data": data}


async def _figure_changes(
    settings: AssessmentSettings, partnership_id: UUID | None, seen: Visible
) -> AsyncIterator[dict[str, str]]:
    topics = [settings.topic_namespace + FIGURES_TOPIC]
    if partnership_id is None:
        topics.append(settings.topic_namespace + ALERTS_TOPIC)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        # Assigned by hand and positioned at the end before "ready": nothing published after it is missed.
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(await _partitions(consumer, t))]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        yield {"event": "ready", "data": str(partnership_id or "*")}
        key = None if partnership_id is None else str(partnership_id).encode()
        async for record in consumer:
            if key is not None and record.key != key:
                continue
            try:
                envelope = decode(record.headers, record.key, record.value)
            except UndecodableEvent:
                continue
            if not seen.includes(envelope.partnership_id):
                continue
            for event in _server_sent(envelope, with_partnership=partnership_id is None):
                yield event
    finally:
        await consumer.stop()
