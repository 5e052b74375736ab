"""Scenario keys to the ids the services know: chosen by us where a service accepts a client id, learned otherwise.

Ids derive from the scenario's name, seed and key (UUID 5), so a re-run sends the same ids and the same
Idempotency-Keys, and the services answer it from their idempotency records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5


@dataclass(frozen=True, slots=True)
class Recorded:
    service: str
    event_id: UUID


@dataclass(slots=True)
class Ids:
    run: str  # e.g. "seed-2026": prefixes every Idempotency-Key
    learned: dict[str, UUID] = field(default_factory=dict)  # ids a service generated (students, offers, placements)
    events: dict[str, Recorded] = field(default_factory=dict)  # fact key -> the event it became, for corrections

    @classmethod
    def for_scenario(cls, name: str, seed: int) -> Ids:
        return cls(f"{name}-{seed}")

    def of(self, key: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"cycle-simulation/{self.run}/{key}")

    def idempotency_key(self, fact_key: str) -> str:
        return f"sim-{self.run}-{fact_key}"

    def student(self, student_key: str) -> UUID:
        return self.learned[student_key]


def jsonable(value: Any) -> Any:
    """Dates as ISO strings and amounts as decimal strings, the way the services' schemas read them."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    return value
