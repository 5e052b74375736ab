"""`POST /events`: outside systems (a school's student registry, an enterprise's HR system) send this service's own
facts as CloudEvents 1.0 over HTTP, and each goes through the same pipeline as the route it stands for (rules,
idempotency, authorization, outbox) — never straight onto a topic.

An event is `type: cycle.<EventType>` of this service, `data` the event's payload fields (docs/asyncapi.yaml), and
the extensions the Kafka records carry: `studentid` (or `subject`), `classid`, `occurredon`, `evidence`. Fields the
service derives itself (a plan's total hours, a transfer's former class) are recomputed, not taken from `data`.

- Structured mode, `application/cloudevents+json`: one event; the answer is its route's (201 recorded, 202 held,
  a problem otherwise).
- Batch mode, `application/cloudevents-batch+json`: a JSON array of events, run in the order sent, each as its own
  transaction would; a refused event does not stop the batch. The answer is 200 with one result per event: accepted,
  duplicate, held or refused (with its problem), as the import answers.
- Idempotency is on (source, id), per client: the same event again answers "duplicate" and changes nothing; another
  body under the same source and id is refused with 409.
"""

# No `from __future__ import annotations`: FastAPI reads the route's annotations.

import asyncio
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, get_args

from cloudevents.core.formats.json import JSONFormat
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from shared.application.importing import FactOutcome
from shared.application.outcome import Outcome
from shared.application.pipeline import Idempotency
from shared.errors import DomainError
from shared.messaging.codec import TYPE_PREFIX
from shared.persistence.batch import each_in_one_transaction
from shared.web.auth import actor_of
from shared.web.guards import PARSED
from shared.web.importing import ReadAhead
from shared.web.problems import PROBLEM_JSON, ProblemDetails, domain_problem, problem, problem_response
from shared.web.runtime import runtime_of

STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
MAX_BATCH = 1_000
PREPARED_INLINE = 64 * 1024  # bytes: a larger body is parsed in a worker thread
CHUNK = 500  # events per transaction: one commit and one write per table per chunk
_FORMAT = JSONFormat()
_STATUS = {FactOutcome.ACCEPTED: 201, FactOutcome.DUPLICATE: 200, FactOutcome.HELD: 202}
# An event type's import command model, with the fields its event type fixes (OfferAccepted: accepted=True).
Recorder = type[BaseModel] | tuple[type[BaseModel], Mapping[str, Any]]


class EventResult(BaseModel):
    id: str
    source: str
    type: str
    outcome: FactOutcome
    status: int = Field(description="The status the event alone would have had (200 for a duplicate)")
    answer: dict[str, Any] | None = None
    problem: ProblemDetails | None = None


class BatchOut(BaseModel):
    results: list[EventResult] = Field(description="One per event, in the order sent")
    accepted: int
    duplicate: int
    held: int
    refused: int


class _Refused(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body["detail"])
        self.body = body


def _bad(status: int, code: str, detail: str) -> _Refused:
    return _Refused(problem(status, code, detail))


def _command_type(model: type[BaseModel]) -> str:
    (name,) = get_args(model.model_fields["type"].annotation)
    return str(name)


def _command(event: Any, commands: Mapping[str, Recorder]) -> object:
    attributes = event.get_attributes()
    name = str(attributes["type"]).removeprefix(TYPE_PREFIX)
    recorder = commands.get(name)
    if recorder is None:
        raise _bad(422, "unknown_event_type", f"this service records none of {attributes['type']!r}")
    model, fixed = recorder if isinstance(recorder, tuple) else (recorder, {})
    data = event.get_data()
    if data is not None and not isinstance(data, dict):
        raise _bad(422, "invalid_fact", "data must be a JSON object")
    fields: dict[str, Any] = {k: v for k, v in (data or {}).items() if k in model.model_fields}
    refs = {
        "student_id": attributes.get("studentid") or attributes.get("subject"),
        "class_id": attributes.get("classid"),
        "occurred_on": attributes.get("occurredon"),
        "evidence": attributes.get("evidence"),
        "event_id": attributes.get("supersedes"),
    }
    fields.update({k: v for k, v in refs.items() if v is not None and k in model.model_fields})
    try:
        command: BaseModel = model.model_validate({**fields, **fixed, "type": _command_type(model)})
    except ValidationError as error:
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in error.errors()]
        raise _Refused(problem(422, "invalid_fact", f"{name}: the data does not match the event", errors)) from error
    build = getattr(command, "to_command", None)  # a body-plus-ids model builds its command; a command is one
    return build() if build is not None else command


