"""Corrections and retractions through recruitment's operator import keep their own recorded_at (issue 14)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from tests.integration.recruitment.conftest import OPERATOR_TOKEN, Service
from tests.integration.recruitment.flows import events_of

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def _fact(at: str, command: dict[str, Any]) -> dict[str, Any]:
    return {"import_id": f"legacy-{uuid4()}", "recorded_at": at, "command": command}


async def test_an_imported_retraction_counts_from_its_own_recorded_at(recruitment: Service):
    partnership = str(uuid4())
    signed = {"type": "SignPartnership", "partnership_id": partnership, "name": "Guangzhou-Bijie 2019",
              "valid_from": "2019-01-01", "occurred_on": "2019-01-01"}  # fmt: skip
    target = {"type": "SetTarget", "partnership_id": partnership, "metric": "employment_rate",
              "comparison": "at_least", "goal": 0.95, "occurred_on": "2019-01-05"}  # fmt: skip
    facts = [_fact("2019-01-01T09:00:00+08:00", signed), _fact("2019-01-05T09:00:00+08:00", target)]
    first = (await recruitment.client.post("/admin/import", json={"facts": facts}, headers=OPERATOR)).json()
    target_event = first["results"][1]["answer"]["event_id"]
    retraction = {"type": "RetractEvent", "event_id": target_event, "reason": "set for the wrong partnership"}

    answer = (
        await recruitment.client.post(
            "/admin/import", json={"facts": [_fact("2019-03-01T09:00:00+08:00", retraction)]}, headers=OPERATOR
        )
    ).json()

    assert (answer["results"][0]["outcome"], answer["results"][0]["answer"]["type"]) == ("accepted", "EventRetracted")
    facts_kept = await events_of(recruitment, "partnership", partnership, 2)
    [retracted] = await events_of(recruitment, "recruitment", partnership, 1)  # follow-ups travel on the stage topic
    assert [(e.type, e.recorded_at) for e in [*facts_kept, retracted]] == [
        ("PartnershipSigned", datetime.fromisoformat("2019-01-01T09:00:00+08:00")),
        ("TargetSet", datetime.fromisoformat("2019-01-05T09:00:00+08:00")),
        ("EventRetracted", datetime.fromisoformat("2019-03-01T09:00:00+08:00")),
    ]
    assert str(retracted.supersedes) == target_event
