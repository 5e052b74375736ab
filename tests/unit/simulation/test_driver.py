"""The driver against stand-in services (httpx.MockTransport): order, ids, Idempotency-Keys, waves, failures."""

from __future__ import annotations

import json
from uuid import NAMESPACE_OID, UUID, uuid4, uuid5

import httpx
import pytest

from simulation.driver import drive
from simulation.facts import Withdrawn
from simulation.generator import small_programme
from simulation.ratelimit import TokenBucket

URLS = {"recruitment": "http://recruitment", "training": "http://training", "employment": "http://employment"}


class StandIns:
    """Answers like the three services, learning nothing from events: it knows a student once it is posted."""

    def __init__(self, refuse: str | None = None) -> None:
        self.posts: list[tuple[str, str, str, dict[str, object]]] = []
        self.status: dict[str, str] = {}
        self.refuse = refuse

    def __call__(self, request: httpx.Request) -> httpx.Response:
        service, path = request.url.host, request.url.path
        if request.method == "GET":
            student = path.removeprefix("/students/")
            return httpx.Response(200, json={"training_status": self.status.get(student, "enrolled")})
        body = json.loads(request.content)
        self.posts.append((service, path, request.headers["Idempotency-Key"], body))
        if self.refuse and path.endswith(self.refuse):
            return httpx.Response(409, json={"code": "illegal_transition", "detail": "no"})
        answer: dict[str, object] = {"event_id": str(uuid4()), "subject_id": str(uuid4())}
        if path == "/applications":
            answer["student_id"] = str(uuid5(NAMESPACE_OID, body["applicant"]["national_id"]))
        for ending, status in (("/graduation", "graduated"), ("/withdrawal", "withdrawn"), ("/restarts", "enrolled")):
            if path.endswith(ending):
                self.status[path.split("/")[2]] = status
        return httpx.Response(201, json=answer)


@pytest.fixture(scope="module")
def scenario():
    return small_programme(7)


async def test_every_fact_is_posted_once_with_an_idempotency_key_and_students_in_causal_order(scenario):
    services = StandIns()
    report, ids = await drive(scenario, URLS, concurrency=8, transport=httpx.MockTransport(services))
    assert report.failures == []
    keys = [key for _, _, key, _ in services.posts]
    assert len(keys) == len(set(keys)) == report.total_commands
    assert report.total_commands == scenario.fact_count() + len(scenario.parties)
    stages = {"recruitment": 0, "training": 1, "employment": 2}
    for student in scenario.students[:60]:
        own = {ids.idempotency_key(f.key) for f in student.facts}
        order = [stages[service] for service, _path, key, _body in services.posts if key in own]
        assert order == sorted(order), student.key


async def test_late_reports_go_after_every_other_student(scenario):
    services = StandIns()
    _, ids = await drive(scenario, URLS, concurrency=8, transport=httpx.MockTransport(services))
    keys = [key for _, _, key, _ in services.posts]
    late = [
        ids.idempotency_key(f.key)
        for s in scenario.students
        for f in s.facts
        if isinstance(f, Withdrawn) and f.reported_late
    ]
    on_time = [
        ids.idempotency_key(s.facts[-1].key)
        for s in scenario.students
        if not any(isinstance(f, Withdrawn) and f.reported_late for f in s.facts)
    ]
    assert late
    assert min(keys.index(k) for k in late) > max(keys.index(k) for k in on_time)


async def test_a_rerun_sends_the_same_ids_and_keys(scenario):
    first, second = StandIns(), StandIns()
    await drive(scenario, URLS, transport=httpx.MockTransport(first))
    await drive(scenario, URLS, transport=httpx.MockTransport(second))
    assert sorted(k for _, _, k, _ in first.posts) == sorted(k for _, _, k, _ in second.posts)
    classes = sorted(json.dumps(b, sort_keys=True) for _, p, _, b in first.posts if p == "/classes")
    assert classes == sorted(json.dumps(b, sort_keys=True) for _, p, _, b in second.posts if p == "/classes")


async def test_a_refused_command_stops_that_student_and_is_reported(scenario):
    services = StandIns(refuse="/graduation")
    report, _ = await drive(scenario, URLS, transport=httpx.MockTransport(services))
    graduates = sum(1 for s in scenario.students if "graduated" in s.story)
    assert len([f for f in report.failures if "graduation" in f]) == graduates
    assert not any(path.endswith("/placements") for _, path, _, _ in services.posts)


async def test_the_token_bucket_keeps_the_rate():
    import time

    bucket = TokenBucket(rate=200, burst=1)
    started = time.monotonic()
    for _ in range(41):
        await bucket.acquire()
    assert time.monotonic() - started >= 0.19, "40 tokens beyond the burst at 200/s take 0.2 s at least"


def test_ids_are_uuid5_of_the_run_and_key(scenario):
    from simulation.ids import Ids

    ids = Ids.for_scenario(scenario.name, scenario.seed)
    assert ids.of("c0001") == ids.of("c0001")
    assert isinstance(ids.of("c0001"), UUID)
    assert ids.of("c0001") != Ids.for_scenario(scenario.name, scenario.seed + 1).of("c0001")
