"""The README's "Integrating" examples, run verbatim with curl against live services: a school's registry records
an application and an enterprise's system logs its staff's hours, each with its own party's credential."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.config import ServiceSettings
from shared.persistence.database import drop_schema
from shared.security.identity import Role
from tests.integration.recruitment.flows import Setting, setting
from tests.support.http import provision, serving
from tests.support.waiting import eventually

README = Path(__file__).parents[3] / "README.md"
PLAN = {
    "modules": [
        {"name": "Cantonese knife skills", "planned_hours": "120", "taught_by": "enterprise"},
        {"name": "Food safety", "planned_hours": "80", "taught_by": "school"},
    ],
    "occurred_on": "2024-08-20",
}


def integrating_examples() -> list[str]:
    text = README.read_text()
    section = text[text.index("\n## Integrating\n") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


@dataclass
class Live:
    settings: ServiceSettings
    recruitment: httpx.AsyncClient
    training: httpx.AsyncClient
    setting: Setting


@pytest.fixture
async def live(service_settings: ServiceSettings) -> AsyncIterator[Live]:
    async with (
        serving(recruitment_app, service_settings) as recruitment,
        serving(training_app, service_settings) as training,
    ):
        yield Live(service_settings, recruitment, training, await setting(recruitment))
    for service in ("recruitment", "training"):
        await drop_schema(service_settings.database_url, service + service_settings.schema_suffix)


async def run(script: str, env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-euo",
        "pipefail",
        "-c",
        script,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, f"{script}\n--- stdout\n{out.decode()}\n--- stderr\n{err.decode()}"
    return out.decode()


def test_the_readme_shows_a_school_and_an_enterprise_example():
    examples = integrating_examples()
    assert len(examples) == 2
    assert "$RECRUITMENT/applications" in examples[0]
    assert "/hours-logs" in examples[1]


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's examples are curl commands")
async def test_the_readme_examples_record_their_facts_as_the_parties_own_clients(live: Live):
    s = live.setting
    await eventually(lambda: _knows(live.training, f"/classes/{s.klass}"), timeout=60)
    assert (
        await live.training.post(f"/classes/{s.klass}/plans", json={**PLAN, "agreed_by": s.school})
    ).status_code == 201
    school = await provision(live.settings, Role.SCHOOL, UUID(s.school), name="Bijie college student registry")
    enterprise = await provision(live.settings, Role.ENTERPRISE, UUID(s.sponsor), name="Canton Kitchens HR")
    env = {
        "RECRUITMENT": str(live.recruitment.base_url).rstrip("/"),
        "TRAINING": str(live.training.base_url).rstrip("/"),
        "CLASS_ID": s.klass,
        "SCHOOL_CLIENT": school.client_id,
        "SCHOOL_SECRET": school.secret,
        "ENTERPRISE_CLIENT": enterprise.client_id,
        "ENTERPRISE_SECRET": enterprise.secret,
        "ENTERPRISE_PARTY": s.sponsor,
    }
    application_example, hours_example = integrating_examples()
    recorded = httpx.Response(200, content=await run(application_example, env)).json()
    assert recorded["type"] == "ApplicationSubmitted"
    logged = httpx.Response(200, content=await run(hours_example, env)).json()
    assert logged["type"] == "TrainingHoursLogged"
    applications = (await live.recruitment.get("/applications", params={"class_id": s.klass})).json()["items"]
    assert [a["application_id"] for a in applications] == [recorded["application_id"]]
    log = (await live.training.get(f"/hours-logs/{logged['log_id']}")).json()
    assert (log["logged_by"], log["taught_by"]) == (s.sponsor, "enterprise")


async def _knows(client: httpx.AsyncClient, path: str) -> bool:
    return (await client.get(path)).status_code == 200