def _read(raw: dict[str, Any]) -> Any:
    try:
        return _FORMAT.read(None, json.dumps(raw))
    except Exception as error:  # the SDK raises its own tree for missing or malformed attributes
        raise _bad(400, "invalid_cloudevent", f"not a CloudEvent 1.0: {error}") from error


@dataclass(frozen=True)
class _Prepared:
    command: object
    idempotency: Idempotency


def _prepared(request: Request, raw: Any, commands: Mapping[str, Recorder]) -> _Prepared:
    if not isinstance(raw, dict):
        raise _bad(400, "invalid_cloudevent", "an event must be a JSON object")
    event = _read(raw)
    command = _command(event, commands)
    actor = actor_of(request)
    owner = actor.client_id if actor is not None else "anonymous"
    attributes = event.get_attributes()
    secret = runtime_of(request).settings.national_id_key.encode()
    digest = hmac.digest(secret, json.dumps(raw, sort_keys=True, default=str).encode(), "sha256")
    return _Prepared(command, Idempotency(f"client:{owner}:ce:{attributes['source']}:{attributes['id']}", digest))


async def _handled(request: Request, prepared: _Prepared) -> Outcome:
    try:
        return await runtime_of(request).pipeline.handle(
            prepared.command, idempotency=prepared.idempotency, actor=actor_of(request)
        )
    except DomainError as refusal:
        raise _Refused(domain_problem(refusal)) from refusal


def _attempted(request: Request, raw: Any, commands: Mapping[str, Recorder]) -> _Prepared | _Refused:
    try:
        return _prepared(request, raw, commands)
    except _Refused as refused:
        return refused


async def _answered(request: Request, index: int, raw: Any, ready: _Prepared | _Refused) -> EventResult:
    try:
        if isinstance(ready, _Refused):
            raise ready
        return _result(raw, index, await _handled(request, ready), None)
    except _Refused as refused:
        return _result(raw, index, None, refused.body)


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _bad(400, "invalid_body", "the body is not UTF-8") from error
    except ValueError as error:
        raise _bad(400, "invalid_body", f"the body is not JSON: {error}") from error


async def _document(request: Request, raw: bytes, large: bool) -> Any:
    """The body as JSON: the document `RequestGuard` parsed and checked, else parsed here."""
    if PARSED in request.scope:
        return request.scope[PARSED]
    return await asyncio.to_thread(_parsed, raw) if large else _parsed(raw)


def _result(raw: Any, index: int, outcome: Outcome | None, refused: dict[str, Any] | None) -> EventResult:
    known = raw if isinstance(raw, dict) else {}
    ids = {
        "id": str(known.get("id", f"#{index}")),
        "source": str(known.get("source", "")),
        "type": str(known.get("type", "")),
    }
    if refused is not None:
        return EventResult(**ids, outcome=FactOutcome.REFUSED, status=refused["status"], problem=refused)
    assert outcome is not None  # either refused or handled
    kind = FactOutcome.DUPLICATE if outcome.duplicate else FactOutcome.HELD if outcome.held else FactOutcome.ACCEPTED
    return EventResult(**ids, outcome=kind, status=_STATUS[kind], answer=dict(outcome.answer))


