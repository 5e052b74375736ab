"""The import's bulk path (shared/persistence/batch.py) answers as one transaction per fact would: a fact refused
after the batch wrote what it held keeps every fact before it, a key used twice in one request is one fact, and
an applicant's student is found again however the facts naming them fall in and across requests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.recruitment.adapters.vault import vault_for
from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import applicant, events_of
from tests.integration.recruitment.test_import import OPERATOR, legacy_facts
from tests.support.waiting import eventually


async def test_a_fact_refused_after_reading_the_outbox_keeps_the_facts_before_it(recruitment: Service):
    facts, ids = legacy_facts()
    retraction = {"type": "RetractEvent", "event_id": str(uuid4()), "reason": "never recorded"}
    missing = {"import_id": f"{facts[0]['import_id']}-x", "recorded_at": "2019-06-11T09:00:00+08:00",
               "command": retraction}  # fmt: skip
    batch = [*facts[:8], missing, facts[8]]

    first = (await recruitment.client.post("/admin/import", json={"facts": batch}, headers=OPERATOR)).json()
    again = (await recruitment.client.post("/admin/import", json={"facts": batch}, headers=OPERATOR)).json()

    assert [r["outcome"] for r in first["results"]] == ["accepted"] * 8 + ["refused", "accepted"]
    assert first["results"][8]["status"] == 404
    assert [r["outcome"] for r in again["results"]] == ["duplicate"] * 8 + ["refused", "duplicate"]
    assert [r["answer"] for r in again["results"]] == [r["answer"] for r in first["results"]]
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 2)
    assert [e.type for e in student_events] == ["ApplicationSubmitted", "ApplicationDecided"]


async def test_an_import_id_sent_twice_in_one_import_is_one_fact(recruitment: Service):
    facts, ids = legacy_facts()
    repeated = dict(facts[2])
    changed = {**facts[3], "command": {**facts[3]["command"], "party_id": ids["sponsor"]}}

    answer = (
        await recruitment.client.post(
            "/admin/import", json={"facts": [*facts[:4], repeated, changed]}, headers=OPERATOR
        )
    ).json()

    results = answer["results"]
    assert [r["outcome"] for r in results] == ["accepted"] * 3 + ["duplicate", "accepted", "refused"]
    assert results[3]["answer"] == results[2]["answer"]
    assert (results[5]["import_id"], results[5]["status"]) == (facts[3]["import_id"], 409)
    partnership_events = await events_of(recruitment, "partnership", ids["partnership"], 2)
    assert [e.type for e in partnership_events] == ["PartnershipSigned", "MemberJoined"]


async def test_a_fact_refused_by_the_database_is_taken_back_alone(recruitment: Service):
    facts, ids = legacy_facts()
    same_id = {**facts[7]["command"], "applicant": applicant("李娜")}
    clash = {"import_id": f"{facts[0]['import_id']}-clash", "recorded_at": "2019-06-11T09:00:00+08:00",
             "command": same_id}  # fmt: skip

    answer = (
        await recruitment.client.post("/admin/import", json={"facts": [*facts[:8], clash, facts[8]]}, headers=OPERATOR)
    ).json()

    assert [r["outcome"] for r in answer["results"]] == ["accepted"] * 8 + ["refused", "accepted"]
    assert answer["results"][8]["status"] == 409
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 2)
    assert [e.type for e in student_events] == ["ApplicationSubmitted", "ApplicationDecided"]


def applying(prefix: str, n: int, class_id: str, person: dict[str, str], home_region: str = "Anshun") -> dict[str, Any]:
    """The n-th imported application of a test, recorded after the n-1 before it."""
    command = {"type": "SubmitApplication", "application_id": str(uuid4()), "class_id": class_id,
               "applicant": person, "home_region": home_region, "poor_household": False,
               "poor_household_verified_by": "self_declared", "prior_education": "junior secondary",
               "channel": "school", "occurred_on": "2019-06-10"}  # fmt: skip
    return {"import_id": f"{prefix}-apply-{n}", "recorded_at": f"2019-06-10T09:{n:02d}:00+08:00", "command": command}


async def imported(recruitment: Service, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = await recruitment.client.post("/admin/import", json={"facts": facts}, headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    results: list[dict[str, Any]] = answer.json()["results"]
    return results


async def two_classes(recruitment: Service) -> list[str]:
    facts, ids = legacy_facts()
    opened = facts[6]
    second = {**opened, "import_id": f"{opened['import_id']}-b",
              "command": {**opened["command"], "class_id": str(uuid4()), "name": "Xinwanda class 2019 B"}}  # fmt: skip
    assert {r["outcome"] for r in await imported(recruitment, [*facts[:7], second])} == {"accepted"}
    return [ids["class"], second["command"]["class_id"]]


@contextlib.asynccontextmanager
async def database(recruitment: Service) -> AsyncIterator[asyncpg.Connection]:
    schema = f"recruitment{recruitment.settings.schema_suffix}"
    conn = await asyncpg.connect(recruitment.settings.database_url, server_settings={"search_path": schema})
    try:
        yield conn
    finally:
        await conn.close()


async def returning_applicants(recruitment: Service, *, in_one_request: bool) -> tuple[list[Any], list[Any], list[Any]]:
    """Applicant 0 applies before the import; in it, applicant 1 twice (to the two classes, then again to the
    first), 0 to the second class and again to the first, and 2 once. The answers and the rows, every id replaced
    by its order of appearance."""
    classes = await two_classes(recruitment)
    prefix, people = uuid4().hex[:8], [applicant(name) for name in ("张伟", "李娜", "王芳")]
    before = await imported(recruitment, [applying(prefix, 0, classes[0], people[0])])
    plan = [(1, 0, "Anshun"), (0, 1, "Bijie"), (1, 1, "Zunyi"), (0, 0, "Anshun"), (2, 0, "Anshun"), (1, 0, "Anshun")]
    facts = [applying(prefix, n, classes[c], people[p], region) for n, (p, c, region) in enumerate(plan, start=1)]
    if in_one_request:
        results = await imported(recruitment, facts)
    else:
        results = [result for fact in facts for result in await imported(recruitment, [fact])]
    students = [before[0]["answer"]["student_id"]]
    for result in results:
        if result["answer"] and result["answer"]["student_id"] not in students:
            students.append(result["answer"]["student_id"])
    answers = [
        (r["outcome"], r["status"], r["answer"] and students.index(r["answer"]["student_id"]),
         r["problem"] and r["problem"]["code"])
        for r in results
    ]  # fmt: skip
    application_ids = [UUID(fact["command"]["application_id"]) for fact in facts]
    async with database(recruitment) as conn:
        student_rows = await conn.fetch(
            "SELECT student_id, home_region FROM students WHERE student_id = ANY($1::uuid[]) ORDER BY seq", students
        )
        application_rows = await conn.fetch(
            "SELECT application_id, student_id, class_id, home_region FROM applications"
            " WHERE class_id = ANY($1::uuid[]) ORDER BY seq",
            classes,
        )
    return (
        answers,
        [(students.index(str(row["student_id"])), row["home_region"]) for row in student_rows],
        [
            (application_ids.index(row["application_id"]) if row["application_id"] in application_ids else "before",
             students.index(str(row["student_id"])), classes.index(str(row["class_id"])), row["home_region"])
            for row in application_rows
        ],
    )  # fmt: skip


async def test_returning_applicants_imported_in_one_request_get_the_answers_and_rows_of_a_request_each(
    recruitment: Service,
):
    together = await returning_applicants(recruitment, in_one_request=True)
    alone = await returning_applicants(recruitment, in_one_request=False)

    answers, students, applications = together
    assert [(outcome, student) for outcome, _, student, _ in answers] == [
        ("accepted", 1), ("accepted", 0), ("accepted", 1), ("refused", None), ("accepted", 2), ("refused", None)
    ]  # fmt: skip
    assert students == [(0, "Bijie"), (1, "Zunyi"), (2, "Anshun")], "one row each, the latest region kept"
    assert len(applications) == 5
    assert together == alone


async def test_a_student_another_transaction_adds_while_the_import_holds_the_same_one_is_found_again(
    recruitment: Service,
):
    classes = await two_classes(recruitment)
    prefix, people = uuid4().hex[:8], [applicant(name) for name in ("张伟", "李娜", "王芳")]
    facts = [applying(prefix, n, classes[0], person, "Bijie") for n, person in enumerate(people)]
    vault = vault_for(recruitment.settings.national_id_key)
    rival = uuid4()
    sealed = [vault.seal(rival, name, people[1][key]) for name, key in
              (("national_id", "national_id"), ("name", "name"), ("hukou", "household_registration"))]  # fmt: skip

    async with database(recruitment) as other, database(recruitment) as watcher, other.transaction():
        await other.execute(
            "INSERT INTO students (student_id, national_id_digest, national_id_sealed, name_sealed, hukou_sealed,"
            " home_region, created_at) VALUES ($1, $2, $3, $4, $5, 'Anshun', now())",
            rival,
            vault.digest(people[1]["national_id"]),
            *sealed,
        )
        importing = asyncio.create_task(imported(recruitment, facts))

        async def blocked_by_the_rival() -> bool:
            return bool(
                await watcher.fetchval(
                    "SELECT true FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO students%'"
                )
            )

        await eventually(blocked_by_the_rival)
    results = await importing

    assert [r["outcome"] for r in results] == ["accepted"] * 3
    student_ids = [r["answer"]["student_id"] for r in results]
    assert student_ids[1] == str(rival)
    assert len(set(student_ids)) == 3
    async with database(recruitment) as conn:
        rows = await conn.fetch(
            "SELECT s.student_id, s.home_region, count(a.*) AS applications FROM students s"
            " LEFT JOIN applications a USING (student_id) WHERE s.student_id = ANY($1::uuid[]) GROUP BY s.student_id",
            student_ids,
        )
    assert {(str(row["student_id"]), row["home_region"], row["applications"]) for row in rows} == {
        (student_id, "Bijie", 1) for student_id in student_ids
    }
