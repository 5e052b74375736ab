"""The import: original recorded_at, the same rules and scopes, in order, idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from shared.security.identity import Role, Scope
from tests.integration.recruitment.conftest import OPERATOR_TOKEN, Service
from tests.integration.recruitment.flows import applicant, credit_code, events_of
from tests.support.http import authenticated, provision

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def legacy_facts() -> tuple[list[dict[str, Any]], dict[str, str]]:
    ids = {name: str(uuid4()) for name in ("school", "sponsor", "partnership", "programme", "class", "application")}
    prefix = uuid4().hex[:8]

    def fact(n: int, at: str, **command: Any) -> dict[str, Any]:
        return {"import_id": f"{prefix}-{n}", "recorded_at": at, "command": command}

    member = {"type": "AdmitMember", "partnership_id": ids["partnership"], "occurred_on": "2019-01-02"}
    facts = [
        fact(1, "2019-01-01T08:00:00+08:00", type="RegisterParty", party_id=ids["school"], name="Anshun Ethnic School",
             role="school", region="west", locality="Anshun"),
        fact(2, "2019-01-01T08:01:00+08:00", type="RegisterParty", party_id=ids["sponsor"], name="Xinwanda",
             role="enterprise", region="east", locality="Guangzhou", credit_code=credit_code()),
        fact(3, "2019-01-01T09:00:00+08:00", type="SignPartnership", partnership_id=ids["partnership"],
             name="Guangzhou-Anshun 2019", valid_from="2019-01-01", occurred_on="2019-01-01"),
        fact(4, "2019-01-02T09:00:00+08:00", **member, party_id=ids["school"]),
        fact(5, "2019-01-02T09:01:00+08:00", **member, party_id=ids["sponsor"]),
        fact(6, "2019-01-03T09:00:00+08:00", type="RegisterProgramme", partnership_id=ids["partnership"],
             programme_id=ids["programme"], name="Guangdong Technicians", occurred_on="2019-01-03"),
        fact(7, "2019-06-01T09:00:00+08:00", type="OpenClass", class_id=ids["class"],
             partnership_id=ids["partnership"], programme_id=ids["programme"], school_id=ids["school"],
             sponsor_id=ids["sponsor"], name="Xinwanda class 2019", major="Electronics", seats=30, cohort_year=2019,
             planned_start="2019-09-01", planned_end="2021-06-30", hiring_commitment=30, occurred_on="2019-06-01"),
        fact(8, "2019-06-10T09:00:00+08:00", type="SubmitApplication", application_id=ids["application"],
             class_id=ids["class"], applicant=applicant("张伟"), home_region="Anshun", poor_household=False,
             poor_household_verified_by="self_declared", prior_education="junior secondary", channel="school",
             occurred_on="2019-06-10"),
        fact(9, "2019-07-01T09:00:00+08:00", type="DecideApplication", application_id=ids["application"],
             decision="admitted", occurred_on="2019-07-01"),
        fact(10, "2019-09-01T09:00:00+08:00", type="EnrolStudent", application_id=ids["application"],
             start_on="2019-09-01", planned_end_on="2021-06-30", occurred_on="2019-09-01"),
        fact(11, "2019-09-20T09:00:00+08:00", type="CancelEnrolment", application_id=ids["application"],
             reason="moved away", occurred_on="2019-09-20"),
    ]  # fmt: skip
    return facts, ids


async def test_a_partys_client_with_the_import_scope_imports_only_what_its_role_and_memberships_allow(
    recruitment: Service,
):
    facts, ids = legacy_facts()
    setup, students = facts[:7], facts[7:]
    assert (await recruitment.client.post("/admin/import", json={"facts": setup}, headers=OPERATOR)).json()[
        "accepted"
    ] == len(setup)
    school = await provision(recruitment.settings, Role.SCHOOL, UUID(ids["school"]), frozenset({Scope.IMPORT}))
    sponsor = await provision(recruitment.settings, Role.ENTERPRISE, UUID(ids["sponsor"]), frozenset({Scope.IMPORT}))
    stranger = await provision(recruitment.settings, Role.SCHOOL, uuid4(), frozenset({Scope.IMPORT}))
    register = {**facts[0], "command": {**facts[0]["command"], "party_id": str(uuid4())}}

    async with (
        authenticated(recruitment.client, school) as as_school,
        authenticated(recruitment.client, sponsor) as as_sponsor,
        authenticated(recruitment.client, stranger) as as_stranger,
    ):
        by_sponsor = (await as_sponsor.post("/admin/import", json={"facts": students})).json()
        by_stranger = (await as_stranger.post("/admin/import", json={"facts": students})).json()
        by_school = (await as_school.post("/admin/import", json={"facts": [*students, register]})).json()
        party = {k: v for k, v in register["command"].items() if k not in ("type", "party_id")}
        registered_live = await as_school.post("/parties", json=party)

    for refused in (by_sponsor, by_stranger):
        assert [(r["outcome"], r["status"]) for r in refused["results"]][0] == ("refused", 403)
        assert refused["accepted"] == 0
        assert {r["problem"]["code"] for r in refused["results"]} <= {"forbidden", "not_found", "illegal_transition"}
    assert [r["outcome"] for r in by_school["results"]] == ["refused"] + ["accepted"] * len(students), "by date"
    assert by_school["results"][0]["problem"]["code"] == "forbidden", "a school registers no party"
    assert registered_live.status_code == 403, registered_live.text
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 4)
    assert [(e.type, e.recorded_at) for e in student_events] == [
        (type_, datetime.fromisoformat(f["recorded_at"]))
        for type_, f in zip(
            ("ApplicationSubmitted", "ApplicationDecided", "StudentEnrolled", "EnrollmentCancelled"),
            students,
            strict=True,
        )
    ]


async def test_a_partys_import_ids_are_its_own(recruitment: Service):
    facts, ids = legacy_facts()
    await recruitment.client.post("/admin/import", json={"facts": facts[:7]}, headers=OPERATOR)
    school = await provision(recruitment.settings, Role.SCHOOL, UUID(ids["school"]), frozenset({Scope.IMPORT}))
    other = await provision(recruitment.settings, Role.SCHOOL, UUID(ids["school"]), frozenset({Scope.IMPORT}))
    application = facts[7]
    another = {"application_id": str(uuid4()), "applicant": applicant("李娜")}
    operators_later = {**application, "command": {**application["command"], **another}}

    async with authenticated(recruitment.client, school) as first, authenticated(recruitment.client, other) as again:
        imported = (await first.post("/admin/import", json={"facts": [application]})).json()
        replayed = (await again.post("/admin/import", json={"facts": [application]})).json()
    by_operator = await recruitment.client.post("/admin/import", json={"facts": [operators_later]}, headers=OPERATOR)

    assert imported["accepted"] == 1
    assert replayed["duplicate"] == 1, "the same party's import id, through another of its clients"
    assert replayed["results"][0]["answer"] == imported["results"][0]["answer"]
    assert by_operator.json()["accepted"] == 1, by_operator.text  # an operator's import id is not a party's


async def test_the_import_needs_the_import_scope(recruitment: Service):
    facts, _ = legacy_facts()
    school = await provision(recruitment.settings, Role.SCHOOL, uuid4())
    async with authenticated(recruitment.client, None) as anonymous, authenticated(recruitment.client, school) as party:
        missing = await anonymous.post("/admin/import", json={"facts": facts})
        wrong = await party.post("/admin/import", json={"facts": facts})
    assert (missing.status_code, wrong.status_code) == (401, 403)


async def test_imported_facts_keep_their_recorded_at_run_in_order_and_import_once(recruitment: Service):
    client = recruitment.client
    facts, ids = legacy_facts()
    shuffled = facts[5:] + facts[:5]

    first = await client.post("/admin/import", json={"facts": shuffled}, headers=OPERATOR)

    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["accepted"], answer["duplicate"], answer["held"], answer["refused"]) == (len(facts), 0, 0, 0)
    assert [r["outcome"] for r in answer["results"]] == ["accepted"] * len(facts)
    assert [r["status"] for r in answer["results"]] == [201] * len(facts)
    assert [r["import_id"] for r in answer["results"]] == [f["import_id"] for f in facts], "in recorded order"
    assert answer["results"][0]["answer"] == {"party_id": ids["school"]}
    partnership_events = await events_of(recruitment, "partnership", ids["partnership"], 5)
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 4)
    assert partnership_events[0].recorded_at == datetime.fromisoformat("2019-01-01T09:00:00+08:00")
    assert [e.type for e in student_events] == [
        "ApplicationSubmitted",
        "ApplicationDecided",
        "StudentEnrolled",
        "EnrollmentCancelled",
    ]
    assert student_events[-1].recorded_at == datetime.fromisoformat("2019-09-20T09:00:00+08:00")

    again = (await client.post("/admin/import", json={"facts": facts}, headers=OPERATOR)).json()
    assert (again["accepted"], again["duplicate"]) == (0, len(facts))
    assert [(r["outcome"], r["status"]) for r in again["results"]] == [("duplicate", 200)] * len(facts)
    assert [r["answer"] for r in again["results"]] == [r["answer"] for r in answer["results"]]
    assert len(await events_of(recruitment, "recruitment", ids["partnership"], 4)) == 4


async def test_the_import_carries_on_past_a_refused_fact_and_answers_each_one(recruitment: Service):
    facts, ids = legacy_facts()
    early = {**facts[9]["command"], "occurred_on": "2019-06-20"}
    enrol_before_decision = {**facts[9], "recorded_at": "2019-06-20T09:00:00+08:00", "command": early}
    batch = [*facts[:8], enrol_before_decision, facts[8]]

    answer = (await recruitment.client.post("/admin/import", json={"facts": batch}, headers=OPERATOR)).json()

    assert [r["outcome"] for r in answer["results"]] == ["accepted"] * 8 + ["refused", "accepted"]
    assert (answer["accepted"], answer["refused"]) == (9, 1)
    refused = answer["results"][8]
    assert (refused["import_id"], refused["status"], refused["answer"]) == (facts[9]["import_id"], 409, None)
    assert refused["problem"]["code"] == "illegal_transition"
    assert "undecided" in refused["problem"]["detail"]
    decided = answer["results"][9]
    assert (decided["import_id"], decided["answer"]["type"]) == (facts[8]["import_id"], "ApplicationDecided")

    fixed = (await recruitment.client.post("/admin/import", json={"facts": facts}, headers=OPERATOR)).json()
    assert [r["outcome"] for r in fixed["results"]] == ["duplicate"] * 9 + ["accepted"] * 2
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 4)
    assert [e.type for e in student_events][-2:] == ["StudentEnrolled", "EnrollmentCancelled"]


async def test_an_imported_fact_dated_after_its_recorded_at_is_refused(recruitment: Service):
    facts, _ = legacy_facts()
    future = {**facts[2], "recorded_at": "2018-12-01T08:00:00+08:00"}
    answer = (await recruitment.client.post("/admin/import", json={"facts": [future]}, headers=OPERATOR)).json()
    assert (answer["results"][0]["outcome"], answer["results"][0]["status"]) == ("refused", 422)
    assert "future" in answer["results"][0]["problem"]["detail"]


async def test_a_correction_is_imported_with_its_own_recorded_at(recruitment: Service):
    facts, ids = legacy_facts()
    first = (await recruitment.client.post("/admin/import", json={"facts": facts[:8]}, headers=OPERATOR)).json()
    submitted = first["results"][7]["answer"]["event_id"]
    correction = {
        "import_id": f"{facts[0]['import_id']}-correction",
        "recorded_at": "2019-06-12T09:00:00+08:00",
        "command": {"type": "CorrectEvent", "event_id": submitted, "fields": {"channel": "fair"}, "reason": "typo"},
    }
    answer = (await recruitment.client.post("/admin/import", json={"facts": [correction]}, headers=OPERATOR)).json()
    assert answer["results"][0]["answer"]["type"] == "EventCorrected"
    events = await events_of(recruitment, "recruitment", ids["partnership"], 2)
    assert (str(events[-1].supersedes), events[-1].recorded_at) == (
        submitted,
        datetime.fromisoformat("2019-06-12T09:00:00+08:00"),
    )


async def test_an_import_id_imported_again_with_another_fact_is_refused_as_a_conflict(recruitment: Service):
    facts, _ = legacy_facts()
    setup = facts[:7]
    assert (await recruitment.client.post("/admin/import", json={"facts": setup}, headers=OPERATOR)).json()[
        "accepted"
    ] == len(setup)
    renamed = {**facts[0], "command": {**facts[0]["command"], "name": "Anshun Vocational School"}}
    later = {**facts[0], "recorded_at": "2019-01-01T08:00:00.000001+08:00"}
    answer = await recruitment.client.post("/admin/import", json={"facts": [renamed, later]}, headers=OPERATOR)
    assert answer.status_code == 200, answer.text
    assert [(r["outcome"], r["status"]) for r in answer.json()["results"]] == [("refused", 409)] * 2
    assert {r["problem"]["code"] for r in answer.json()["results"]} == {"conflict"}
    same = (await recruitment.client.post("/admin/import", json={"facts": setup}, headers=OPERATOR)).json()
    assert same["duplicate"] == len(setup)


async def test_an_import_body_no_route_should_see_is_refused_before_it_and_stores_nothing(recruitment: Service):
    facts, _ = legacy_facts()
    nul = {**facts[0], "command": {**facts[0]["command"], "name": "Anshun\x00"}}
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    json_type = {**OPERATOR, "content-type": "application/json"}
    post = recruitment.client.post
    cases = [
        (await post("/admin/import", content=b'{"facts": [', headers=json_type), 400, "malformed_json"),
        (await post("/admin/import", json={"facts": [nul]}, headers=OPERATOR), 422, "nul_character"),
        (await post("/admin/import", json={"facts": [{**facts[0], "extra": deep}]}, headers=OPERATOR), 422, "too_deep"),
        (await post("/admin/import", content=b'{"facts": []}', headers={**OPERATOR, "content-type": "text/plain"}), 415,
         "unsupported_media_type"),
    ]  # fmt: skip
    for answer, status, code in cases:
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    for body in (
        {"facts": []},
        {"facts": [{**facts[0], "command": {"type": "Unheard"}}]},
        {"facts": [facts[0]], "x": 1},
    ):
        refused = await post("/admin/import", json=body, headers=OPERATOR)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"][:2] == ["body", "facts"] or "x" in refused.json()["errors"][0]["loc"]
    again = (await post("/admin/import", json={"facts": facts[:1]}, headers=OPERATOR)).json()
    assert again["accepted"] == 1, "nothing of the refused bodies was stored"
