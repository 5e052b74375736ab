"""`POST /admin/import`, the same for every stage service (the behaviour is shared/application/importing.py).

A service describes one imported fact as a subclass of `ImportedFactIn` (usually a discriminated union of them)
whose `to_command()` builds the same command its route would; everything else is here. The request is
`{"facts": [{"import_id", "recorded_at", "command": {"type": <command name>, ...}}]}` in every service.
"""

# No `from __future__ import annotations`: FastAPI reads the body type of the route made in `import_router`.

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

from shared.application import importing
from shared.application.importing import FactOutcome, FactResult, ImportedCommand, import_fact
from shared.config import ServiceSettings
from shared.persistence.batch import Batch, each_in_one_transaction
from shared.security.identity import Actor, Scope
from shared.web.auth import requires
from shared.web.commands import fingerprint
from shared.web.guards import CheckedBodyRoute
from shared.web.problems import ProblemDetails, domain_problem
from shared.web.runtime import runtime_of

ImportingActor = Annotated[Actor, requires(Scope.IMPORT)]
# Reads, at the start of a chunk's transaction, what the chunk's commands will read one by one.
ReadAhead = Callable[[ServiceSettings, Sequence[object], Batch], Awaitable[None]]
CHUNK = 500  # facts per transaction: one commit and one write per table per chunk
_STATUS = {FactOutcome.ACCEPTED: 201, FactOutcome.DUPLICATE: 200, FactOutcome.HELD: 202}


class ImportedFactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    import_id: str = Field(min_length=1, max_length=200, examples=["legacy-2019-000123"])
    recorded_at: AwareDatetime = Field(
        description="When the older system recorded the fact.", examples=["2019-09-02T09:30:00+08:00"]
    )

    def to_command(self) -> object:
        """The command this fact states (the same one its route would build)."""
        raise NotImplementedError


class ImportedFactOut(BaseModel):
    import_id: str
    outcome: FactOutcome
    status: int = Field(description="The HTTP status the same command would have had (200 for a duplicate)")
    answer: dict[str, Any] | None = None
    problem: ProblemDetails | None = None


class ImportOut(BaseModel):
    results: list[ImportedFactOut] = Field(description="In the order the facts ran: by recorded_at, ties as sent")
    accepted: int
    duplicate: int
    held: int
    refused: int


def _out(result: FactResult) -> ImportedFactOut:
    if result.refusal is not None:
        problem = domain_problem(result.refusal)
        return ImportedFactOut(
            import_id=result.import_id, outcome=result.outcome, status=problem["status"], problem=problem
        )
    return ImportedFactOut(
        import_id=result.import_id, outcome=result.outcome, status=_STATUS[result.outcome], answer=result.answer
    )


def _summary(results: list[FactResult]) -> ImportOut:
    counts = {kind: sum(r.outcome is kind for r in results) for kind in FactOutcome}
    return ImportOut(
        results=[_out(r) for r in results],
        accepted=counts[FactOutcome.ACCEPTED],
        duplicate=counts[FactOutcome.DUPLICATE],
        held=counts[FactOutcome.HELD],
        refused=counts[FactOutcome.REFUSED],
    )


def import_router(fact: Any, *, max_facts: int = 10_000, read_ahead: ReadAhead | None = None) -> APIRouter:
    """`fact`: the service's imported-fact model (a subclass of ImportedFactIn, or an annotated union of them)."""
    body_model: Any = create_model(
        "ImportIn",
        __config__=ConfigDict(extra="forbid", hide_input_in_errors=True),
        facts=(list[fact], Field(min_length=1, max_length=max_facts)),
    )
    router = APIRouter(tags=["operations"], route_class=CheckedBodyRoute)

    @router.post(
        "/admin/import",
        response_model=ImportOut,
        summary="Import facts with their original recorded_at (the `import` scope; a party's client: its own facts)",
        description=importing.__doc__ or "",
    )
    async def post_import(body: body_model, request: Request, actor: ImportingActor) -> ImportOut:
        runtime = runtime_of(request)
        secret = runtime.settings.national_id_key.encode()
        commands = [
            ImportedCommand(
                f.import_id,
                f.recorded_at,
                f.to_command(),
                fingerprint(secret, "IMPORT", f.model_dump(mode="json")),
                actor.party_id,
            )
            for f in body.facts  # type: ignore[attr-defined]  # a model built at runtime for the service's facts
        ]
        commands.sort(key=lambda command: command.recorded_at)
        results: list[FactResult] = []
        for start in range(0, len(commands), CHUNK):
            chunk = commands[start : start + CHUNK]
            now = runtime.pipeline.clock.now()
            keys = [command.key for command in chunk]
            run = partial(import_fact, runtime.pipeline, actor=actor, now=now)
            ahead = read_ahead and partial(read_ahead, runtime.settings, [command.command for command in chunk])
            results += await each_in_one_transaction(runtime.pool, keys, chunk, run, ahead)
        return _summary(results)

    return router
