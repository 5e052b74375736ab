"""When to strike and what: SIGKILLs at random moments of the posting, measured as the share of facts answered so
far (a slow machine posts slower; the strikes still fall inside the run). Services and workers come back at once,
as a process manager would restart them; the broker and the database stay away for a while first.

The idea is faust's tests/stress/killer.py (bursts of signals while the stream flows); here every strike is a
SIGKILL by recorded pid.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from chaos.stack import STAGE_SERVICES, WORKER, ChaosStack

SERVICES = (*STAGE_SERVICES, "assessment-api", WORKER)

log = structlog.get_logger(__name__)
BROKER, DATABASE = "kafka", "postgres"


@dataclass(frozen=True)
class Strike:
    at: float  # share of the facts answered when it falls, 0..1
    target: str
    down_for: float  # seconds before the restart begins


@dataclass(frozen=True)
class Plan:
    kills: int = 3  # of each stage service (and its relay) and of the assessment worker
    broker_restarts: int = 2
    database_restarts: int = 1
    database_down: float = 20.0
    broker_down: tuple[float, float] = (3.0, 10.0)

    def strikes(self, rng: random.Random) -> list[Strike]:
        processes = [
            Strike(rng.uniform(0.05, 0.9), name, 0.0) for name in (*STAGE_SERVICES, WORKER) for _ in range(self.kills)
        ]
        # The broker and the database each get a slot of their own, so that their outages never overlap.
        outages = [BROKER] * self.broker_restarts + [DATABASE] * self.database_restarts
        rng.shuffle(outages)
        slots = len(outages)
        infrastructure = [
            Strike(rng.uniform(0.1 + 0.75 * n / slots, 0.1 + 0.75 * (n + 0.6) / slots), target, self._down(target, rng))
            for n, target in enumerate(outages)
        ]
        return sorted(processes + infrastructure, key=lambda strike: strike.at)

    def _down(self, target: str, rng: random.Random) -> float:
        return self.database_down if target == DATABASE else rng.uniform(*self.broker_down)


@dataclass
class Tally:
    kills: Counter[str] = field(default_factory=Counter)
    restarts: Counter[str] = field(default_factory=Counter)
    failed_restarts: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)


async def strike(stack: ChaosStack, strikes: list[Strike], progress: Callable[[], float], tally: Tally) -> None:
    """Deliver every strike as progress passes its mark (all that remain once posting ends). A process struck is
    brought back by the watchdog; the broker and the database come back here, after their time away."""
    started = time.monotonic()
    outage: asyncio.Task[None] | None = None
    for planned in strikes:
        while progress() < planned.at:
            await asyncio.sleep(0.2)
        infrastructure = planned.target in (BROKER, DATABASE)
        if infrastructure and outage is not None:
            await outage  # one outage of the infrastructure at a time
        if not stack.kill(planned.target):
            tally.log.append(f"{time.monotonic() - started:7.1f}s {planned.target} was not running")
            continue
        tally.kills[planned.target] += 1
        tally.log.append(f"{time.monotonic() - started:7.1f}s SIGKILL {planned.target} at {progress():.0%}")
        if infrastructure:
            outage = asyncio.create_task(_come_back(stack, planned, tally))
    if outage is not None:
        await outage


async def _come_back(stack: ChaosStack, planned: Strike, tally: Tally) -> None:
    await asyncio.sleep(planned.down_for)
    attempts = await stack.keep_restarting(planned.target)
    tally.restarts[planned.target] += 1
    tally.failed_restarts[planned.target] += attempts - 1


class Watchdog:
    """Restarts any service process that is not running, whoever killed it, as a process manager would (compose's
    `restart: unless-stopped`): a worker that exits because the broker is away comes back too."""

    def __init__(self, stack: ChaosStack, tally: Tally, names: tuple[str, ...] = SERVICES) -> None:
        self._stack, self._tally, self._names = stack, tally, names
        self._restarting: dict[str, asyncio.Task[None]] = {}
        self._started = time.monotonic()

    async def run(self) -> None:
        while True:
            for name in self._names:
                if name not in self._restarting and self._stack.pid(name) is None:
                    last = self._stack.last_log_line(name)
                    self._tally.log.append(f"{time.monotonic() - self._started:7.1f}s {name} down; its log: {last}")
                    self._restarting[name] = asyncio.create_task(self._restart(name))
            await asyncio.sleep(1)

    async def _restart(self, name: str) -> None:
        try:
            attempts = await self._stack.keep_restarting(name)
            self._tally.restarts[name] += 1
            self._tally.failed_restarts[name] += attempts - 1
        finally:
            del self._restarting[name]

    async def all_up(self) -> bool:
        return not self._restarting and all(self._stack.pid(name) is not None for name in self._names)
