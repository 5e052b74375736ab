"""`cycle simulate` and `cycle report`: drive a scenario through the stack, then check assessment against the truth.

Registered into the `cycle` CLI with `app.add_typer(simulation_app)` (its commands join the top level).
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

from shared.application.clock import SystemClock, business_today
from shared.infra.stack_state import StackState
from shared.security.identity import Scope
from shared.web.client_auth import ClientCredentials
from simulation.acting import acting_parties
from simulation.alerts import read_alerts
from simulation.assessment_reader import AssessmentReader
from simulation.compare import Comparison
from simulation.console import (
    RichReporter,
    comparison_lines,
    comparison_table,
    drive_table,
    figures_table,
    partnerships_table,
    scenario_table,
    seed_table,
)
from simulation.credentials import party_credentials, run_credential, stack_settings
from simulation.driver import DriveReport, drive
from simulation.generator import build
from simulation.ids import Ids
from simulation.seed_report import seed_rows
from simulation.truth_file import read_truth, truth_document, write_truth

simulation_app = typer.Typer(help="Drive a seeded programme through the services and check the figures.")
console = Console()
errors = Console(stderr=True)
DEFAULT_TRUTH = Path(".run/truth.json")

StateDir = Annotated[Path, typer.Option("--state-dir", help="Where `cycle up` recorded the stack's addresses")]
Url = Annotated[str | None, typer.Option(help="Default: the running stack's address (.run/stack.json)")]


def _address(state_dir: Path, name: str, given: str | None) -> str:
    address = given or StackState(state_dir).address(name)
    if not address:
        errors.print(f"[red]No address for {name}:[/] start the stack (`cycle up`) or pass --{name}-url.")
        raise typer.Exit(2)
    return address


@simulation_app.command()
def simulate(
    scenario: Annotated[str, typer.Option(help="seed (DOMAIN.md's figures), small or scaled")] = "seed",
    seed: Annotated[int | None, typer.Option(help="Random seed (small: 7, scaled: 1)")] = None,
    students: Annotated[int | None, typer.Option(help="Applicants of the scaled scenario")] = None,
    rate: Annotated[float | None, typer.Option(help="Commands per second at most; unlimited if omitted")] = None,
    concurrency: Annotated[int, typer.Option(help="Students and classes in flight at once")] = 16,
    recruitment_url: Url = None,
    training_url: Url = None,
    employment_url: Url = None,
    truth_out: Annotated[Path, typer.Option(help="Where to write the ground truth (JSON)")] = DEFAULT_TRUTH,
    wait_timeout: Annotated[float, typer.Option(help="Seconds a downstream service may take to learn")] = 120,
    import_history: Annotated[
        bool,
        typer.Option(
            "--import-history/--live",
            help="Post facts through the import with the day each was first recorded (as-of readings at "
            "past dates then see late and back-dated facts), or as live commands recorded now",
        ),
    ] = True,
    batch: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=10_000,
            help="With --import-history: the imports of up to this many facts in flight go as one request (the bulk "
            "path; as many students and classes are then in flight)",
        ),
    ] = None,
    state_dir: StateDir = Path(".run"),
) -> None:
    """Generate the scenario, write its ground truth, and post every fact through the stage services' APIs."""
    urls = {
        name: _address(state_dir, name, url)
        for name, url in (("recruitment", recruitment_url), ("training", training_url), ("employment", employment_url))
    }
    started = time.perf_counter()
    with console.status(f"Generating the {scenario} scenario…"):
        programme = build(scenario, seed, students)
    console.print(scenario_table(programme, time.perf_counter() - started))
    today = business_today(SystemClock().now())
    if today < programme.generated_on:
        errors.print(f"[red]Today ({today}) is before the scenario's last date ({programme.generated_on}).[/]")
        raise typer.Exit(2)
    with console.status("Computing the ground truth…"):
        ids = Ids.for_scenario(programme.name, programme.seed)
        document = truth_document(programme, ids, today, imported=import_history)
        write_truth(document, truth_out)
    days = ", ".join(sorted({r["as_of"] for r in document["readings"] if r["as_of"]})) or "none"
    console.print(f"ground truth as of {today} (past readings: {days}) written to {truth_out}")
    scopes = frozenset({Scope.IMPORT}) if import_history else frozenset()

    async def driven(progress: Any) -> DriveReport:
        settings = stack_settings(state_dir)
        async with run_credential(settings, "cycle simulate", scopes) as credential:
            parties = await party_credentials(settings, programme, ids, acting_parties(programme).values(), scopes)
            report, _ = await drive(
                programme,
                urls,
                concurrency=max(concurrency, batch) if batch and import_history else concurrency,
                rate=rate,
                wait_timeout=wait_timeout,
                reporter=RichReporter(progress),
                credential=credential,
                import_history=import_history,
                parties=parties,
                batch=batch,
            )
        return report

    with RichReporter.progress_bar(console) as progress:
        report = asyncio.run(driven(progress))
    console.print(drive_table(report))
    for failure in report.failures[:20]:
        errors.print(f"[red]✗[/] {failure}", highlight=False)
    if report.failures:
        raise typer.Exit(1)


