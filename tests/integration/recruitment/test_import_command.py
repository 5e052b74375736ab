"""`cycle import`, run as an operator runs it (a subprocess) against recruitment on a real port: a history file goes
through the bulk import in recorded_at order, a refused fact is written down with its reason, a second run records
nothing twice, and a file with a bad line sends nothing."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any
from uuid import uuid4

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import events_of
from tests.integration.recruitment.test_import import legacy_facts

CYCLE = str(Path(sys.executable).parent / "cycle")


async def _cycle_import(service: Service, file: Path, *extra: str) -> tuple[int, str, str]:
    settings = service.settings
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "CYCLE_SCHEMA_SUFFIX": settings.schema_suffix,
        "CYCLE_TOPIC_NAMESPACE": settings.topic_namespace,
        "COLUMNS": "200",
    }
    url = str(service.client.base_url)
    process = await asyncio.create_subprocess_exec(
        CYCLE, "import", str(file), "--service", "recruitment", "--url", url, "--state-dir", str(file.parent / "none"),
        *extra, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def _write(path: Path, facts: list[dict[str, Any]], *raw: str) -> Path:
    path.write_text("".join(json.dumps(f) + "\n" for f in facts) + "".join(raw), encoding="utf-8")
    return path


def _counts(stdout: str) -> list[str]:
    """The summary table's row: accepted, duplicate, held, refused."""
    rows = [line for line in stdout.splitlines() if line.count("│") == 5 and any(c.isdigit() for c in line)]
    return [cell.strip() for cell in rows[-1].split("│")[1:-1]]


async def test_a_history_file_goes_in_recorded_order_its_refusals_written_down_and_again_records_nothing(
    recruitment: Service, tmp_path: Path
):
    facts, ids = legacy_facts()
    unknown = {"type": "RetractEvent", "event_id": str(uuid4()), "reason": "never recorded"}
    stray = {"import_id": f"{facts[0]['import_id']}-stray", "recorded_at": "2019-06-11T09:00:00+08:00",
             "command": unknown}  # fmt: skip
    history = _write(tmp_path / "history.ndjson", [stray, *reversed(facts)])  # latest first: sorted on the way

    code, stdout, stderr = await _cycle_import(recruitment, history, "--batch", "4")
    again_code, again, _ = await _cycle_import(recruitment, history, "--batch", "5")

    assert code == 1, stderr
    assert _counts(stdout) == [str(len(facts)), "0", "0", "1"]
    [refusal] = [json.loads(line) for line in (tmp_path / "history.ndjson.refused.ndjson").read_text().splitlines()]
    assert (refusal["import_id"], refusal["status"]) == (stray["import_id"], 404)
    assert refusal["problem"]["detail"]
    assert again_code == 1
    assert _counts(again) == ["0", str(len(facts)), "0", "1"]
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 4)
    assert [e.type for e in student_events] == [
        "ApplicationSubmitted", "ApplicationDecided", "StudentEnrolled", "EnrollmentCancelled",
    ]  # fmt: skip


async def test_a_file_with_a_line_that_is_not_a_fact_sends_nothing(recruitment: Service, tmp_path: Path):
    facts, _ = legacy_facts()
    broken = _write(tmp_path / "broken.ndjson", facts[:3], "\n", '{"import_id": "x", "command": {"type": "X"}}\n')
    naive = _write(tmp_path / "naive.ndjson", [{**facts[0], "recorded_at": "2019-01-01T08:00:00"}])

    code, _, stderr = await _cycle_import(recruitment, broken)
    naive_code, _, naive_err = await _cycle_import(recruitment, naive)
    after, stdout, _ = await _cycle_import(recruitment, _write(tmp_path / "good.ndjson", facts[:3]))

    assert code == 2
    assert "Nothing sent" in stderr
    assert "line 5: no recorded_at" in stderr
    assert naive_code == 2
    assert "line 1: recorded_at has no time zone" in naive_err
    assert after == 0
    assert _counts(stdout) == ["3", "0", "0", "0"]  # the broken file's first facts had not been sent


async def test_a_request_refused_whole_stops_the_import_naming_its_fact_and_keeps_the_facts_before(
    recruitment: Service, tmp_path: Path
):
    facts, _ = legacy_facts()
    invalid = {**facts[3], "command": {"type": "AdmitMember", "partnership_id": "not a uuid"}}
    history = _write(tmp_path / "history.ndjson", [*facts[:3], invalid, *facts[4:6]])

    code, _, stderr = await _cycle_import(recruitment, history, "--batch", "3")
    after, stdout, _ = await _cycle_import(recruitment, _write(tmp_path / "first.ndjson", facts[:3]))

    assert code == 2
    assert f"import_id {invalid['import_id']}" in " ".join(stderr.split())
    assert "the first 3 facts are imported" in " ".join(stderr.split())
    assert after == 0
    assert _counts(stdout) == ["0", "3", "0", "0"]
