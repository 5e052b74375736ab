"""The processes an API computes as-of figures in (computing.py) do not outlive it: killed, it takes them along."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from shared.infra.processes import alive, wait_gone


def test_processes_computing_as_of_figures_stop_when_the_process_that_started_them_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.support.computing_parent"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert parent.stdout is not None
        pids = json.loads(parent.stdout.readline())
        assert len(pids) == 2
        assert all(alive(pid) for pid in pids)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        assert [pid for pid in pids if not wait_gone(pid, 10)] == []
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