async def _compare_until(
    reader: AssessmentReader, truth: dict[str, Any], wait: float
) -> tuple[Comparison, dict[str, list[dict[str, Any]]]]:
    """Compares until nothing differs or the figures stop moving for a while; assessment catches up meanwhile."""
    deadline = time.monotonic() + wait
    previous: list[str] | None = None
    steady = 0
    while True:
        result, read = await reader.compare(truth)
        seen = [m.describe() for m in result.mismatches]
        steady = steady + 1 if seen == previous else 0
        if not result.mismatches or time.monotonic() >= deadline or steady >= 5:
            return result, read
        previous = seen
        await asyncio.sleep(2)


async def _report(
    urls: dict[str, str], truth: dict[str, Any], wait: float, state_dir: Path
) -> tuple[Comparison, dict[str, list[dict[str, Any]]]]:
    settings = stack_settings(state_dir)
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or StackState(state_dir).address("kafka")

    async def alerts() -> list[dict[str, Any]]:
        return await read_alerts(bootstrap or settings.kafka_bootstrap_servers, settings.topic_namespace)

    async with (
        run_credential(settings, "cycle report") as credential,
        httpx.AsyncClient(base_url=urls["assessment"], timeout=120, auth=ClientCredentials(credential)) as client,
        httpx.AsyncClient(base_url=urls["recruitment"], timeout=60, auth=ClientCredentials(credential)) as members,
    ):
        return await _compare_until(AssessmentReader(client, members, alerts), truth, wait)


@simulation_app.command()
def report(
    truth: Annotated[Path, typer.Option(help="The ground truth `cycle simulate` wrote")] = DEFAULT_TRUTH,
    assessment_url: Url = None,
    recruitment_url: Url = None,
    wait: Annotated[float, typer.Option(help="Seconds to let assessment catch up before judging")] = 300,
    state_dir: StateDir = Path(".run"),
) -> None:
    """Assessment beside the ground truth on every path — live, as of past dates, both metric versions, the final
    flag, targets, alerts, member counts — with a table of counts per path; exit 1 on any mismatch."""
    urls = {
        "assessment": _address(state_dir, "assessment-api", assessment_url),
        "recruitment": _address(state_dir, "recruitment", recruitment_url),
    }
    document = read_truth(truth)
    if date.fromisoformat(document["as_of"]) != business_today(SystemClock().now()):
        console.print(f"[yellow]The truth is as of {document['as_of']}: live figures of today may differ from it.[/]")
    with console.status("Reading assessment's figures…"):
        result, read = asyncio.run(_report(urls, document, wait, state_dir))
    console.print(partnerships_table(document))
    console.print(figures_table(document, read))
    if document["scenario"] == "seed":
        console.print(seed_table(seed_rows(document, read)))
    console.print(comparison_table(result))
    for line in comparison_lines(result):
        console.print(line, highlight=False)
    if result.mismatches:
        raise typer.Exit(1)
