"""`cycle up` starts the broker, the database and every service; `cycle status` lists them healthy; `cycle down`
leaves no process behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from shared.infra.components import COMPONENTS
from shared.infra.processes import alive

CYCLE = str(Path(sys.executable).parent / "cycle")


def cycle(state_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}
    return subprocess.run(
        [CYCLE, *args, "--state-dir", str(state_dir)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_cycle_up_starts_every_component_healthy_and_down_stops_them_all(tmp_path: Path):
    try:
        started = cycle(tmp_path, "up")
        assert started.returncode == 0, started.stdout + started.stderr
        status = cycle(tmp_path, "status", "--json")
        assert status.returncode == 0, status.stdout + status.stderr
        listed = {entry["name"]: entry for entry in json.loads(status.stdout)}
        assert set(listed) == {component.name for component in COMPONENTS}
        assert {entry["health"] for entry in listed.values()} == {"healthy"}
        pids = [entry["pid"] for entry in listed.values() if entry["pid"]]
    finally:
        stopped = cycle(tmp_path, "down")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not [pid for pid in pids if alive(pid)], "cycle down left processes behind"
