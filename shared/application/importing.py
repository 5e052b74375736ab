"""The import: facts from an older system, each with the `recorded_at` it was first recorded with.

Its clients hold the `import` scope: an operator's imports any fact; a party's (a school's registry bringing its
history) imports only what the scope check lets that party record live, fact by fact.

One behaviour for every service. Facts run in `recorded_at` order (stable: the list breaks ties), each as its own
transaction would run it (a refused fact leaves nothing behind), through the same pipeline as a live command, with
`import:<import_id>` as its idempotency key (a party's: `import:party:<party id>:<import_id>`), so sending the same
list twice records nothing twice. A refused fact does not stop the run: a person importing a year of history wants
to see every refusal at once, fix those facts, and send the list again (the accepted ones then answer "duplicate").
Each fact answers accepted, duplicate, held or refused (with the reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from shared.application.outcome import Outcome
from shared.application.pipeline import Idempotency, Pipeline
from shared.errors import DomainError, InvalidFact
from shared.security.identity import Actor


class FactOutcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    HELD = "held"
    REFUSED = "refused"


@dataclass(frozen=True)
class ImportedCommand:
    import_id: str
    recorded_at: datetime
    command: object
    fingerprint: bytes
    party_id: UUID | None = None  # the importing client's party; None for an operator's

    @property
    def key(self) -> str:
        """Its idempotency key: the same import_id from the same importer is the same fact. A party's import ids
        are its own, so one party can neither replay nor take another's, nor an operator's."""
        if self.party_id is None:
            return f"import:{self.import_id}"
        return f"import:party:{self.party_id}:{self.import_id}"


@dataclass(frozen=True)
class FactResult:
    import_id: str
    outcome: FactOutcome
    answer: dict[str, Any] | None = None
    refusal: DomainError | None = None


def _result(import_id: str, outcome: Outcome) -> FactResult:
    kind = FactOutcome.HELD if outcome.held else FactOutcome.ACCEPTED
    if outcome.duplicate:
        kind = FactOutcome.DUPLICATE
    return FactResult(import_id, kind, answer=dict(outcome.answer))


async def run_import(
    pipeline: Pipeline[Any], facts: Sequence[ImportedCommand], actor: Actor | None = None
) -> list[FactResult]:
    """Results in the order the facts ran (recorded_at order); `actor` is the client that imports."""
    now = pipeline.clock.now()
    return [await import_fact(pipeline, fact, actor, now) for fact in sorted(facts, key=lambda f: f.recorded_at)]


async def import_fact(pipeline: Pipeline[Any], fact: ImportedCommand, actor: Actor | None, now: datetime) -> FactResult:
    """One fact of a run that started at `now`; a refusal is its answer, not an exception."""
    try:
        if fact.recorded_at > now:
            raise InvalidFact(f"recorded_at {fact.recorded_at.isoformat()} is in the future")
        outcome = await pipeline.handle(
            fact.command,
            recorded_at=fact.recorded_at,
            idempotency=Idempotency(fact.key, fact.fingerprint),
            actor=actor,
        )
    except DomainError as refusal:
        return FactResult(fact.import_id, FactOutcome.REFUSED, refusal=refusal)
    return _result(fact.import_id, outcome)
