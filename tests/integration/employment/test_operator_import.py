from datetime import UTC, date, datetime
from uuid import uuid4

import httpx

from tests.integration.employment.conftest import (
    OPERATOR_TOKEN,
    Cycle,
    credit_code,
    employment_events,
    placement_body,
    student_in,
)

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def _facts(student, placement, withdrawn_student) -> list[dict]:
    return [
        {
            "import_id": f"legacy-check-{placement}",
            "recorded_at": "2024-10-05T09:00:00+08:00",
            "kind": "retention_checked",
            "placement_id": str(placement),
            "fact": {
                "checkpoint_days": 90,
                "still_employed": True,
                "same_employer": True,
                "occurred_on": "2024-10-01",
                "evidence": "employer_confirmation",
            },
        },
        {
            "import_id": f"legacy-placement-{placement}",
            "recorded_at": "2024-08-01T09:00:00+08:00",
            "kind": "placed",
            "student_id": str(student),
            "placement_id": str(placement),
            "fact": placement_body(credit_code(), date(2024, 7, 1), occurred_on="2024-07-20"),
        },
        {
            "import_id": f"legacy-withdrawn-{withdrawn_student}",
            "recorded_at": "2024-08-02T09:00:00+08:00",
            "kind": "placed",
            "student_id": str(withdrawn_student),
            "placement_id": str(uuid4()),
            "fact": placement_body(credit_code(), date(2024, 7, 1)),
        },
    ]


async def test_the_import_is_closed_without_the_operator_token(employment: httpx.AsyncClient):
    body = {"facts": _facts(uuid4(), uuid4(), uuid4())}
    assert (await employment.post("/admin/import", json=body)).status_code == 403
    wrong = await employment.post("/admin/import", json=body, headers={"X-Operator-Token": "guess"})
    assert wrong.status_code == 403


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
    results = first.json()["results"]
    assert [(r["import_id"].split("-")[1], r["status_code"]) for r in results] == [
        ("placement", 201),
        ("withdrawn", 409),
        ("check", 201),
    ], "run in recorded_at order: the check follows its placement"
    assert repeat.json() == first.json()
    events = [e for e in await employment_events(cycle, 2) if e.student_id == student]
    assert [(e.type, e.recorded_at, e.occurred_on) for e in events] == [
        ("Placed", datetime(2024, 8, 1, 1, tzinfo=UTC), date(2024, 7, 20)),
        ("RetentionChecked", datetime(2024, 10, 5, 1, tzinfo=UTC), date(2024, 10, 1)),
    ]
    assert (await employment.get(f"/placements/{placement}")).json()["recorded_at"].startswith("2024-08-01T01:00:00")
