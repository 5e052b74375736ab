"""The HTTP commands that record a programme's parties, agreements, classes and hours (no student yet).

Each `Call` names the service, the path and the JSON body; `fact_key` gives its Idempotency-Key and the key
under which the event it records is remembered (to correct or retract it later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from simulation.context import later
from simulation.ids import Ids, jsonable
from simulation.scenario import (
    SCHOOL_RECORD,
    EventCorrected,
    EventRetracted,
    HoursLogged,
    HoursVerified,
    Partnership,
    Party,
    SchoolClass,
)

RECRUITMENT, TRAINING, EMPLOYMENT = "recruitment", "training", "employment"


@dataclass(frozen=True, slots=True)
class Call:
    service: str
    path: str
    body: dict[str, Any]
    fact_key: str
    learn: tuple[str, str] | None = None  # (response field, key): an id the service generated, kept under key

    @classmethod
    def of(cls, service: str, path: str, fact_key: str, learn: tuple[str, str] | None = None, **body: Any) -> Call:
        return cls(service, path, jsonable(body), fact_key, learn)


def party_call(party: Party, ids: Ids) -> Call:
    return Call.of(
        RECRUITMENT,
        "/parties",
        f"party.{party.key}",
        party_id=ids.of(party.key),
        name=party.name,
        role=party.role,
        region=party.region,
        locality=party.locality,
        credit_code=party.credit_code,
    )


def signing_call(p: Partnership, ids: Ids) -> Call:
    return Call.of(
        RECRUITMENT,
        "/partnerships",
        f"{p.key}.signed",
        partnership_id=ids.of(p.key),
        name=p.name,
        kind=p.kind,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
        parent_id=ids.of(p.parent) if p.parent else None,
        east_region=p.east_region,
        west_region=p.west_region,
        retention_checkpoints=list(p.checkpoints),
        occurred_on=p.signed_on,
    )


def terms_calls(p: Partnership, ids: Ids) -> list[Call]:
    """Members, programmes and amendments: what classes need before they open."""
    base = f"/partnerships/{ids.of(p.key)}"
    calls = [
        Call.of(
            RECRUITMENT,
            f"{base}/members",
            f"{p.key}.member.{m.party}",
            party_id=ids.of(m.party),
            member_role=m.member_role,
            occurred_on=m.joined_on,
        )
        for m in p.members
    ]
    calls += [
        Call.of(
            RECRUITMENT,
            f"{base}/programmes",
            g.key,
            programme_id=ids.of(g.key),
            name=g.name,
            occurred_on=g.registered_on,
        )
        for g in p.programmes
    ]
    calls += [
        Call.of(RECRUITMENT, f"{base}/amendments", a.key, parent_id=ids.of(a.parent), occurred_on=a.occurred_on)
        for a in p.amendments
    ]
    return calls


def ledger_calls(p: Partnership, ids: Ids) -> list[Call]:
    """Targets (a class-level one names its class, so they come after the classes) and funding."""
    base = f"/partnerships/{ids.of(p.key)}"
    calls = [
        Call.of(
            RECRUITMENT,
            f"{base}/targets",
            t.key,
            target_id=ids.of(t.key),
            metric=t.metric,
            comparison=t.comparison,
            goal=t.goal,
            class_id=ids.of(t.class_key) if t.class_key else None,
            occurred_on=t.set_on,
        )
        for t in p.targets
    ]
    calls += [
        Call.of(
            RECRUITMENT,
            f"{base}/funding",
            f.key,
            funding_id=ids.of(f.key),
            amount_yuan=f.amount_yuan,
            source=f.source,
            period_start=f.period_start,
            period_end=f.period_end,
            occurred_on=f.recorded_on,
        )
        for f in p.funding
    ]
    return calls


def closing_calls(p: Partnership, ids: Ids) -> list[Call]:
    """Members leaving and the agreement ending come last: nothing can join or open after an ending."""
    base = f"/partnerships/{ids.of(p.key)}"
    calls = [
        Call.of(
            RECRUITMENT,
            f"{base}/members/{ids.of(m.party)}/leaving",
            f"{p.key}.member.{m.party}.left",
            reason="left the partnership",
            occurred_on=m.left_on,
        )
        for m in p.members
        if m.left_on
    ]
    if p.ended_on:
        calls.append(
            Call.of(RECRUITMENT, f"{base}/ending", f"{p.key}.ended", reason="agreement expired", occurred_on=p.ended_on)
        )
    return calls


def opening_call(c: SchoolClass, ids: Ids) -> Call:
    return Call.of(
        RECRUITMENT,
        "/classes",
        f"{c.key}.opened",
        class_id=ids.of(c.key),
        partnership_id=ids.of(c.partnership),
        programme_id=ids.of(c.programme),
        school_id=ids.of(c.school),
        sponsor_id=ids.of(c.sponsor),
        name=c.name,
        major=c.major,
        seats=c.seats,
        cohort_year=c.cohort_year,
        planned_start=c.planned_start,
        planned_end=c.planned_end,
        hiring_commitment=c.hiring_commitment,
        occurred_on=c.opened_on,
    )


def closing_call(c: SchoolClass, ids: Ids) -> Call | None:
    if c.closed_on is None:
        return None
    return Call.of(RECRUITMENT, f"/classes/{ids.of(c.key)}/closure", f"{c.key}.closed", occurred_on=c.closed_on)


def plan_call(c: SchoolClass, ids: Ids, today: date) -> Call:
    modules = [{"name": m.name, "planned_hours": m.planned_hours, "taught_by": m.taught_by} for m in c.modules]
    return Call.of(
        TRAINING,
        f"/classes/{ids.of(c.key)}/plans",
        f"{c.key}.plan",
        modules=modules,
        occurred_on=min(later(c.opened_on, 5), today),
        agreed_by=ids.of(c.school),
    )


def class_fact_call(fact: HoursLogged | HoursVerified | EventCorrected | EventRetracted, ids: Ids) -> Call:
    match fact:
        case HoursLogged():
            return Call.of(
                TRAINING,
                f"/classes/{ids.of(fact.class_key)}/hours-logs",
                fact.key,
                module=fact.module,
                hours=fact.hours,
                taught_by=fact.taught_by,
                logged_by=ids.of(fact.logged_by),
                occurred_on=fact.occurred_on,
                log_id=ids.of(fact.key),
                evidence=SCHOOL_RECORD,
            )
        case HoursVerified():
            return Call.of(
                TRAINING,
                f"/hours-logs/{ids.of(fact.log)}/verifications",
                fact.key,
                hours_accepted=fact.hours_accepted,
                verified_by=ids.of(fact.verified_by),
                occurred_on=fact.occurred_on,
            )
    return follow_up_call(fact, ids)


def follow_up_call(fact: EventCorrected | EventRetracted, ids: Ids) -> Call:
    """A correction or retraction goes to the service that recorded its target, naming the target's event."""
    target = ids.events[fact.target]
    base = f"/events/{target.event_id}"
    if isinstance(fact, EventCorrected):
        return Call.of(
            target.service,
            f"{base}/corrections",
            fact.key,
            fields=fact.fields,
            reason=fact.reason,
            evidence=fact.evidence,
            occurred_on=fact.occurred_on,
        )
    return Call.of(
        target.service,
        f"{base}/retractions",
        fact.key,
        reason=fact.reason,
        evidence=fact.evidence,
        occurred_on=fact.occurred_on,
    )
