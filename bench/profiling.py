"""Where the time goes: py-spy samples a process during a measurement's timed phase, and the samples are summed by
library (the leaf frame's package) and by our own functions (inclusive: on the stack at all).

py-spy runs `--nonblocking` (it never pauses the process it samples) and stops when the phase ends (SIGINT makes
it write what it has). A machine where it cannot attach (no ptrace) gets the reason in place of a profile.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^:()]+)(?::\d+)?\)$")
_OURS = ("services", "shared", "simulation", "bench", "cli")


@dataclass(frozen=True)
class Share:
    name: str
    share: float  # of all samples


@dataclass(frozen=True)
class Profile:
    label: str
    samples: int
    idle: float = 0.0  # share of samples with the event loop waiting for I/O (selectors: nothing to run)
    by_library: list[Share] = field(default_factory=list)  # the leaf frame's package or module
    our_functions: list[Share] = field(default_factory=list)  # our functions on the stack, inclusive
    our_nearest: list[Share] = field(default_factory=list)  # our function nearest the running frame: who asked
    leaves: list[Share] = field(default_factory=list)  # the functions that were running
    error: str | None = None


def library_of(path: str) -> str:
    """py-spy names files from their package down: `pydantic/main.py` -> pydantic; our
    `services/assessment/runtime.py` -> services.assessment; a standard-library module file -> its module."""
    parts = Path(path).parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    if not parts:
        return "(unknown)"
    if parts[0] in _OURS:
        return ".".join(parts[:2]).removesuffix(".py")
    if len(parts) > 1:
        return parts[0]
    return "(interpreter)" if parts[0].startswith("<") else Path(parts[0]).stem


def _ours(function: str, path: str) -> bool:
    """A function of our code, entry points left out (every sample passes through them)."""
    parts = Path(path).parts
    return bool(parts) and parts[0] in _OURS and function not in ("<module>", "main")


def _module(path: str) -> str:
    return ".".join(Path(path).with_suffix("").parts)


def _frames(stack: str) -> list[tuple[str, str]]:
    found = []
    for frame in stack.split(";"):
        match = _FRAME.match(frame.strip())
        if match:
            found.append((match.group("function"), match.group("path")))
    return found


def summarise(label: str, raw: str, top: int = 8) -> Profile:
    """A profile from py-spy's raw (collapsed) output: one `frame;frame;... count` line per distinct stack."""
    libraries: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    nearest: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = idle = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count, frames = int(count_text), _frames(stack)
        if not frames:
            continue
        total += count
        function, path = frames[-1]
        if library_of(path) == "selectors":
            idle += count
            continue
        libraries[library_of(path)] += count
        leaves[f"{function} ({library_of(path)})"] += count
        own = [f"{_module(p)}.{f}" for f, p in frames if _ours(f, p)]
        for name in set(own):
            ours[name] += count
        if own:
            nearest[own[-1]] += count

    def shares(counter: Counter[str]) -> list[Share]:
        return [Share(name, n / total) for name, n in counter.most_common(top)] if total else []

    idle_share = idle / total if total else 0.0
    return Profile(label, total, idle_share, shares(libraries), shares(ours), shares(nearest), shares(leaves))


class Profiler:
    """Samples the processes named in `during`; keeps a profile per label."""

    def __init__(self, directory: Path, seconds: float) -> None:
        self.directory = directory
        self.seconds = seconds
        self.profiles: dict[str, Profile] = {}

    @contextlib.asynccontextmanager
    async def during(self, label: str, pid: int, *, children: bool = False) -> AsyncIterator[None]:
        """`children`: its child processes too (a service's uvicorn workers)."""
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self.directory.mkdir(parents=True, exist_ok=True)
        output = self.directory / f"{re.sub(r'[^a-z0-9]+', '-', label.lower())}.txt"
        command = [spy, "record", "--pid", str(pid), "--rate", "100", "--nonblocking", "--format", "raw"]
        command += ["--subprocesses"] if children else []
        command += ["--duration", str(max(1, round(self.seconds))), "--output", str(output)]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            yield
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGINT)
            _, errors = await asyncio.wait_for(process.communicate(), 30)
            if output.exists() and output.stat().st_size:
                self.profiles[label] = summarise(label, output.read_text())
            else:
                reason = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no samples"]
                self.profiles[label] = Profile(label, 0, error=reason[0])


class _NoProfiler(Profiler):
    def __init__(self) -> None:
        super().__init__(Path("."), 0)

    @contextlib.asynccontextmanager
    async def during(self, label: str, pid: int, *, children: bool = False) -> AsyncIterator[None]:
        yield


no_profiler: Profiler = _NoProfiler()
