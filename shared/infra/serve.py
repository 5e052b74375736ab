"""`python -m shared.infra.serve FACTORY --port P --processes N`: a service as N uvicorn processes, each listening
on its own socket bound to the one port with SO_REUSEPORT, so that the kernel spreads the connections over them.

uvicorn's own `--workers` share one listening socket, and the first of them to wake accepts every connection
waiting: the four connections of a bulk import sent four requests at a time all went to one process, in 3 runs of 3
(issue 12, bench (1)); with a socket each they went 3 and 2 in 3 runs of 3. The leader starts the processes and
stops them all when one of them exits, or when it is asked to stop (SIGTERM, SIGINT); each stops with it when the
leader is killed (PR_SET_PDEATHSIG), so none keeps its port from the leader's next start.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType

import structlog
import uvicorn

from shared.infra.parent import stop_with_parent

log = structlog.get_logger(__name__)
_STOP_SECONDS = 30


def serve_command(
    factory: str, port: int, processes: int, *, host: str = "127.0.0.1", quiet: bool = False
) -> list[str]:
    """The command that serves `factory` as `processes` processes on `host:port`; `quiet`: warnings and above, no
    access log."""
    command = [sys.executable, "-m", "shared.infra.serve", factory, "--host", host, "--port", str(port)]
    command += ["--processes", str(processes)]
    return command + (["--log-level", "warning", "--no-access-log"] if quiet else [])


def fresh_metrics_dir(directory: Path) -> dict[str, str]:
    """The environment of processes that keep their metrics in `directory`, emptied first: the files of an earlier
    start's processes would be summed with theirs."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return {"PROMETHEUS_MULTIPROC_DIR": str(directory)}


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port` that other sockets of this user may bind as well (SO_REUSEPORT)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)  # uvicorn's backlog
    return sock


def serve_one(factory: str, host: str, port: int, log_level: str | None, access_log: bool) -> None:
    config = uvicorn.Config(factory, factory=True, host=host, port=port, log_level=log_level, access_log=access_log)
    uvicorn.Server(config).run(sockets=[reuse_port_socket(host, port)])


def lead(arguments: argparse.Namespace) -> int:
    """Start the processes; return once every one has stopped: 0 when asked to stop, else the first one's code."""
    command = [sys.executable, "-m", "shared.infra.serve", arguments.factory, "--host", arguments.host]
    command += ["--port", str(arguments.port), "--leader", str(os.getpid())]
    command += ["--log-level", arguments.log_level] if arguments.log_level else []
    command += [] if arguments.access_log else ["--no-access-log"]
    asked: list[int] = []
    children: list[subprocess.Popen[bytes]] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        asked.append(signum)
        _signal_all(children, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children += [subprocess.Popen(command) for _ in range(arguments.processes)]
    if asked:  # asked to stop while they were starting
        _signal_all(children, signal.SIGTERM)
    first = _first_to_exit(children)
    if not asked:
        log.error("serve_process_exited", pid=first.pid, returncode=first.returncode, stopping=len(children) - 1)
        _signal_all(children, signal.SIGTERM)
    for child in children:
        try:
            child.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    code = first.returncode or 0
    return 0 if asked else (code if code > 0 else 1)  # a signal's death, or a clean exit unasked: a failure


def _first_to_exit(children: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """The first child to exit, its exit code recorded (it is reaped here, not by `Popen.wait`)."""
    while True:
        pid, status = os.wait()
        exited = next((child for child in children if child.pid == pid), None)
        if exited is not None:
            exited.returncode = os.waitstatus_to_exitcode(status)
            return exited


def _signal_all(children: list[subprocess.Popen[bytes]], signum: signal.Signals) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.infra.serve", description=__doc__.splitlines()[0])
    parser.add_argument("factory", help="the app factory, as uvicorn --factory takes it")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--log-level", default=None)
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    parser.add_argument("--leader", type=int, default=None, help=argparse.SUPPRESS)  # a process the leader started
    arguments = parser.parse_args(argv)
    if arguments.processes < 1:
        parser.error("--processes is at least 1")
    if arguments.leader is None:
        return lead(arguments)
    stop_with_parent(arguments.leader)
    serve_one(arguments.factory, arguments.host, arguments.port, arguments.log_level, arguments.access_log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
