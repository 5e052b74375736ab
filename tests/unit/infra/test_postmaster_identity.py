"""A postmaster.pid names the server of its data directory, whatever the wall clock did since it started."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.infra.postgres_local import LocalPostgres
from shared.infra.processes import command_line


@pytest.fixture
def server_like(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process started as the postmaster is, on `tmp_path/ours/data`."""
    args = [sys.executable, "-c", "import time; time.sleep(60)", "-D", str(tmp_path / "ours" / "data"), "-p", "1"]
    process = subprocess.Popen(args)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def test_the_postmaster_is_the_process_started_on_our_data_directory(
    tmp_path: Path, server_like: subprocess.Popen[bytes]
) -> None:
    assert LocalPostgres(tmp_path / "ours")._is_postmaster(server_like.pid)
    assert not LocalPostgres(tmp_path / "theirs")._is_postmaster(server_like.pid), "another cluster's server"


def test_a_process_reusing_the_pid_is_not_taken_for_the_postmaster(tmp_path: Path) -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as other:
        try:
            assert not LocalPostgres(tmp_path / "ours")._is_postmaster(other.pid)
        finally:
            other.kill()


def test_a_gone_process_has_no_command_line() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert command_line(process.pid) is None
