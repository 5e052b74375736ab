"""Posting a history through the operator import: every fact with its own recorded_at, never before its business
date nor after the scenario's last day, rising along each student's story; each call in its import shape."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any
from uuid import NAMESPACE_OID, uuid4, uuid5

import httpx
import pytest

from simulation.calls import Call
from simulation.clients import Refused, Traffic
from simulation.driver import drive
from simulation.generator import small_programme
from simulation.ids import Ids
from simulation.importing import command_of, settle
from simulation.recording import recorded_day
from tests.unit.simulation.test_driver import URLS, StandIns


@pytest.fixture(scope="module")
def scenario():
    return small_programme(7)


def test_every_fact_is_stamped_between_its_business_date_and_the_last_day_rising_along_each_story(scenario):
    for student in scenario.students:
        stamps = [scenario.recorded[fact.key] for fact in student.facts]
        assert stamps == sorted(stamps), student.key
        for fact, stamp in zip(student.facts, stamps, strict=True):
            assert fact.occurred_on <= recorded_day(stamp) <= scenario.generated_on, fact.key
            assert stamp.timetz() <= time(12) or recorded_day(stamp) < scenario.generated_on


def test_some_facts_are_recorded_weeks_after_they_happened(scenario):
    late = [
        fact
        for student in scenario.students
        for fact in student.facts
        if (recorded_day(scenario.recorded[fact.key]) - fact.occurred_on).days >= 20
    ]
    assert {type(fact).__name__ for fact in late} >= {"Placed", "Withdrawn"}


def test_a_call_becomes_its_command_with_the_path_ids():
    student = str(uuid4())
    call = Call("training", f"/students/{student}/graduation", {"graduated_on": "2025-07-04"}, "s1.t3")
    assert command_of(call) == {"type": "Graduate", "student_id": student, "graduated_on": "2025-07-04"}
    ended = Call("training", f"/students/{student}/internships/{student}/end", {"outcome": "completed"}, "k")
    assert command_of(ended)["type"] == "EndInternship"


def test_a_refused_fact_raises_and_an_accepted_one_keeps_its_event_and_learned_ids():
    ids, traffic = Ids("t"), Traffic()
    call = Call("employment", "/students/x/placements", {}, "s1.e2", learn=("subject_id", "s1.e2"))
    event, subject = uuid4(), uuid4()
    held = {
        "results": [{"outcome": "held", "status": 202, "answer": {"event_id": str(event), "subject_id": str(subject)}}]
    }
    settle(call, held, ids, traffic)
    assert (ids.events["s1.e2"].event_id, ids.learned["s1.e2"], traffic.held) == (event, subject, 1)
    refused = {"results": [{"outcome": "refused", "status": 409, "problem": {"code": "illegal_transition"}}]}
    with pytest.raises(Refused):
        settle(call, refused, ids, traffic)


class ImportStandIns(StandIns):
    """The stand-ins, answering `POST /admin/import` with the one fact's result as the import does."""

    def __init__(self) -> None:
        super().__init__()
        self.imported: list[dict[str, object]] = []
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/admin/import":
            return super().__call__(request)
        self.requests += 1
        facts = json.loads(request.content)["facts"]
        self.imported += facts
        return httpx.Response(200, json={"results": [self._result(fact) for fact in reversed(facts)]})

    def _result(self, fact: dict[str, Any]) -> dict[str, object]:
        command = fact["command"]
        answer: dict[str, object] = {"event_id": str(uuid4()), "subject_id": str(uuid4())}
        if command["type"] == "SubmitApplication":
            answer["student_id"] = str(uuid5(NAMESPACE_OID, command["applicant"]["national_id"]))
        for kind, status in (("Graduate", "graduated"), ("Withdraw", "withdrawn"), ("Restart", "enrolled")):
            if command["type"] == kind:
                self.status[str(command["student_id"])] = status
        return {"import_id": fact["import_id"], "outcome": "accepted", "status": 201, "answer": answer}


async def test_with_import_history_every_stamped_fact_goes_through_the_import_with_its_recorded_at(scenario):
    services = ImportStandIns()
    report, ids = await drive(
        scenario, URLS, concurrency=8, transport=httpx.MockTransport(services), import_history=True
    )
    assert report.failures == []
    assert len(services.imported) == len(scenario.recorded)
    by_id = {fact["import_id"]: fact["recorded_at"] for fact in services.imported}
    some = scenario.students[0].facts[0].key
    assert by_id[ids.idempotency_key(some)] == scenario.recorded[some].isoformat()
    assert {path for _, path, _, _ in services.posts if path != "/admin/import"} == {"/parties"}
    assert date.fromisoformat(str(by_id[ids.idempotency_key(some)])[:10]) <= scenario.generated_on


async def test_in_bulk_the_facts_in_flight_share_import_requests_and_each_gets_its_own_answer(scenario):
    services = ImportStandIns()
    report, ids = await drive(
        scenario, URLS, concurrency=64, transport=httpx.MockTransport(services), import_history=True, batch=50
    )
    assert report.failures == [], "corrections found the event ids their targets' answers gave"
    assert sorted(f["import_id"] for f in services.imported) == sorted(
        ids.idempotency_key(k) for k in scenario.recorded
    )
    assert services.requests < len(scenario.recorded) / 4
    assert report.total_commands >= len(scenario.recorded), "counted per fact"
