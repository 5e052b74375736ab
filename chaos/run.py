"""One chaos run: start a stack, post a scaled scenario through the public APIs (as `cycle simulate` does) while
the strikes fall and a few poison records go in, wait until everything settled, then audit and compare."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import structlog
from aiokafka.errors import KafkaError

from chaos.audit import Audit, audit, kept_by, learner_lag, topic_events
from chaos.killer import Plan, Tally, Watchdog, strike
from chaos.poison import DeadLetters, Poison, expected_dead_letters, poisons, post, read_dead_letters
from chaos.recorder import Outcomes, RecordingTransport
from chaos.stack import STAGE_SERVICES, WORKER, ChaosStack
from shared.application.clock import SystemClock, business_today
from shared.config import ServiceSettings
from shared.security.identity import Scope
from shared.web.client_auth import ClientCredentials, Credential
from simulation.alerts import read_alerts
from simulation.assessment_reader import AssessmentReader
from simulation.compare import Comparison
from simulation.credentials import run_credential
from simulation.driver import DriveReport, drive
from simulation.generator import scaled_programme
from simulation.ids import Ids
from simulation.scenario import Scenario
from simulation.truth_file import truth_document

log = structlog.get_logger(__name__)
FACTS_PER_STUDENT = 9.2  # of the scaled scenario, measured: 5,527 students post 50,623 facts
LEARNER_GROUPS = ["training.roster", "employment.upstream", "assessment-g1"]


@dataclass(frozen=True)
class ChaosSettings:
    events: int = 50_000
    plan: Plan = field(default_factory=Plan)
    poison: int = 6
    seed: int = 1
    concurrency: int = 16
    state_dir: Path = Path(".run/chaos")
    settle_timeout: float = 1800.0


@dataclass
class ChaosResult:
    settings: ChaosSettings
    facts: int
    tally: Tally
    drive: DriveReport
    audit: Audit
    dead_letters: DeadLetters
    expected_dead_letters: int
    comparison: Comparison
    seconds: float
    statuses: dict[str, int]
    unsettled: str = ""

    @property
    def dead_letters_missing(self) -> int:
        expected = expected_dead_letters(poisons(self.settings.poison))
        return sum(1 for where in expected if where not in self.dead_letters.poisoned)

    @property
    def passed(self) -> bool:
        a = self.audit
        return not (
            a.lost
            or a.duplicated
            or a.refused_but_applied
            or a.server_errors
            or a.unanswered
            or a.unpublished
            or a.refused_by_broker
            or any(a.lag.values())
            or self.drive.failures
            or self.dead_letters.other
            or self.dead_letters_missing
            or self.comparison.mismatches
        )


def scenario_of(events: int, seed: int) -> Scenario:
    """The scaled scenario whose facts come nearest to `events`."""
    students = max(20, round(events / FACTS_PER_STUDENT))
    found = scaled_programme(students, seed)
    return scaled_programme(max(20, round(students * events / found.fact_count())), seed)


async def run(settings: ChaosSettings, say: Callable[[str], None]) -> ChaosResult:
    started = time.monotonic()
    if settings.state_dir.exists():
        shutil.rmtree(settings.state_dir)
    stack = ChaosStack(settings.state_dir)
    say(f"starting a stack in {settings.state_dir}")
    await asyncio.to_thread(stack.up)
    try:
        return await _storm(stack, settings, say, started)
    finally:
        say("stopping the stack")
        await asyncio.to_thread(stack.down)


async def _storm(stack: ChaosStack, settings: ChaosSettings, say: Callable[[str], None], started: float) -> ChaosResult:
    programme = scenario_of(settings.events, settings.seed)
    facts = programme.fact_count()
    today = business_today(SystemClock().now())
    truth = truth_document(programme, Ids.for_scenario(programme.name, programme.seed), today, imported=True)
    say(f"{facts} facts of {len(programme.students)} students; {settings.plan}")
    recorder, tally = RecordingTransport(), Tally()
    sent = poisons(settings.poison)
    bootstrap, dsn = stack.address("kafka"), stack.address("postgres")
    service_settings = ServiceSettings(DATABASE_URL=dsn, KAFKA_BOOTSTRAP_SERVERS=bootstrap)
    watchdog = Watchdog(stack, tally)
    watching = asyncio.create_task(watchdog.run())
    try:
        async with run_credential(service_settings, "make chaos", frozenset({Scope.IMPORT})) as credential:
            report = await _post_under_fire(stack, settings, programme, recorder, tally, credential, say)
            say("waiting until every process is back, every outbox published and every learner caught up")
            await _until(watchdog.all_up, settings.settle_timeout)
            settled = await _until(lambda: _settled(stack), settings.settle_timeout)
            unsettled = "" if settled else await _unsettled(stack)
            if unsettled:
                say(unsettled)
            comparison = await _compare(stack, credential, truth, settings.settle_timeout)
    finally:
        watching.cancel()
    kept = {name: await kept_by(dsn, name) for name in STAGE_SERVICES}
    found = audit(Outcomes.of(recorder.answers), _services_by_port(stack), kept, await topic_events(bootstrap))
    found.lag = await learner_lag(bootstrap, LEARNER_GROUPS)
    return ChaosResult(
        settings,
        facts,
        tally,
        report,
        found,
        await read_dead_letters(bootstrap),
        sum(expected_dead_letters(sent).values()),
        comparison,
        time.monotonic() - started,
        {str(status): count for status, count in sorted(recorder.statuses.items(), key=lambda s: str(s[0]))},
        unsettled,
    )


async def _post_under_fire(
    stack: ChaosStack,
    settings: ChaosSettings,
    programme: Scenario,
    recorder: RecordingTransport,
    tally: Tally,
    credential: Credential,
    say: Callable[[str], None],
) -> DriveReport:
    """`cycle simulate`'s posting (the history through the operator import) while the strikes fall."""
    started, facts = time.monotonic(), programme.fact_count()
    posting = asyncio.create_task(
        drive(
            programme,
            {name: stack.address(name) for name in STAGE_SERVICES},
            concurrency=settings.concurrency,
            wait_timeout=900,
            transport=recorder,
            credential=credential,
            import_history=True,
        )
    )

    def progress() -> float:
        return 1.0 if posting.done() else recorder.accepted / facts

    strikes = settings.plan.strikes(random.Random(settings.seed))
    striking = asyncio.create_task(strike(stack, strikes, progress, tally))
    poisoning = asyncio.create_task(_poison_midway(stack.address("kafka"), poisons(settings.poison), progress))
    while not posting.done():
        await asyncio.wait([posting], timeout=60)
        kills = sum(tally.kills.values())
        say(f"{time.monotonic() - started:5.0f}s: {recorder.accepted:,} answers of {facts:,} facts, {kills} kills")
    report, _ = await posting
    say(f"posted in {time.monotonic() - started:.0f}s: {report.total_commands} commands, {report.retries} retries")
    await striking
    await poisoning
    for line in tally.log:
        say(line)
    return report


