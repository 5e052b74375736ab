import json
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.infra.processes import alive, start_ticks


@dataclass(frozen=True)
class Running:
    """What `cycle up` recorded about a component; pid is None for a broker or database given by the env."""

    name: str
    address: str
    pid: int | None = None
    start_ticks: int | None = None
    processes: int = 1  # a service's processes on its port (serve.py), their leader `pid`

    @property
    def external(self) -> bool:
        return self.pid is None

    def process_alive(self) -> bool:
        # A pid file outliving its process (reboot, kill -9) may name an unrelated process reusing the pid.
        if self.pid is None or not alive(self.pid):
            return False
        return self.start_ticks is None or start_ticks(self.pid) == self.start_ticks


class StackState:
    """`.run/stack.json` (addresses) and `.run/<name>.pid`, rewritten after each change."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.logs_dir = state_dir / "logs"
        self._file = state_dir / "stack.json"

    def load(self) -> dict[str, Running]:
        if not self._file.exists():
            return {}
        entries = json.loads(self._file.read_text())
        return {entry["name"]: Running(**entry) for entry in entries}

    def record(self, running: Running) -> None:
        entries = self.load()
        entries[running.name] = running
        self._save(entries)
        if running.pid is not None:
            (self.state_dir / f"{running.name}.pid").write_text(f"{running.pid}\n")

    def forget(self, name: str) -> None:
        entries = self.load()
        entries.pop(name, None)
        self._save(entries)
        (self.state_dir / f"{name}.pid").unlink(missing_ok=True)

    def _save(self, entries: dict[str, Running]) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if not entries:
            self._file.unlink(missing_ok=True)
            return
        temporary = self._file.with_suffix(".tmp")
        temporary.write_text(json.dumps([asdict(entry) for entry in entries.values()], indent=2) + "\n")
        temporary.replace(self._file)

    def log_path(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def address(self, name: str) -> str | None:
        entry = self.load().get(name)
        return entry.address if entry else None
