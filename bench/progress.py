"""Watching assessment workers: how far a generation has flushed (its `progress` rows, written in the flush's
transaction with the figures), and the rates those samples give."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.stats import rate
from services.assessment.rebuild import end_offsets, unsettled
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore
from shared.contracts.registry import stage_topics

STALL_SECONDS = 180.0


@dataclass(frozen=True)
class Sample:
    seconds: float  # since the watch started
    flushed: int  # stage events flushed (sum of the generation's progress offsets on the stage topics)


@dataclass
class Watch:
    store: AssessmentStore
    settings: AssessmentSettings
    samples: list[Sample] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    moved: float = field(default_factory=time.perf_counter)  # when the generation's progress last changed
    _progress: dict[tuple[str, int], int] = field(default_factory=dict)
    behind: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)  # (flushed, end), as last seen

    async def sample(self) -> Sample:
        stage = set(stage_topics(self.settings.topic_namespace))
        progress = await self.store.progress(self.settings.generation)
        flushed = sum(offset for (topic, _), offset in progress.items() if topic in stage)
        taken = Sample(time.perf_counter() - self.started, flushed)
        if progress != self._progress:  # roll-up parts flushed count as moving too
            self.moved, self._progress = time.perf_counter(), progress
        self.samples.append(taken)
        return taken

    def stalled(self, total: int) -> str | None:
        """Why the workers look stalled (no progress flushed for STALL_SECONDS), or None."""
        still = time.perf_counter() - self.moved
        if still < STALL_SECONDS:
            return None
        flushed = self.samples[-1].flushed if self.samples else 0
        behind = ", ".join(f"{topic}-{part} {done}/{end}" for (topic, part), (done, end) in self.behind.items())
        return (
            f"generation {self.settings.generation} stalled: {flushed:,} of {total:,} stage events flushed, none "
            f"for {still:.0f} s ({time.perf_counter() - self.started:.0f} s after the start)"
            + (f"; flushed/end behind: {behind}" if behind else "")
        )

    async def until_settled(self, timeout: float, check: Callable[[], None], interval: float = 0.5) -> float:
        """Sample until every stage event now in the topics is flushed; returns the seconds since the start.
        Workers whose progress stands still for STALL_SECONDS have stalled: that is an error, not a slow run."""
        ends = await end_offsets(self.settings.kafka_bootstrap_servers, stage_topics(self.settings.topic_namespace))
        deadline, self.moved = self.started + timeout, time.perf_counter()
        while behind := await unsettled(self.store, self.settings, ends):
            self.behind = behind
            check()
            if (stall := self.stalled(sum(ends.values()))) is not None:
                raise TimeoutError(stall)
            if time.perf_counter() > deadline:
                raise TimeoutError(f"generation {self.settings.generation} not settled within {timeout:.0f} s")
            await self.sample()
            await asyncio.sleep(interval)
        return (await self.sample()).seconds


def steady_rate(samples: list[Sample], total: int, overall: float) -> float:
    """Events/s between 10% and 90% of `total` flushed: start-up and the last flush left out. A run too short to
    have samples between them (a tiny one, flushed at once) has only its `overall` rate."""
    low = next((s for s in samples if s.flushed >= 0.1 * total), None)
    high = next((s for s in samples if s.flushed >= 0.9 * total), None)
    if low is None or high is None or high.seconds <= low.seconds:
        return overall
    return rate(high.flushed - low.flushed, high.seconds - low.seconds)


def worker_children() -> list[int]:
    """Our child processes that run the assessment worker (the one `rebuild` starts, whose pid it keeps)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parent = int((proc / "stat").read_text().rpartition(")")[2].split()[1])
            command = (proc / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"services.assessment.worker" in command:
            found.append(int(proc.name))
    return found
