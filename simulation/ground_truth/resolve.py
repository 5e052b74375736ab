"""Corrections and retractions applied to the facts they target (DOMAIN.md: corrections never edit history,
and every metric follows them; a retraction removes the fact and every fact that refers to it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from simulation.facts import EmploymentEnded, InternshipEnded, OfferAccepted, OfferDeclined, RetentionChecked
from simulation.scenario import EventCorrected, EventRetracted, HoursVerified

_REFERENCE_FIELD: dict[type, str] = {
    RetentionChecked: "placement",
    EmploymentEnded: "placement",
    InternshipEnded: "internship",
    OfferAccepted: "offer",
    OfferDeclined: "offer",
    HoursVerified: "log",
    EventCorrected: "target",
}


def _refers_to(fact: Any) -> str | None:
    name = _REFERENCE_FIELD.get(type(fact))
    return getattr(fact, name) if name else None


def resolve(facts: Sequence[Any]) -> list[Any]:
    """The facts that stand, corrected, in the order they were recorded (which is the order of `facts`)."""
    removed = {f.target for f in facts if isinstance(f, EventRetracted)}
    grew = True
    while grew:
        dependants = {f.key for f in facts if f.key not in removed and _refers_to(f) in removed}
        grew = bool(dependants)
        removed |= dependants
    corrections: dict[str, dict[str, Any]] = {}
    for fact in facts:
        if isinstance(fact, EventCorrected) and fact.key not in removed:
            corrections.setdefault(fact.target, {}).update(fact.fields)  # field by field, the last wins
    standing = []
    for fact in facts:
        if isinstance(fact, EventCorrected | EventRetracted) or fact.key in removed:
            continue
        standing.append(replace(fact, **corrections[fact.key]) if fact.key in corrections else fact)
    return standing
