"""A test session ended by SIGTERM (a CI job cancelled or timed out) stops the broker and database it started."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from shared.infra.postgres_local import LocalPostgres
from shared.infra.processes import alive, stop_process
from tests.support.infra import Infrastructure
from tests.support.waiting import eventually

REPO = Path(__file__).resolve().parents[3]
HELD = """
import os
import signal
from pathlib import Path


def test_holds_the_session_open(infra):
    Path(os.environ["HELD_MARK"]).write_text(str(infra.local_broker.pid))
    signal.pause()  # until the session is terminated
"""


def _session(workdir: Path, mark: Path) -> subprocess.Popen[bytes]:
    """A pytest session of its own, on the project's session fixtures, holding its broker and database open."""
    (workdir / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = session\n")
    (workdir / "conftest.py").write_text("from tests.conftest import infra, pytest_configure  # noqa: F401\n")
    (workdir / "test_held.py").write_text(HELD)
    given = ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "PYTEST_ADDOPTS")  # its own infrastructure, options, basetemp
    env = {k: v for k, v in os.environ.items() if k not in given}
    env |= {"PYTHONPATH": str(REPO), "CYCLE_TEST_DIR": str(workdir / "infra"), "HELD_MARK": str(mark)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_held.py"]
    with (workdir / "session.log").open("wb") as log:
        return subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)


async def test_a_session_terminated_stops_the_broker_and_the_database_it_started(
    infra: Infrastructure, tmp_path: Path
) -> None:
    if infra.provider != "local":
        pytest.skip("the session's own broker and database are started locally only without Docker or given URLs")
    mark, database = tmp_path / "held", LocalPostgres(tmp_path / "infra" / "postgres")
    session = _session(tmp_path, mark)
    broker_pid, database_pid = None, None

    async def holding() -> bool:
        log = (tmp_path / "session.log").read_text(errors="replace")
        assert session.poll() is None, f"the session ended before holding its infrastructure:\n{log}"
        return mark.exists()

    try:
        await eventually(holding, timeout=120)
        broker_pid, database_pid = int(mark.read_text()), database.pid
        assert alive(broker_pid)
        assert database_pid is not None

        session.send_signal(signal.SIGTERM)

        await asyncio.to_thread(session.wait, 120)
        log = (tmp_path / "session.log").read_text(errors="replace")
        assert not alive(broker_pid), f"the broker was left running:\n{log}"
        assert not alive(database_pid), f"the database was left running:\n{log}"
        assert "KeyboardInterrupt: signal SIGTERM" in log, log
    finally:
        if session.poll() is None:
            session.kill()
            session.wait()
        if broker_pid is not None and alive(broker_pid):
            stop_process(broker_pid, timeout=10)
        database.stop()
