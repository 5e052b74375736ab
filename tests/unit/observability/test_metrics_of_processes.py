"""A service run as several processes (`cycle up --processes`): `/metrics`, whichever process answers, sums every
process's counters and gives a gauge's most recent reading (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

COUNT_AND_READ = """
import sys
from shared.observability.metrics import OUTBOX_BACKLOG, REQUESTS
for _ in range(int(sys.argv[1])):
    REQUESTS.labels("probe", "GET", "/learners/{student_id}", "200").inc()
OUTBOX_BACKLOG.labels("probe").set(float(sys.argv[2]))
"""
SCRAPE = """
from prometheus_client import generate_latest
from shared.observability.metrics import registry_of_processes
print(generate_latest(registry_of_processes()).decode())
"""


def python(code: str, *args: str, env: dict[str, str]) -> str:
    ran = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def samples(text: str, name: str) -> list[float]:
    return [s.value for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]


def test_metrics_of_every_process_are_summed_and_a_gauge_gives_its_latest_reading(tmp_path: Path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    python(COUNT_AND_READ, "3", "7", env=env)
    python(COUNT_AND_READ, "4", "5", env=env)  # another process, read later

    scraped = python(SCRAPE, env=env)

    assert samples(scraped, "cycle_http_requests_total") == [7.0]
    assert samples(scraped, "cycle_outbox_backlog") == [5.0]


def test_without_the_directory_a_process_scrapes_its_own_metrics(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    scraped = python(COUNT_AND_READ + SCRAPE, "2", "1", env=env)

    assert samples(scraped, "cycle_http_requests_total") == [2.0]
    assert not list(tmp_path.iterdir())
