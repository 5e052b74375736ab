"""`cycle up --processes 2`: each stage service runs as two processes on its port (shared/infra/serve.py). Imports
sent at once are spread over them, every accepted fact reaches the topic once, `/metrics` counts the requests of
both, and a killed leader takes its processes with it and is started again by `cycle up`, as many as before."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench import load
from bench.credentials import operator
from bench.ingest import application, imported, setup_facts
from bench.workload import Workload
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.registry import STAGE_TOPICS
from shared.infra.processes import wait_gone
from tests.e2e.test_stack import cycle
from tests.support.kafka import envelopes, read_all

REQUESTS, FACTS_EACH = 8, 100


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""  # gone meanwhile


def group_members(leader: int) -> set[int]:
    """The processes of `leader`'s process group (a service's leader and its processes)."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == leader:  # pgrp
            members.add(int(stat.parent.name))
    return members


def stack(state_dir: Path) -> dict[str, Any]:
    listed = cycle(state_dir, "status", "--json")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    return {entry["name"]: entry for entry in json.loads(listed.stdout)}


def imports_counted(metrics: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.name == "cycle_http_requests_total" and sample.labels.get("route") == "/admin/import"
    )


async def import_at_once(url: str, settings: ServiceSettings) -> set[str]:
    """The setup, then `REQUESTS` imports four at a time; the event ids of the facts accepted."""
    workload, recorded = Workload(seed=7), datetime.now(UTC) - timedelta(days=1)
    facts, classes = setup_facts(workload, recorded - timedelta(hours=1))
    bodies = [application(n, classes[n % len(classes)], workload) for n in range(REQUESTS * FACTS_EACH)]
    requests = [{"facts": imported(bodies[i : i + FACTS_EACH], recorded, i)} for i in range(0, len(bodies), FACTS_EACH)]
    async with operator(settings, "e2e-scaled") as credential, load.client(url, 4, credential) as http:
        setup, _ = await load.post_all(http, "/admin/import", [{"facts": facts}], 1)
        assert setup[0].status == 200, setup[0].body
        assert not setup[0].body["refused"], setup[0].body
        answers, _ = await load.post_all(http, "/admin/import", requests, 4)
    assert [a.status for a in answers] == [200] * REQUESTS
    return {
        str(result["answer"]["event_id"])
        for answer in answers
        for result in answer.body["results"]
        if result["outcome"] == "accepted"
    }


def test_a_stage_service_runs_as_two_processes_counts_them_all_and_restarts_as_two(tmp_path: Path):
    pids: list[int] = []
    try:
        started = cycle(tmp_path, "up", "--processes", "2")
        assert started.returncode == 0, started.stdout + started.stderr
        listed = stack(tmp_path)
        assert {entry["health"] for entry in listed.values()} == {"healthy"}
        recruitment = listed["recruitment"]
        workers = group_members(recruitment["pid"]) - {recruitment["pid"]}
        assert len(workers) == 2, workers
        api = listed["assessment-api"]["pid"]  # not a stage service: one server, and its as-of compute processes
        assert all("multiprocessing" in command_of(pid) for pid in group_members(api) - {api})
        pids = [entry["pid"] for entry in listed.values() if entry["pid"]]

        settings = ServiceSettings(DATABASE_URL=listed["postgres"]["address"])
        accepted = asyncio.run(import_at_once(recruitment["address"], settings))
        assert len(accepted) == REQUESTS * FACTS_EACH
        topic = settings.topic_namespace + STAGE_TOPICS[Stage.RECRUITMENT]
        bootstrap = listed["kafka"]["address"]
        records = asyncio.run(read_all(bootstrap, [topic], at_least=len(accepted), timeout=120))
        on_topic = Counter(str(envelope.id) for envelope in envelopes(records))
        assert {event_id: on_topic[event_id] for event_id in accepted} == dict.fromkeys(accepted, 1)

        scrapes = [httpx.get(recruitment["address"] + "/metrics/", timeout=10).text for _ in range(4)]
        assert {imports_counted(scrape) for scrape in scrapes} == {REQUESTS + 1.0}  # whichever process answers

        os.kill(recruitment["pid"], signal.SIGKILL)
        assert wait_gone(recruitment["pid"], 10)
        assert all(wait_gone(worker, 30) for worker in workers), "a killed leader's processes stop with it"
        restarted = cycle(tmp_path, "up")
        assert restarted.returncode == 0, restarted.stdout + restarted.stderr
        again = stack(tmp_path)["recruitment"]
        assert again["health"] == "healthy"
        assert len(group_members(again["pid"]) - {again["pid"]}) == 2
        pids.append(again["pid"])
    finally:
        stopped = cycle(tmp_path, "down")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    members = {member for pid in pids for member in group_members(pid) | {pid}}
    assert all(wait_gone(member, 10) for member in members), "cycle down left processes behind"
