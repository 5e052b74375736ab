"""`python -m chaos` (make chaos): the run, its table, and optionally its Markdown for BENCHMARKS.md."""

from __future__ import annotations

import asyncio
import logging
import platform
import sys
from pathlib import Path
from typing import Annotated

import structlog
import typer
from rich.console import Console

from chaos.killer import Plan
from chaos.report import details, markdown, tables
from chaos.run import ChaosSettings, run

console = Console()


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(
    events: Annotated[int, typer.Option(help="Facts to post (the scaled scenario nearest to it)")] = 50_000,
    kills: Annotated[int, typer.Option(help="SIGKILLs of each stage service and of the assessment worker")] = 3,
    broker_restarts: Annotated[int, typer.Option(help="Times the broker is killed and restarted")] = 2,
    database_restarts: Annotated[int, typer.Option(help="Times PostgreSQL is killed and restarted")] = 1,
    database_down: Annotated[float, typer.Option(help="Seconds PostgreSQL stays down")] = 20.0,
    poison: Annotated[int, typer.Option(help="Undecodable records posted into the stage topics")] = 6,
    seed: Annotated[int, typer.Option(help="Seeds the scenario and the strikes")] = 1,
    state_dir: Annotated[Path, typer.Option(help="The stack's own state (deleted first)")] = Path(".run/chaos"),
    markdown_out: Annotated[Path | None, typer.Option(help="Write the result as Markdown here")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO if verbose else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    logging.getLogger("aiokafka").setLevel(logging.INFO if verbose else logging.CRITICAL)
    plan = Plan(kills, broker_restarts, database_restarts, database_down)
    settings = ChaosSettings(events=events, plan=plan, poison=poison, seed=seed, state_dir=state_dir)
    result = asyncio.run(run(settings, lambda line: console.print(f"[dim]chaos:[/] {line}", highlight=False)))
    for shown in tables(result):
        console.print(shown)
    for line in details(result):
        console.print(line, highlight=False)
    for line in (result.audit.lost + result.audit.duplicated + result.drive.failures)[:20]:
        console.print(f"[red]✗[/] {line}", highlight=False)
    for mismatch in result.comparison.mismatches[:20]:
        console.print(f"[red]≠[/] {mismatch.describe()}", highlight=False)
    if markdown_out is not None:
        markdown_out.parent.mkdir(parents=True, exist_ok=True)
        markdown_out.write_text(markdown(result, machine()))
        console.print(f"written to {markdown_out}")
    if not result.passed:
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
