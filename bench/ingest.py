"""(1) Ingest: applications recorded by the recruitment service, one per HTTP request and in bulk through
`POST /admin/import`, timed into the outbox (the answer comes after the commit) and from the request to the
record on the topic (the Kafka record's timestamp, which the relay's producer sets when it sends).

The applications fall on one class in each of `PARTNERSHIPS` partnerships, so the per-partnership outbox lock
serialises no more than a province's many schools would. The import requests go one at a time, as an operator
sends a year's history, and then `IN_FLIGHT` at a time, as several schools' registries send theirs at once (each
request's facts independent of the others'). Last, the same `IN_FLIGHT` at a time to the service run as
`SCALED_PROCESSES` processes behind its port (`cycle up --processes`): what spreading a stage service's per-fact work
over processes gives on this machine. This measures the import from the outside, whatever it does inside.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from bench import load
from bench.collector import collector_frozen
from bench.credentials import operator
from bench.environment import BenchEnv
from bench.fleet import Fleet
from bench.profiling import Profiler, no_profiler
from bench.stats import Latency, rate
from bench.workload import Workload
from services.assessment.rebuild import end_offsets, partitions_of
from shared.contracts.base import Stage
from shared.contracts.registry import STAGE_TOPICS
from simulation.identities import national_id_check

NAME = "ingest"
PARTNERSHIPS = 12
IN_FLIGHT = 4
PARALLEL_LABEL = f"ingest: bulk import, {IN_FLIGHT} in flight"
SCALED_PROCESSES = 2
SCALED_LABEL = f"ingest: bulk import, {IN_FLIGHT} in flight, {SCALED_PROCESSES} processes"
_IMPORT = "/admin/import"


@dataclass(frozen=True)
class IngestPath:
    facts: int
    requests: int
    seconds: float  # first request sent to last answer: the facts are in the outbox
    latency: Latency  # per request
    to_topic_seconds: float  # first request sent to the last record's timestamp
    to_topic: Latency  # per fact: its request sent to its record's timestamp
    refused: int  # sent but not recorded (a refusal, a duplicate or a failed request)

    @property
    def per_second(self) -> float:
        return rate(self.facts, self.seconds)

    @property
    def to_topic_per_second(self) -> float:
        return rate(self.facts, self.to_topic_seconds)


@dataclass(frozen=True)
class Ingest:
    service: str
    batch: int
    single: IngestPath
    bulk: IngestPath
    parallel: IngestPath | None = None  # bulk, IN_FLIGHT requests at a time
    scaled_out: IngestPath | None = None  # the same, to SCALED_PROCESSES processes of the service


def national_id(n: int) -> str:
    """A valid resident ID number of its own for every n (GB 11643-1999): birth date and serial from n."""
    born = date(2000, 1, 1) + timedelta(days=n // 999)
    first17 = "520502" + born.strftime("%Y%m%d") + f"{n % 999 + 1:03d}"
    return first17 + national_id_check(first17)


def application(n: int, class_id: UUID, workload: Workload) -> dict[str, Any]:
    return {
        "application_id": str(workload.uuid()),
        "class_id": str(class_id),
        "applicant": {"name": "王小明", "national_id": national_id(n), "household_registration": "贵州省毕节市"},
        "home_region": "Bijie",
        "poor_household": n % 3 == 0,
        "poor_household_verified_by": "poverty_registry",
        "prior_education": "junior secondary",
        "channel": "village recruitment fair",
        "occurred_on": "2026-03-01",
    }


def setup_facts(workload: Workload, recorded: datetime) -> tuple[list[dict[str, Any]], list[UUID]]:
    """A school and a sponsor, and per partnership its signing, members, programme and one open class."""
    school, sponsor = workload.uuid(), workload.uuid()
    commands: list[dict[str, Any]] = [
        {"type": "RegisterParty", "party_id": str(school), "name": "Bijie Vocational and Technical College",
         "role": "school", "region": "west", "locality": "Bijie"},
        {"type": "RegisterParty", "party_id": str(sponsor), "name": "Guangzhou Rail Transit", "role": "enterprise",
         "region": "east", "locality": "Guangzhou", "credit_code": "91440101MA59UQ3L00"},
    ]  # fmt: skip
    classes = []
    for n in range(PARTNERSHIPS):
        pid, programme, class_id = workload.uuid(), workload.uuid(), workload.uuid()
        classes.append(class_id)
        commands += [
            {"type": "SignPartnership", "partnership_id": str(pid), "name": f"Bench agreement {n}",
             "valid_from": "2025-01-01", "occurred_on": "2025-01-01"},
            {"type": "AdmitMember", "partnership_id": str(pid), "party_id": str(school), "occurred_on": "2025-01-02"},
            {"type": "AdmitMember", "partnership_id": str(pid), "party_id": str(sponsor), "occurred_on": "2025-01-02"},
            {"type": "RegisterProgramme", "partnership_id": str(pid), "programme_id": str(programme),
             "name": "Guangdong Technicians", "occurred_on": "2025-01-03"},
            {"type": "OpenClass", "class_id": str(class_id), "partnership_id": str(pid),
             "programme_id": str(programme), "school_id": str(school), "sponsor_id": str(sponsor),
             "name": f"Bench class {n}", "major": "Electrical installation", "seats": 10_000, "cohort_year": 2026,
             "planned_start": "2026-09-01", "planned_end": "2028-06-30", "hiring_commitment": 40,
             "occurred_on": "2025-01-04"},
        ]  # fmt: skip
    facts = [
        {"import_id": f"setup-{i}", "recorded_at": (recorded + timedelta(seconds=i)).isoformat(), "command": c}
        for i, c in enumerate(commands)
    ]
    return facts, classes


def imported(bodies: Sequence[dict[str, Any]], recorded: datetime, first: int) -> list[dict[str, Any]]:
    return [
        {
            "import_id": f"bulk-{first + i}",
            "recorded_at": recorded.isoformat(),
            "command": {"type": "SubmitApplication", **body},
        }
        for i, body in enumerate(bodies)
    ]


async def record_times(env: BenchEnv, topic: str, expected: int, timeout: float = 300) -> dict[str, float]:
    """Event id -> record timestamp (seconds) of every record on `topic`, waiting until `expected` are there."""
    deadline = time.monotonic() + timeout
    while sum((await end_offsets(env.bootstrap, [topic])).values()) < expected:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the relay did not publish {expected} records to {topic} within {timeout:.0f}s")
        await asyncio.sleep(0.2)
    consumer = AIOKafkaConsumer(bootstrap_servers=env.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(await partitions_of(consumer, topic))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found: dict[str, float] = {}
        while len(found) < expected:
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                for record in records:
                    event_id = dict(record.headers).get("ce_id", b"").decode()
                    found[event_id] = record.timestamp / 1000
        return found
    finally:
        await consumer.stop()


def path_result(
    answers: Sequence[load.Timed], seconds: float, sent: int, fact_sent: dict[str, float], on_topic: dict[str, float]
) -> IngestPath:
    """`sent` facts were sent; `fact_sent` holds the accepted ones (event id -> when its request was sent)."""
    first = min(a.sent_at for a in answers)
    delays = [on_topic[event] - at for event, at in fact_sent.items() if event in on_topic]
    last = max((on_topic[event] for event in fact_sent if event in on_topic), default=first)
    latency = Latency.of([a.seconds for a in answers])
    return IngestPath(len(fact_sent), len(answers), seconds, latency, last - first, Latency.of(delays),
                      sent - len(fact_sent))  # fmt: skip


async def measure_ingest(
    env: BenchEnv,
    single: int,
    bulk: int,
    batch: int,
    concurrency: int,
    profiler: Profiler = no_profiler,
    name: str = NAME,
) -> Ingest:
    workload = Workload(seed=12)
    topic = env.namespace(name) + STAGE_TOPICS[Stage.RECRUITMENT]
    recorded = datetime.now(UTC) - timedelta(days=1)
    facts, classes = setup_facts(workload, recorded - timedelta(hours=1))
    bodies = [application(n, classes[n % len(classes)], workload) for n in range(single + 3 * bulk)]

    def requests(start: int) -> list[dict[str, Any]]:
        return [
            {"facts": imported(bodies[start + i : start + i + batch], recorded, start + i)}
            for i in range(0, bulk, batch)
        ]

    async def bulk_path(http: Any, pid: int, start: int, in_flight: int, label: str) -> IngestPath:
        async with profiler.during(label, pid, children=label == SCALED_LABEL):
            bulks, bulk_seconds = await load.post_all(http, _IMPORT, requests(start), in_flight)
        sent = {
            str(result["answer"]["event_id"]): answer.sent_at
            for answer in bulks
            if answer.status == 200
            for result in answer.body["results"]
            if result["outcome"] == "accepted"
        }
        on_topic.update(await record_times(env, topic, len(on_topic) + len(sent)))
        return path_result(bulks, bulk_seconds, bulk, sent, on_topic)

    on_topic: dict[str, float] = {}
    with Fleet(env.logs(name)) as fleet, collector_frozen():
        service = fleet.service("recruitment", "services.recruitment.app:create_app", env.environ(name))
        await fleet.healthy(service)
        async with (
            operator(env.settings(name), "bench-ingest") as credential,
            load.client(service.url, concurrency, credential) as http,
        ):
            answers, _ = await load.post_all(http, _IMPORT, [{"facts": facts}], 1)
            if answers[0].status != 200 or answers[0].body["refused"]:
                raise RuntimeError(f"the benchmark's setup was refused: {answers[0].body}")

            async with profiler.during("ingest: HTTP single", service.pid):
                singles, single_seconds = await load.post_all(http, "/applications", bodies[:single], concurrency)
            single_sent = {str(a.body.get("event_id")): a.sent_at for a in singles if a.status == 201}
            on_topic.update(await record_times(env, topic, len(single_sent)))
            one = await bulk_path(http, service.pid, single, 1, "ingest: bulk import")
            parallel = await bulk_path(http, service.pid, single + bulk, IN_FLIGHT, PARALLEL_LABEL)
        fleet.stop(service)
        scaled = fleet.service(
            "recruitment-scaled", "services.recruitment.app:create_app", env.environ(name), SCALED_PROCESSES
        )
        await fleet.healthy(scaled)
        async with (
            operator(env.settings(name), "bench-ingest-scaled") as credential,
            load.client(scaled.url, concurrency, credential) as http,
        ):
            scaled_out = await bulk_path(http, scaled.pid, single + 2 * bulk, IN_FLIGHT, SCALED_LABEL)
    singles_path = path_result(singles, single_seconds, single, single_sent, on_topic)
    return Ingest("recruitment", batch, singles_path, one, parallel, scaled_out)
