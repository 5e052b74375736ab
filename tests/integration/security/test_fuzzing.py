"""Schemathesis against the four services, authenticated as an operator (issue 10): every operation, a few
generated requests each, and no answer may be a server error or break the OpenAPI document it is served with.

The services run as uvicorn processes (schemathesis calls are blocking), on the test's own topics and schemas.
Bounded: `EXAMPLES` per operation (CYCLE_FUZZ_EXAMPLES, 4), about a minute and a half for the four services.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.config import ServiceSettings
from shared.infra.net import free_port
from shared.infra.processes import stop_process
from shared.messaging.topics import ensure_topics, product_topics
from shared.persistence.database import drop_schema
from shared.security.identity import Role, Scope
from tests.conftest import TEST_PARTITIONS
from tests.support.http import provision

pytestmark = pytest.mark.timeout(600)
REPO = Path(__file__).resolve().parents[3]
EXAMPLES = int(os.environ.get("CYCLE_FUZZ_EXAMPLES", "4"))
APPS = {
    "recruitment": "services.recruitment.app:create_app",
    "training": "services.training.app:create_app",
    "employment": "services.employment.app:create_app",
    "assessment": "services.assessment.app:create_app",
}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
ENDLESS = ("/stream",)  # server-sent events: an answer that never ends by design


@dataclass
class Fleet:
    urls: dict[str, str]
    session: requests.Session


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not healthy in 90 s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def fleet(kafka_bootstrap: str, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    suffix = uuid4().hex[:10]
    namespace = f"f{suffix}."
    asyncio.run(ensure_topics(kafka_bootstrap, product_topics(namespace), TEST_PARTITIONS))
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": database_url,
        "CYCLE_TOPIC_NAMESPACE": namespace,
        "CYCLE_TOPIC_PARTITIONS": str(TEST_PARTITIONS),
        "CYCLE_SCHEMA_SUFFIX": f"_f{suffix}",
        "CYCLE_RATE_LIMIT": "10000/second",
        "CYCLE_LOG_LEVEL": "warning",
    }
    logs = tmp_path_factory.mktemp("fuzz")
    processes: dict[str, subprocess.Popen[bytes]] = {}
    urls: dict[str, str] = {}
    try:
        for name, target in APPS.items():
            port = free_port()
            with (logs / f"{name}.log").open("wb") as log:
                processes[name] = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "--factory",
                        target,
                        "--port",
                        str(port),
                        "--log-level",
                        "warning",
                    ],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            urls[name] = f"http://127.0.0.1:{port}"
        for name, url in urls.items():
            _wait_healthy(url, processes[name], logs / f"{name}.log")
        service_settings = ServiceSettings(DATABASE_URL=database_url, CYCLE_SCHEMA_SUFFIX=f"_f{suffix}")
        scopes = frozenset({Scope.IMPORT, Scope.PERSONAL_DATA})
        credential = asyncio.run(provision(service_settings, Role.OPERATOR, scopes=scopes, name="fuzzing"))
        form = {"grant_type": "client_credentials", "client_id": credential.client_id}
        token = httpx.post(f"{urls['recruitment']}/oauth/token", data={**form, "client_secret": credential.secret})
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield Fleet(urls, session)
    finally:
        for process in processes.values():
            if process.poll() is None:
                stop_process(process.pid, timeout=15, sig=signal.SIGTERM)
        for schema in ("recruitment", "training", "employment", "assessment", "security"):
            asyncio.run(drop_schema(database_url, f"{schema}_f{suffix}"))


def _fuzz(fleet: Fleet, service: str) -> tuple[list[str], Counter[int]]:
    url = fleet.urls[service]
    statuses: Counter[int] = Counter()
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 8
    for operation in operations:
        if operation.path.endswith(ENDLESS):
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call_and_validate(base_url=url, session=fleet.session, checks=CHECKS, timeout=30)
            statuses[response.status_code] += 1

        try:
            call()
        except Exception as failure:  # every failing operation is reported, not only the first
            failures.append(f"{service} {operation.label}: {str(failure)[:1500]}")
    return failures, statuses


@pytest.mark.parametrize("service", list(APPS))
def test_no_generated_request_gets_a_server_error_or_an_answer_its_schema_does_not_document(
    fleet: Fleet, service: str
) -> None:
    failures, statuses = _fuzz(fleet, service)
    assert failures == [], "\n\n".join(failures)
    assert statuses[401] == 0, "every request is authenticated"
    assert sum(n for status, n in statuses.items() if status < 300) > 0, statuses
