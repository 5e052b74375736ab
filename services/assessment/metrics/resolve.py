"""What a record says as of an instant: retractions cascade, corrections apply field by field.

Corrections and retractions count from when they are recorded and apply back to the original business date
(DOMAIN.md), so they are filtered by `recorded_at` only; every other fact needs both clocks.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.assessment.facts import ENTITY_OF, REFERRERS, Fact, corrected
from services.assessment.metrics.clock import AsOf

# An exclusion removes a student "whatever its date": only the recorded_at clock applies to it.
_UNDATED = frozenset({"ExclusionApplied", "ExclusionRevoked"})


def resolve(facts: Iterable[Fact], as_of: AsOf, shared: Iterable[Fact] = ()) -> list[Fact]:
    """The facts in force as of `as_of`; `shared` are corrections kept in the partnership's record."""
    known = [f for f in facts if f.recorded_at < as_of.cutoff]
    known += [f for f in shared if f.recorded_at < as_of.cutoff]
    retractions = [f for f in known if f.kind == "EventRetracted" and f.target is not None]
    retracted_retractions = {r.target for r in retractions if _is_retraction(r.target, retractions)}
    live_retractions = [r for r in retractions if r.event_id not in retracted_retractions]
    removed = {r.target for r in live_retractions}
    by_id = {f.event_id: f for f in known}
    for retraction in live_retractions:
        creator = by_id.get(retraction.target or b"")
        if creator is None or creator.kind not in ENTITY_OF:
            continue
        entity_field = ENTITY_OF[creator.kind]
        entity = creator.get(entity_field)
        for fact in known:
            if (
                fact.kind in REFERRERS[entity_field]
                and fact.recorded_at <= retraction.recorded_at
                and fact.get(entity_field) == entity
            ):
                removed.add(fact.event_id)
    corrections = sorted(
        (f for f in known if f.kind == "EventCorrected" and f.event_id not in removed and f.target not in removed),
        key=lambda f: f.sort_key,
    )
    patched: dict[bytes, Fact] = {}
    for fact in known:
        if fact.kind in ("EventCorrected", "EventRetracted") or fact.event_id in removed:
            continue
        patched[fact.event_id] = fact
    for correction in corrections:
        original = patched.get(correction.target or b"")
        if original is not None:
            patched[original.event_id] = corrected(original, correction.data[0])  # type: ignore[arg-type]
    return [f for f in patched.values() if f.kind in _UNDATED or f.occurred_on <= as_of.day]


def _is_retraction(event_id: bytes | None, retractions: list[Fact]) -> bool:
    return any(r.event_id == event_id for r in retractions)
