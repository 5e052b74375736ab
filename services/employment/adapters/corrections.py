"""What a correction of one of employment's own events changes in its records (shared correct's hook).

The EventCorrected itself comes from shared/web/corrections.py (a new event, never an edit); this keeps the
projections in step, so a corrected start_on moves the checks due and a corrected credit code the relation.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.employment.adapters.db import Partnerships
from services.employment.adapters.records import update_columns
from services.employment.domain.partnership import decide_relation, normalize_code
from shared.contracts.corrections import EventCorrected
from shared.contracts.employment import Placed, RetentionChecked
from shared.contracts.envelope import Envelope
from shared.errors import Conflict, InvalidFact

# event type -> (table, key column, key field of the payload or None for the event id, {payload field: column})
_PROJECTED: dict[str, tuple[str, str, str | None, dict[str, str]]] = {
    "JobOffered": (
        "offers",
        "offer_id",
        "offer_id",
        {
            "employer_name": "employer_name",
            "employer_credit_code": "employer_credit_code",
            "monthly_wage": "monthly_wage",
        },
    ),
    "OfferDeclined": ("offers", "offer_id", "offer_id", {"reason": "decline_reason"}),
    "Placed": (
        "placements",
        "placement_id",
        "placement_id",
        {
            name: name
            for name in (
                "employer_name",
                "employer_credit_code",
                "employer_type",
                "location",
                "related_to_training",
                "monthly_wage",
                "contract_type",
                "social_insurance",
                "start_on",
            )
        },
    ),
    "EmploymentEnded": ("placements", "placement_id", "placement_id", {"last_day": "last_day", "reason": "end_reason"}),
    "FurtherStudyEntered": (
        "further_studies",
        "event_id",
        None,
        {"institution": "institution", "start_on": "start_on"},
    ),
    "RetentionChecked": (
        "retention_checks",
        "check_id",
        None,
        {
            "checkpoint_days": "checkpoint_days",
            "still_employed": "still_employed",
            "same_employer": "same_employer",
            "monthly_wage": "monthly_wage",
        },
    ),
    "HouseholdStatusUpdated": (
        "household_updates",
        "event_id",
        None,
        {"poor_household": "poor_household", "status": "status"},
    ),
}
_IDS = {"offer_id", "placement_id"}


def _value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


async def apply_correction(conn: asyncpg.Connection, target: Envelope, correction: Envelope) -> None:
    if not isinstance(correction.data, EventCorrected):
        return
    fields = dict(correction.data.fields)
    if target.type not in _PROJECTED:
        return
    if _IDS & set(fields):
        raise Conflict("an id cannot be corrected: retract the event and send the fact again")
    table, key, key_field, columns = _PROJECTED[target.type]
    corrected = type(target.data).model_validate({**target.data_json(), **fields})
    values = {columns[f]: _value(getattr(corrected, f)) for f in fields if f in columns}
    if isinstance(corrected, Placed) and {"employer_credit_code", "start_on"} & set(fields):
        employers = await Partnerships(conn).employers(target.partnership_id, target.class_id)
        values["employer_credit_code"] = normalize_code(corrected.employer_credit_code)
        values["relation"] = decide_relation(
            corrected.employer_credit_code, employers.sponsor_credit_code, employers.partners, corrected.start_on
        ).value
    if isinstance(corrected, RetentionChecked):
        checkpoints = await Partnerships(conn).checkpoints(target.partnership_id)
        if corrected.checkpoint_days not in checkpoints:
            raise InvalidFact(f"{corrected.checkpoint_days} days is not a check-point; they are {list(checkpoints)}")
    key_value = getattr(target.data, key_field) if key_field else target.id
    await update_columns(conn, table, key, key_value, values)
