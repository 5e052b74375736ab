"""Following corrections of this service's own facts in its state (DOMAIN.md: corrections apply field by field).

The EventCorrected itself is written by the shared correction route; this hook, in the same transaction, writes the
corrected fields into the rows the rules read (a class's seats, a decision, an agreement's terms) and checks the
result against the same rules, so a correction that would break one is refused like the command would be.
Ids and references (a class's school or programme, an application's class) cannot be corrected: retract the fact
and record it again.
"""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import UUID

import asyncpg

from services.recruitment.adapters.db import parties
from services.recruitment.adapters.db import partnerships as partnership_rows
from services.recruitment.domain import classes as class_rules
from services.recruitment.domain import partnerships as partnership_rules
from services.recruitment.domain.parties import require_role
from services.recruitment.handlers.errors import translated
from services.recruitment.handlers.partnerships import refold_terms
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import PartnershipAmended, PartnershipSigned, PartyRole
from shared.web.errors import Conflict, IllegalTransition, InvalidFact, NotFound

# event type -> (table, column holding the event id, {payload field: column})
STATE: dict[str, tuple[str, str, dict[str, str]]] = {
    "ClassOpened": (
        "classes",
        "opened_event_id",
        {f: f for f in ("name", "major", "seats", "cohort_year", "planned_start", "planned_end", "hiring_commitment")},
    ),
    "ApplicationSubmitted": (
        "applications",
        "event_id",
        {
            "home_region": "home_region",
            "poor_household": "poor_household",
            "poor_household_verified_by": "verified_by",
            "prior_education": "prior_education",
            "channel": "channel",
        },
    ),
    "ApplicationDecided": ("decisions", "event_id", {"decision": "decision", "reason": "reason"}),
    "StudentEnrolled": ("enrolments", "enrolment_id", {"start_on": "start_on", "planned_end_on": "planned_end_on"}),
    "EnrollmentCancelled": ("enrolments", "cancelled_event_id", {"reason": "cancel_reason"}),
    "EmploymentIntentSigned": ("employment_intents", "event_id", {"employer_id": "employer_id"}),
    "ExclusionApplied": ("exclusions", "event_id", {"reason": "reason"}),
    "PartnershipEnded": ("partnerships", "ended_event_id", {"reason": "end_reason"}),
    "MemberJoined": ("memberships", "joined_event_id", {"member_role": "member_role"}),
    "MemberLeft": ("memberships", "left_event_id", {"reason": "left_reason"}),
    "TargetSet": ("targets", "event_id", {f: f for f in ("metric", "comparison", "goal", "class_id")}),
    "ProgrammeRegistered": ("programmes", "event_id", {"name": "name"}),
    "FundingRecorded": (
        "funding",
        "event_id",
        {f: f for f in ("amount_yuan", "source", "period_start", "period_end")},
    ),
}
IDENTITIES = frozenset(
    {
        "application_id",
        "class_id",
        "programme_id",
        "school_id",
        "sponsor_id",
        "sponsor_credit_code",
        "party_id",
        "target_id",
        "funding_id",
    }
)


def _column_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _corrected(target: Envelope, fields: dict[str, Any]) -> EventPayload:
    return type(target.data).model_validate({**target.data_json(), **fields})


async def _write(conn: asyncpg.Connection, target: Envelope, corrected: EventPayload, fields: set[str]) -> None:
    table, key, columns = STATE[target.type]
    refused = sorted((fields & IDENTITIES) - set(columns))
    if refused:
        raise Conflict(f"{refused} of a {target.type} cannot be corrected; retract it and record it again")
    chosen = [(columns[f], _column_value(getattr(corrected, f))) for f in sorted(fields) if f in columns]
    if chosen:
        assignments = ", ".join(f"{column} = ${n}" for n, (column, _) in enumerate(chosen, start=2))
        await conn.execute(
            f"UPDATE {table} SET {assignments} WHERE {key} = $1", target.id, *(value for _, value in chosen)
        )


async def _row(conn: asyncpg.Connection, sql: str, target: Envelope) -> asyncpg.Record:
    row = await conn.fetchrow(sql, target.id)
    if row is None:
        raise NotFound(f"the state recorded by {target.type} {target.id} is gone")
    return row


