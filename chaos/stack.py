"""The stack under test, started like `cycle up` but beside any other (its own state directory, broker, database
and free ports), and the two hands the chaos run needs: SIGKILL by recorded pid, and a restart that waits until
the component is healthy again.
"""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from shared.config import InfraSettings
from shared.infra.components import COMPONENTS, find_component
from shared.infra.net import free_port
from shared.infra.processes import log_tail, wait_gone
from shared.infra.supervisor import Supervisor, SupervisorError

log = structlog.get_logger(__name__)
STAGE_SERVICES = ("recruitment", "training", "employment")
WORKER = "assessment-worker"


class _Quiet:
    def starting(self, name: str) -> None:
        log.info("chaos_starting", component=name)

    def ready(self, name: str, address: str, note: str) -> None:
        log.info("chaos_ready", component=name, address=address, note=note)

    def skipped(self, name: str, reason: str) -> None:
        log.warning("chaos_skipped", component=name, reason=reason)


@dataclass
class ChaosStack:
    state_dir: Path
    partitions: int = 6
    supervisor: Supervisor = field(init=False)

    def __post_init__(self) -> None:
        self.state_dir = self.state_dir.resolve()
        settings = InfraSettings(
            KAFKA_BOOTSTRAP_SERVERS=None,
            DATABASE_URL=None,
            CYCLE_STATE_DIR=self.state_dir,
            CYCLE_TOPIC_PARTITIONS=self.partitions,
        )
        ports = {c.name: free_port() for c in COMPONENTS if c.port is not None}
        env = {
            "ASSESSMENT_DATA_DIR": str(self.state_dir / "assessment-data"),
            "CYCLE_TOPIC_PARTITIONS": str(self.partitions),
            "CYCLE_LOG_LEVEL": "warning",
        }
        self.supervisor = Supervisor(settings, self.state_dir, ports=ports, env=env)

    def up(self, timeout: float = 240) -> None:
        self.supervisor.up(_Quiet(), timeout)

    def down(self) -> None:
        self.supervisor.down(timeout=20)

    def address(self, name: str) -> str:
        address = self.supervisor.state.address(name)
        if not address:
            raise SupervisorError(f"{name} is not running")
        return address

    @property
    def urls(self) -> dict[str, str]:
        return {name: self.address(name) for name in (*STAGE_SERVICES, "assessment-api")}

    def pid(self, name: str) -> int | None:
        entry = self.supervisor.state.load().get(name)
        return entry.pid if entry is not None and entry.process_alive() else None

    def last_log_line(self, name: str) -> str:
        return self.log_tail(name, 1)[-200:]

    def log_tail(self, name: str, lines: int) -> str:
        return log_tail(self.supervisor.state.log_path(name), lines).strip() or "(empty)"

    def kill(self, name: str) -> bool:
        """SIGKILL the component's recorded process (its process group: the backends of PostgreSQL, the JVM of
        the broker go with it), as a power cut would. False when it was not running."""
        pid = self.pid(name)
        if pid is None:
            return False
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        wait_gone(pid, 10)
        log.warning("chaos_killed", component=name, pid=pid)
        return True

    def restart(self, name: str, timeout: float = 180) -> None:
        """Blocking: start the component again and wait until it is healthy (raises SupervisorError if not)."""
        self.supervisor.start_component(find_component(name), _Quiet(), timeout)

    async def keep_restarting(self, name: str, attempts: int = 20) -> int:
        """Restart until it stays up, as a process manager would; a service cannot start while the database or
        the broker is away, so a failed start is tried again. Returns the attempts it took."""
        for attempt in range(1, attempts + 1):
            try:
                await asyncio.to_thread(self.restart, name)
                return attempt
            except (SupervisorError, OSError, RuntimeError) as error:
                log.warning("chaos_restart_failed", component=name, attempt=attempt, error=str(error)[:300])
                await asyncio.sleep(2)
        raise SupervisorError(f"{name} did not come back after {attempts} attempts")