async def _poison_midway(bootstrap: str, sent: list[Poison], progress: Callable[[], float]) -> None:
    while progress() < 0.5:
        await asyncio.sleep(0.5)
    while True:
        try:
            await post(bootstrap, sent)
            return
        except (KafkaError, OSError) as error:  # the broker may be one of the strikes
            log.warning("chaos_poison_retry", error=repr(error))
            await asyncio.sleep(2)


def _services_by_port(stack: ChaosStack) -> dict[int, str]:
    return {httpx.URL(stack.address(name)).port or 80: name for name in STAGE_SERVICES}


async def _settled(stack: ChaosStack) -> bool:
    kept = [await kept_by(stack.address("postgres"), name) for name in STAGE_SERVICES]
    if any(k.unpublished for k in kept):
        return False
    lag = await learner_lag(stack.address("kafka"), LEARNER_GROUPS)
    return not any(lag.values())


async def _until(probe: Callable[[], Awaitable[bool]], timeout: float) -> bool:
    """Whether `probe` said yes before the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if await probe():
                return True
        except (OSError, KafkaError) as error:
            log.warning("chaos_settle_probe_failed", error=repr(error))
        await asyncio.sleep(2)
    return False


async def _unsettled(stack: ChaosStack) -> str:
    """What each consumer said last, for a run that did not settle (the stack's logs go with its directory); the
    worker is asked for its tasks' stacks and its consumer's state first (SIGUSR1)."""
    if (pid := stack.pid(WORKER)) is not None:
        os.kill(pid, signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while '"task_dump"' not in stack.log_tail(WORKER, 5) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    return "\n".join(
        f"not settled; the last lines of {name}'s log:\n{stack.log_tail(name, 80 if name == WORKER else 20)}"
        for name in (*STAGE_SERVICES, WORKER)
    )


async def _compare(stack: ChaosStack, credential: Credential, truth: dict[str, Any], timeout: float) -> Comparison:
    """Compares until nothing differs, the same mismatches come back three times in a row (the learners are at
    their ends already, so nothing is on its way), or the deadline."""
    bootstrap = stack.address("kafka")
    auth = ClientCredentials(credential)
    async with (
        httpx.AsyncClient(base_url=stack.address("assessment-api"), timeout=120, auth=auth) as client,
        httpx.AsyncClient(base_url=stack.address("recruitment"), timeout=60, auth=auth) as members,
    ):
        reader = AssessmentReader(client, members, lambda: read_alerts(bootstrap))
        deadline = time.monotonic() + timeout
        seen: list[list[str]] = []
        while True:
            try:
                result, _ = await reader.compare(truth)
            except (httpx.TransportError, httpx.HTTPStatusError, KafkaError) as error:
                if time.monotonic() > deadline:
                    raise
                log.warning("chaos_compare_retry", error=repr(error))
                await asyncio.sleep(5)
                continue
            seen.append([m.describe() for m in result.mismatches])
            if not result.mismatches or time.monotonic() > deadline or seen[-3:] == [seen[-1]] * 3:
                return result
            await asyncio.sleep(5)
