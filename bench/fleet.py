"""The processes a benchmark starts: services under uvicorn on free loopback ports and assessment workers, each in
its own session, stopped by pid (SIGTERM, then SIGKILL) when the fleet closes, whatever happened meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from services.assessment.rebuild import worker_environment
from services.assessment.settings import AssessmentSettings
from shared.infra.net import free_port
from shared.infra.processes import log_tail, stop_process
from shared.infra.serve import fresh_metrics_dir, serve_command

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Launched:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def failure(self) -> str:
        return f"{self.name} exited with {self.process.returncode}; last lines of {self.log}:\n{log_tail(self.log)}"


class Fleet:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.launched: list[Launched] = []

    def _start(self, name: str, command: list[str], environ: dict[str, str], url: str = "") -> Launched:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"{name}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                cwd=REPO,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **environ},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        launched = Launched(name, process, log, url)
        self.launched.append(launched)
        return launched

    def service(self, name: str, factory: str, environ: dict[str, str], processes: int = 1) -> Launched:
        """`factory` as uvicorn takes it (`services.recruitment.app:create_app`), as `cycle up` runs a service;
        `processes` > 1 as `cycle up --processes` runs a stage service (shared/infra/serve.py, metrics in files)."""
        port = free_port()
        if processes > 1:
            command = serve_command(factory, port, processes, quiet=True)
            environ = {**environ, **fresh_metrics_dir(self.logs / f"{name}-metrics")}
        else:
            command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1"]
            command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
        return self._start(name, command, environ, f"http://127.0.0.1:{port}")

    def worker(self, name: str, settings: AssessmentSettings) -> Launched:
        environ = {**worker_environment(settings), "CYCLE_LOG_LEVEL": "warning"}
        return self._start(name, [sys.executable, "-m", "services.assessment.worker", "worker"], environ)

    async def healthy(self, *services: Launched, timeout: float = 120) -> None:
        """Wait until every service answers GET /health with 200; a service that exits fails at once."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=5) as client:
            for service in services:
                while True:
                    self.check(service)
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get(service.url + "/health")).status_code == 200:
                            break
                    if time.monotonic() > deadline:
                        raise TimeoutError(
                            f"{service.name} not healthy within {timeout:.0f}s:\n{log_tail(service.log)}"
                        )
                    await asyncio.sleep(0.2)

    @staticmethod
    def check(*running: Launched) -> None:
        for launched in running:
            if launched.process.poll() is not None:
                raise RuntimeError(launched.failure())

    def stop(self, launched: Launched) -> None:
        if launched.process.poll() is None:
            stop_process(launched.pid, timeout=20, sig=signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            launched.process.wait(timeout=10)
        if launched in self.launched:
            self.launched.remove(launched)

    def close(self) -> None:
        for launched in reversed(list(self.launched)):
            self.stop(launched)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` (VmRSS), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) * 1024


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time `pid` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MachineLoad:
    """How busy all cores were between `start()` and `busy()` (from /proc/stat): 1.0 is every core saturated."""

    def __init__(self) -> None:
        self._start = self._sample()

    @staticmethod
    def _sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]  # idle and iowait
        return sum(values) - idle, sum(values)

    def busy(self) -> float:
        used, total = self._sample()
        spent = total - self._start[1]
        return (used - self._start[0]) / spent if spent else 0.0
