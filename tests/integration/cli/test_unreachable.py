"""With the broker or the database down, every command says what it could not reach and what to do, in one line
each and without a traceback."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tests.integration.cli.conftest import CYCLE, cycle_env


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cycle(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CYCLE, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    "command", [["topics"], ["tail", "cycle.training"], ["lag"], ["dlq", "list"], ["dlq", "replay", "g"]]
)
def test_an_unreachable_broker_is_reported_without_a_traceback(command: list[str], tmp_path: Path):
    port = closed_port()
    result = run_cycle(cycle_env(tmp_path, KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{port}"), *command, "--json")

    assert result.returncode == 1
    assert f"error: cannot reach the Kafka broker at 127.0.0.1:{port}" in result.stderr
    assert "hint: start the stack with `cycle up`" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["outbox"], ["outbox", "--refused"]])
def test_an_unreachable_database_is_reported_without_a_traceback(command: list[str], tmp_path: Path):
    port = closed_port()
    dsn = f"postgresql://operator:secret@127.0.0.1:{port}/postgres"
    result = run_cycle(cycle_env(tmp_path, DATABASE_URL=dsn), *command)

    assert result.returncode == 1
    assert f"error: cannot reach PostgreSQL at 127.0.0.1:{port}/postgres" in result.stderr
    assert "secret" not in result.stderr, "the password stays out of the message"
    assert "Traceback" not in result.stderr + result.stdout