async def _check_class(conn: asyncpg.Connection, target: Envelope) -> None:
    row = await _row(
        conn,
        "SELECT seats, hiring_commitment, planned_start, planned_end, (SELECT count(*) FROM enrolments e"
        " WHERE e.class_id = c.class_id AND e.cancelled_on IS NULL AND NOT e.retracted) AS enrolled"
        " FROM classes c WHERE opened_event_id = $1",
        target,
    )
    class_rules.check_terms(
        row["seats"], row["hiring_commitment"], row["planned_start"], row["planned_end"], row["enrolled"]
    )


async def _check_enrolment(conn: asyncpg.Connection, target: Envelope) -> None:
    row = await _row(conn, "SELECT start_on, planned_end_on FROM enrolments WHERE enrolment_id = $1", target)
    if row["planned_end_on"] <= row["start_on"]:
        raise InvalidFact(f"planned_end_on {row['planned_end_on']} is not after start_on {row['start_on']}")


async def _check_decision(conn: asyncpg.Connection, target: Envelope, corrected: EventPayload) -> None:
    enrolled = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM enrolments e JOIN decisions d USING (application_id)"
        " WHERE d.event_id = $1 AND NOT e.retracted)",
        target.id,
    )
    if enrolled and getattr(corrected, "decision", None) != getattr(target.data, "decision", None):
        raise IllegalTransition("the application was enrolled; retract the enrolment before changing its decision")


async def _check_employer(conn: asyncpg.Connection, corrected: EventPayload) -> None:
    employer_id = corrected.employer_id  # type: ignore[attr-defined]  # EmploymentIntentSigned
    employer = await parties.get(conn, employer_id)
    if employer is None:
        raise NotFound(f"no party {employer_id}")
    require_role(employer, PartyRole.ENTERPRISE, "the employer")


async def _check_funding(corrected: EventPayload) -> None:
    data = corrected.model_dump()
    partnership_rules.check_funding(data["amount_yuan"], data["period_start"], data["period_end"])


async def _check_parent(conn: asyncpg.Connection, partnership_id: UUID, parent_id: UUID | None) -> None:
    if parent_id is None:
        return
    parent = await partnership_rows.get(conn, parent_id)
    if parent is None:
        raise NotFound(f"no parent partnership {parent_id}")
    partnership_rules.check_parent(partnership_id, parent, await partnership_rows.ancestors(conn, parent_id))


async def _refold(conn: asyncpg.Connection, partnership_id: UUID) -> None:
    await refold_terms(conn, partnership_id)
    signed, amendments = await partnership_rows.signed_and_amendments(conn, partnership_id)
    partnership_rules.check_terms(partnership_rules.current_terms(signed, amendments))


async def on_corrected(conn: asyncpg.Connection, target: Envelope, correction: Envelope) -> None:
    fields: dict[str, Any] = correction.data.fields  # type: ignore[attr-defined]  # an EventCorrected
    corrected = _corrected(target, fields)
    with translated():
        if isinstance(corrected, PartnershipSigned | PartnershipAmended):
            if "parent_id" in fields:
                await _check_parent(conn, target.partnership_id, corrected.parent_id)
            if isinstance(corrected, PartnershipSigned):
                await partnership_rows.save_signed(conn, target.partnership_id, corrected)
            else:
                await partnership_rows.save_amendment(conn, target.id, corrected)
            await _refold(conn, target.partnership_id)
        elif target.type in STATE:
            await _write(conn, target, corrected, set(fields))
            await _check(conn, target, corrected)


async def _check(conn: asyncpg.Connection, target: Envelope, corrected: EventPayload) -> None:
    if target.type == "ClassOpened":
        await _check_class(conn, target)
    elif target.type == "StudentEnrolled":
        await _check_enrolment(conn, target)
    elif target.type == "ApplicationDecided":
        await _check_decision(conn, target, corrected)
    elif target.type == "EmploymentIntentSigned":
        await _check_employer(conn, corrected)
    elif target.type == "FundingRecorded":
        await _check_funding(corrected)
