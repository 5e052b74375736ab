"""Posts a scenario through the stage services' public HTTP APIs, in causal order per student, concurrently.

Phases: parties and agreements; classes (and training learning of them); hours logs and students; the late
reports; closures and endings. Downstream services learn from events, so before a student's next-stage
commands the driver polls that service's API, with a deadline, until it knows the student.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

import httpx
import structlog

from shared.web.client_auth import Credential
from simulation import calls as c
from simulation.acting import acting_parties
from simulation.batching import ImportBatcher
from simulation.clients import Refused, StageClients
from simulation.ids import Ids
from simulation.importing import imported, settle
from simulation.plans import StudentPlan, plan_student
from simulation.scenario import ClassFact, Scenario, SchoolClass
from simulation.student_calls import student_call
from simulation.watching import NotLearned

log = structlog.get_logger(__name__)
T = TypeVar("T")


class Reporter(Protocol):
    def begin(self, phase: str, total: int) -> None: ...

    def advance(self, phase: str, n: int = 1) -> None: ...


class _Silent:
    def begin(self, phase: str, total: int) -> None:
        pass

    def advance(self, phase: str, n: int = 1) -> None:
        pass


@dataclass(slots=True)
class DriveReport:
    seconds: float = 0.0
    commands: dict[str, int] = field(default_factory=dict)
    polls: int = 0
    retries: int = 0
    held: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def total_commands(self) -> int:
        return sum(self.commands.values())

    @property
    def commands_per_second(self) -> float:
        return self.total_commands / self.seconds if self.seconds else 0.0


async def bounded(items: Iterable[T], worker: Callable[[T], Awaitable[None]], concurrency: int) -> None:
    """`concurrency` workers share one iterator: at most that many items are in flight."""
    pending = iter(items)

    async def loop() -> None:
        for item in pending:
            await worker(item)

    await asyncio.gather(*(loop() for _ in range(max(1, concurrency))))


class Driver:
    def __init__(
        self,
        scenario: Scenario,
        clients: StageClients,
        *,
        concurrency: int,
        wait_timeout: float,
        reporter: Reporter,
        stamps: dict[str, datetime] | None = None,
        importer: ImportBatcher | None = None,
    ) -> None:
        """`importer`: gathers the imports of facts in flight into requests of many facts (the bulk path)."""
        self.scenario, self.clients, self.ids = scenario, clients, clients.ids
        self.concurrency, self.wait_timeout, self.reporter = concurrency, wait_timeout, reporter
        self.stamps = stamps or {}
        self.importer = importer
        self.failures: list[str] = []

    async def send(self, phase: str, call: c.Call | None) -> None:
        if call is not None:
            await self.record(call)
            self.reporter.advance(phase)

    async def record(self, call: c.Call) -> dict[str, Any]:
        """A fact with a recorded_at of its own goes through the import, which keeps it; any other call
        is a live command, recorded when it arrives."""
        stamp = self.stamps.get(call.fact_key)
        if stamp is None:
            return await self.clients.send(call)
        one = imported(call, stamp, self.ids)
        body = await (self.importer.send(one) if self.importer else self.clients.send(one))
        return settle(call, body, self.ids, self.clients.traffic)

    async def setup(self) -> None:
        """Parties, agreements (parents first), members and programmes, classes, targets and funding, plans."""
        s, ids = self.scenario, self.ids
        await bounded(s.parties.values(), lambda p: self.send("setup", c.party_call(p, ids)), self.concurrency)
        signed: set[str] = set()
        while len(signed) < len(s.partnerships):
            level = [p for p in s.partnerships if p.key not in signed and (p.parent is None or p.parent in signed)]
            await bounded(level, lambda p: self.send("setup", c.signing_call(p, ids)), self.concurrency)
            signed |= {p.key for p in level}

        async def in_order(calls: list[c.Call]) -> None:
            for call in calls:
                await self.send("setup", call)

        await bounded([c.terms_calls(p, ids) for p in s.partnerships], in_order, self.concurrency)
        await bounded(s.classes, lambda k: self.send("setup", c.opening_call(k, ids)), self.concurrency)
        await bounded([c.ledger_calls(p, ids) for p in s.partnerships], in_order, self.concurrency)
        audits = [fix for p in s.partnerships for fix in p.corrections]  # name the funding event they correct
        await bounded(audits, lambda fix: self.send("setup", c.follow_up_call(fix, ids)), self.concurrency)

        async def plan(klass: SchoolClass) -> None:
            await self.clients.until(c.TRAINING, f"/classes/{ids.of(klass.key)}", lambda _: True, self.wait_timeout)
            await self.send("setup", c.plan_call(klass, ids, s.generated_on))

        await bounded(s.classes, plan, self.concurrency)

    async def hours(self, facts: list[ClassFact]) -> None:
        for fact in facts:
            await self.send("hours", c.class_fact_call(fact, self.ids))

    async def facts(self, plan: StudentPlan, facts: Iterable[object]) -> None:
        for fact in facts:
            await self.send("students", student_call(fact, plan.student, self.ids, self.scenario.parties))

    async def first_wave(self, plan: StudentPlan) -> None:
        await self.facts(plan, plan.recruitment)
        if not plan.enrolled:
            return
        student = f"/students/{self.ids.student(plan.student.key)}"
        await self.clients.until(c.TRAINING, student, lambda _: True, self.wait_timeout)
        await self.facts(plan, plan.training)
        if not plan.late:
            await self.employment(plan)

    async def employment(self, plan: StudentPlan) -> None:
        if not plan.employment:
            return
        student = f"/students/{self.ids.student(plan.student.key)}"
        expected = plan.employment_expects
        await self.clients.until(
            c.EMPLOYMENT, student, lambda body: body.get("training_status") == expected, self.wait_timeout
        )
        await self.facts(plan, plan.employment)

    async def second_wave(self, plan: StudentPlan) -> None:
        await self.facts(plan, plan.late_training)
        await self.employment(plan)

    def guarded(
        self, work: Callable[[T], Awaitable[None]], label: Callable[[T], str]
    ) -> Callable[[T], Awaitable[None]]:
        """One failed student or class is reported and the others go on."""

        async def run(item: T) -> None:
            try:
                await work(item)
            except (Refused, NotLearned, KeyError) as error:
                self.failures.append(f"{label(item)}: {error}")
                log.warning("simulation step failed", item=label(item), error=str(error))

        return run

    async def run(self) -> None:
        s = self.scenario
        self.reporter.begin("setup", _setup_size(s))
        await self.setup()
        plans = [plan_student(student) for student in s.students]
        self.reporter.begin("hours", len(s.class_facts))
        self.reporter.begin("students", sum(len(student.facts) for student in s.students))
        by_class: dict[str, list[ClassFact]] = {}
        for fact in s.class_facts:  # a class's logs, verifications and their follow-ups, in the order written
            by_class.setdefault(fact.key.rsplit(".h", 1)[0], []).append(fact)
        hours = self.guarded(self.hours, lambda facts: f"hours of class {facts[0].key.rsplit('.h', 1)[0]}")
        first = self.guarded(self.first_wave, lambda p: f"student {p.student.key}")

        async def step(item: list[ClassFact] | StudentPlan) -> None:
            await (first(item) if isinstance(item, StudentPlan) else hours(item))

        await bounded(_interleaved(list(by_class.values()), plans), step, self.concurrency)
        late = [p for p in plans if p.late]
        second = self.guarded(self.second_wave, lambda p: f"student {p.student.key} (late report)")
        await bounded(late, second, self.concurrency)
        closing = [call for k in s.classes if (call := c.closing_call(k, self.ids))]
        closing += [call for p in s.partnerships for call in c.closing_calls(p, self.ids)]
        self.reporter.begin("closing", len(closing))
        await bounded(
            closing, self.guarded(lambda call: self.send("closing", call), lambda call: call.fact_key), self.concurrency
        )


def _interleaved(chains: list[list[ClassFact]], plans: list[StudentPlan]) -> list[list[ClassFact] | StudentPlan]:
    """Classes' long chains of hours spread among the students, so that both kinds of work overlap."""
    every = max(1, len(plans) // max(1, len(chains)))
    work: list[list[ClassFact] | StudentPlan] = []
    pending = iter(chains)
    for i, plan in enumerate(plans):
        chain = next(pending, None) if i % every == 0 else None
        if chain is not None:
            work.append(chain)
        work.append(plan)
    work.extend(pending)
    return work


def _setup_size(s: Scenario) -> int:
    terms = sum(
        len(p.members) + len(p.programmes) + len(p.targets) + len(p.funding) + len(p.amendments) + len(p.corrections)
        for p in s.partnerships
    )
    return len(s.parties) + len(s.partnerships) + terms + 2 * len(s.classes)


async def drive(
    scenario: Scenario,
    urls: dict[str, str],
    *,
    concurrency: int = 16,
    rate: float | None = None,
    wait_timeout: float = 120.0,
    reporter: Reporter | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    credential: Credential | None = None,
    import_history: bool = False,
    parties: Mapping[str, Credential] | None = None,
    batch: int | None = None,
) -> tuple[DriveReport, Ids]:
    """Posts every fact of `scenario` as `credential`'s client; returns what it took and the ids the services know
    the scenario by. With `import_history`, facts with a recorded_at of their own (scenario.recorded) go through
    the import with it (the credentials need the import scope). With `parties` (party key -> its credential), each
    fact, live or imported, goes as the client of the party that records it (simulation/acting.py). With `batch`
    (and `import_history`), the imports of the facts in flight go together, up to `batch` facts a request
    (simulation/batching.py): give a `concurrency` near `batch` so that requests fill."""
    ids = Ids.for_scenario(scenario.name, scenario.seed)
    started = time.perf_counter()
    acting = acting_parties(scenario) if parties else None
    async with StageClients(
        urls,
        ids,
        rate=rate,
        # httpcore looks at every connection of its pool at each request. In bulk, a few import requests per
        # service and importer are out at once (simulation/batching.py), and a pool of 64 spent about half as much
        # again of the driver's CPU as one of 12 (1,000 students: 7.3 to 8.6 CPU s against 4.7 to 5.9).
        connections=min(concurrency * 2, 12 if batch and import_history else 64),
        longest_poll_pause=2.0
        if batch
        else 0.5,  # a bulk request takes seconds: polling faster only loads the services
        transport=transport,
        credential=credential,
        parties=parties,
        acting=acting,
    ) as clients:
        importer = ImportBatcher(clients, acting or {}, size=batch) if batch and import_history else None
        driver = Driver(
            scenario,
            clients,
            concurrency=concurrency,
            wait_timeout=wait_timeout,
            reporter=reporter or _Silent(),
            stamps=scenario.recorded if import_history else None,
            importer=importer,
        )
        try:
            await driver.run()
        finally:
            if importer is not None:
                await importer.aclose()
        traffic = clients.traffic
    report = DriveReport(
        time.perf_counter() - started,
        dict(traffic.commands),
        traffic.polls,
        traffic.retries,
        traffic.held,
        driver.failures,
    )
    log.info(
        "scenario driven",
        commands=report.total_commands,
        seconds=round(report.seconds, 1),
        per_second=round(report.commands_per_second),
        failures=len(report.failures),
    )
    return report, ids
