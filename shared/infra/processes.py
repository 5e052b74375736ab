import os
import signal
import time
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


def alive(pid: int) -> bool:
    """True while `pid` runs; a zombie nobody has reaped yet counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def start_ticks(pid: int) -> int | None:
    """The kernel's start time of `pid`, to tell a recorded process from a later one reusing its pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[19])


def command_line(pid: int) -> list[str] | None:
    """The arguments `pid` was started with, or None when it is gone (or hides them)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.decode(errors="replace").split("\0")[:-1] if raw else None


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def wait_reaped(pid: int, timeout: float) -> bool:
    """Wait until `pid` no longer exists at all, not even as a zombie that still holds its pid."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _signal(pid: int, sig: signal.Signals, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def stop_process(pid: int, timeout: float = 30, sig: signal.Signals = signal.SIGTERM) -> None:
    """Send `sig` to `pid`, wait up to `timeout`, then SIGKILL its process group (or the pid alone)."""
    if not alive(pid):
        _signal(pid, signal.SIGKILL, group=True)  # members a dead leader left behind, if any
        return
    group = _leads_group(pid)
    _signal(pid, sig, group=False)
    if wait_gone(pid, timeout):
        if group:
            _signal(pid, signal.SIGKILL, group=True)  # children the leader left behind
        return
    log.warning("process_kill", pid=pid, after_seconds=timeout)
    _signal(pid, signal.SIGKILL, group=group)
    wait_gone(pid, 5)


def log_tail(path: Path, lines: int = 40) -> str:
    if lines <= 0:
        return ""
    try:
        with path.open("rb") as file:
            file.seek(0, os.SEEK_END)
            file.seek(max(0, file.tell() - max(16_384, lines * 512)))
            text = file.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
