"""shared/infra/serve.py: a service as several processes on one port. Connections are spread over them (a socket
each, SO_REUSEPORT); asked to stop, the leader stops them all; one that exits takes the others down; killed, the
leader takes its processes with it, so that none keeps the port."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from shared.infra.net import free_port
from shared.infra.processes import alive, wait_gone
from shared.infra.serve import serve_command

PROCESSES = 2


def children_of(leader: int) -> set[int]:
    path = f"/proc/{leader}/task/{leader}/children"
    try:
        with open(path) as listed:
            return {int(pid) for pid in listed.read().split()}
    except OSError:
        return set()


def pid_from(url: str) -> int | None:
    """The pid of the process that answers a new connection, None while none does."""
    try:
        answer = httpx.get(url, timeout=5, headers={"Connection": "close"})
    except httpx.TransportError:
        return None
    return int(answer.json()) if answer.status_code == 200 else None


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    leader = subprocess.Popen(serve_command("tests.support.pid_app:create_app", port, PROCESSES, quiet=True))
    url = f"http://127.0.0.1:{port}/pid"
    try:
        deadline = time.monotonic() + 60
        while len(children_of(leader.pid)) < PROCESSES or pid_from(url) is None:
            assert leader.poll() is None, "the leader exited while starting"
            assert time.monotonic() < deadline, "not serving within 60 s"
            time.sleep(0.1)
        yield leader, url
    finally:
        members = children_of(leader.pid)
        if leader.poll() is None:
            leader.terminate()
            leader.wait(30)
        outlived = [member for member in members if not wait_gone(member, 10)]
        for member in outlived:
            os.kill(member, signal.SIGKILL)
        assert not outlived, "processes outlived their leader"


def test_new_connections_are_answered_by_every_process(served: tuple[subprocess.Popen[bytes], str]) -> None:
    leader, url = served
    answered = {pid_from(url) for _ in range(40)}
    assert answered == children_of(leader.pid)
    assert len(answered) == PROCESSES


def test_asked_to_stop_the_leader_stops_every_process_and_exits_cleanly(
    served: tuple[subprocess.Popen[bytes], str],
) -> None:
    leader, _ = served
    processes = children_of(leader.pid)
    leader.send_signal(signal.SIGTERM)
    assert leader.wait(30) == 0
    assert all(wait_gone(pid, 10) for pid in processes)


def test_a_process_that_dies_takes_the_others_and_the_leader_down(
    served: tuple[subprocess.Popen[bytes], str],
) -> None:
    leader, _ = served
    one, *others = sorted(children_of(leader.pid))
    os.kill(one, signal.SIGKILL)
    assert leader.wait(30) != 0
    assert all(wait_gone(pid, 10) for pid in others)


def test_a_killed_leader_takes_its_processes_with_it_and_the_port_is_free_again(
    served: tuple[subprocess.Popen[bytes], str],
) -> None:
    leader, url = served
    processes = children_of(leader.pid)
    leader.kill()
    leader.wait(10)
    assert all(wait_gone(pid, 30) for pid in processes)
    assert not [pid for pid in processes if alive(pid)]
    assert pid_from(url) is None