async def _batch(
    request: Request, events: Any, commands: Mapping[str, Recorder], read_ahead: ReadAhead | None
) -> BatchOut:
    if not isinstance(events, list) or not events:
        raise _bad(400, "invalid_body", "a batch is a non-empty JSON array of events")
    if len(events) > MAX_BATCH:
        raise _bad(413, "batch_too_large", f"a batch holds at most {MAX_BATCH} events; this one has {len(events)}")
    results: list[EventResult] = []
    for start in range(0, len(events), CHUNK):
        chunk = [
            (index, raw, _attempted(request, raw, commands))
            for index, raw in enumerate(events[start : start + CHUNK], start)
        ]
        prepared = [ready for _, _, ready in chunk if isinstance(ready, _Prepared)]
        keys = [ready.idempotency.key for ready in prepared]
        runtime = runtime_of(request)
        ahead = read_ahead and partial(read_ahead, runtime.settings, [ready.command for ready in prepared])
        results += await each_in_one_transaction(
            runtime.pool, keys, chunk, lambda item: _answered(request, *item), ahead
        )
    counts = {kind: sum(r.outcome is kind for r in results) for kind in FactOutcome}
    return BatchOut(
        results=results,
        accepted=counts[FactOutcome.ACCEPTED],
        duplicate=counts[FactOutcome.DUPLICATE],
        held=counts[FactOutcome.HELD],
        refused=counts[FactOutcome.REFUSED],
    )


def _request_body(types: Mapping[str, Recorder]) -> dict[str, Any]:
    event = {
        "type": "object",
        "required": ["specversion", "id", "source", "type"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string"},
            "source": {"type": "string"},
            "type": {"enum": [TYPE_PREFIX + name for name in types]},
            "data": {"type": "object"},
            "studentid": {"type": "string", "format": "uuid"},
            "classid": {"type": "string", "format": "uuid"},
            "occurredon": {"type": "string", "format": "date"},
            "evidence": {"type": "string"},
        },
    }
    batch = {"type": "array", "items": event, "minItems": 1, "maxItems": MAX_BATCH}
    return {"requestBody": {"required": True, "content": {STRUCTURED: {"schema": event}, BATCH: {"schema": batch}}}}


def cloudevents_router(commands: Mapping[str, Recorder], *, read_ahead: ReadAhead | None = None) -> APIRouter:
    """`commands`: this service's event types (without the `cycle.` prefix) → the import command model that records
    each (a pydantic model with a `type` literal; `to_command()` where it is a body plus ids), with fixed fields.
    `read_ahead`: what a batch's facts would read one by one, read at the start of each chunk's transaction (as the
    import does, shared/web/importing.py)."""
    router = APIRouter(tags=["cloudevents"])

    @router.post(
        "/events",
        summary="Record facts sent as CloudEvents (structured or batch mode)",
        description=__doc__ or "",
        openapi_extra=_request_body(commands),
        responses={
            200: {"model": BatchOut, "description": "Batch mode: one result per event"},
            201: {"description": "Structured mode: recorded (the route's answer)"},
            202: {"description": "Structured mode: held until the fact it follows arrives"},
            400: {
                "model": ProblemDetails,
                "description": "Not JSON, not UTF-8, or not a CloudEvent",
                "content": {PROBLEM_JSON: {}},
            },
            413: {
                "model": ProblemDetails,
                "description": "A batch longer than the limit",
                "content": {PROBLEM_JSON: {}},
            },
            415: {
                "model": ProblemDetails,
                "description": "Neither CloudEvents content type",
                "content": {PROBLEM_JSON: {}},
            },
        },
    )
    async def post_events(request: Request) -> JSONResponse:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if content_type not in (STRUCTURED, BATCH):
                raise _bad(415, "unsupported_media_type", f"send {STRUCTURED} or {BATCH}, not {content_type!r}")
            raw = await request.body()
            large = len(raw) > PREPARED_INLINE  # parsed and validated off the event loop: other requests go on
            body = await _document(request, raw, large)
            if content_type == BATCH:
                return JSONResponse((await _batch(request, body, commands, read_ahead)).model_dump(mode="json"))
            ready = await asyncio.to_thread(_prepared, request, body, commands) if large else None
            outcome = await _handled(request, ready or _prepared(request, body, commands))
        except _Refused as refused:
            return problem_response(refused.body)
        return JSONResponse(status_code=202 if outcome.held else 201, content=dict(outcome.answer))

    return router
