from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import httpx

from shared.config import ServiceSettings
from shared.security.identity import Role
from tests.integration.employment.conftest import (
    OPERATOR_TOKEN,
    Cycle,
    credit_code,
    employment_events,
    placement_body,
    student_in,
)
from tests.support.http import authenticated, provision

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def _check(placement) -> dict:
    return {
        "type": "CheckRetention",
        "placement_id": str(placement),
        "checkpoint_days": 90,
        "still_employed": True,
        "same_employer": True,
        "occurred_on": "2024-10-01",
        "evidence": "employer_confirmation",
    }


def _placed(student, placement=None, **changes) -> dict:
    ids = {"placement_id": str(placement)} if placement else {}
    return {"type": "PlaceStudent", "student_id": str(student), **ids, **placement_body(credit_code(), **changes)}


def _facts(student, placement, withdrawn_student) -> list[dict]:
    return [
        {
            "import_id": f"legacy-check-{placement}",
            "recorded_at": "2024-10-05T09:00:00+08:00",
            "command": _check(placement),
        },
        {
            "import_id": f"legacy-placement-{placement}",
            "recorded_at": "2024-08-01T09:00:00+08:00",
            "command": _placed(student, placement, start_on=date(2024, 7, 1), occurred_on="2024-07-20"),
        },
        {
            "import_id": f"legacy-withdrawn-{withdrawn_student}",
            "recorded_at": "2024-08-02T09:00:00+08:00",
            "command": _placed(withdrawn_student, start_on=date(2024, 7, 1)),
        },
    ]


async def test_the_import_is_closed_without_the_import_scope(
    employment: httpx.AsyncClient, service_settings: ServiceSettings
):
    body = {"facts": _facts(uuid4(), uuid4(), uuid4())}
    enterprise = await provision(service_settings, Role.ENTERPRISE, uuid4())
    async with authenticated(employment, None) as anonymous, authenticated(employment, enterprise) as party:
        assert (await anonymous.post("/admin/import", json=body)).status_code == 401
        assert (await party.post("/admin/import", json=body)).status_code == 403


async def test_imported_facts_keep_their_recorded_at_run_through_the_same_rules_in_order_and_only_once(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student, placement, withdrawn = uuid4(), uuid4(), uuid4()
    await cycle.graduate(student, date(2024, 6, 30))
    await cycle.enrol(withdrawn)
    await cycle.withdraw(withdrawn, date(2024, 5, 1))
    await student_in(employment, student, "graduated")
    await student_in(employment, withdrawn, "withdrawn")
    body = {"facts": _facts(student, placement, withdrawn)}

    first = await employment.post("/admin/import", json=body, headers=OPERATOR)
    repeat = await employment.post("/admin/import", json=body, headers=OPERATOR)

    assert first.status_code == 200, first.text
    report = first.json()
    assert [(r["import_id"].split("-")[1], r["outcome"], r["status"]) for r in report["results"]] == [
        ("placement", "accepted", 201),
        ("withdrawn", "refused", 409),
        ("check", "accepted", 201),
    ], "run in recorded_at order, past the refused fact: the check follows its placement"
    assert (report["accepted"], report["duplicate"], report["held"], report["refused"]) == (2, 0, 0, 1)
    refusal = report["results"][1]["problem"]
    assert (refusal["code"], "withdrew" in refusal["detail"]) == ("illegal_transition", True)
    assert report["results"][0]["answer"]["subject_id"] == str(placement)
    again = repeat.json()
    assert [r["outcome"] for r in again["results"]] == ["duplicate", "refused", "duplicate"]
    assert [r["answer"] for r in again["results"]] == [r["answer"] for r in report["results"]]
    events = [e for e in await employment_events(cycle, 2) if e.student_id == student]
    assert [(e.type, e.recorded_at, e.occurred_on) for e in events] == [
        ("Placed", datetime(2024, 8, 1, 1, tzinfo=UTC), date(2024, 7, 20)),
        ("RetentionChecked", datetime(2024, 10, 5, 1, tzinfo=UTC), date(2024, 10, 1)),
    ]
    assert (await employment.get(f"/placements/{placement}")).json()["recorded_at"].startswith("2024-08-01T01:00:00")

    correction = {
        "import_id": f"legacy-correction-{placement}",
        "recorded_at": "2024-11-01T09:00:00+08:00",
        "command": {
            "type": "CorrectEvent",
            "event_id": report["results"][0]["answer"]["event_id"],
            "fields": {"monthly_wage": "5600.00"},
            "reason": "wage misread from the contract",
        },
    }
    corrected = await employment.post("/admin/import", json={"facts": [correction]}, headers=OPERATOR)
    assert corrected.json()["accepted"] == 1, corrected.text
    [event] = [e for e in await employment_events(cycle, 3) if e.type == "EventCorrected"]
    assert event.recorded_at == datetime(2024, 11, 1, 1, tzinfo=UTC), "issue 14: a correction counts from its time"
    assert (await employment.get(f"/placements/{placement}")).json()["monthly_wage"] == "5600.00"


async def test_a_fact_for_a_student_in_training_is_held_and_a_placement_without_an_id_gets_one(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student = uuid4()
    await cycle.enrol(student)
    await student_in(employment, student, "enrolled")
    fact = {
        "import_id": f"legacy-held-{student}",
        "recorded_at": "2024-08-01T09:00:00+08:00",
        "command": _placed(student, start_on=date(2024, 7, 1)),
    }
    unknown = {**fact, "import_id": f"legacy-unknown-{student}", "command": _placed(uuid4())}

    response = await employment.post("/admin/import", json={"facts": [fact, unknown]}, headers=OPERATOR)

    held, refused = response.json()["results"]
    assert (held["outcome"], held["status"], held["answer"]["status"]) == ("held", 202, "held")
    assert (refused["outcome"], refused["status"], refused["problem"]["code"]) == ("refused", 404, "not_found")
    assert UUID(held["answer"]["subject_id"])
    one = (await employment.get(f"/held-facts/{held['answer']['held_id']}")).json()
    assert one["received_at"].startswith("2024-08-01T01:00:00")
