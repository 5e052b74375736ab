"""`cycle assessment ...`: operator jobs of the assessment service."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from cli.stack_env import use_running_stack

app = typer.Typer(help="Operate the assessment service.", no_args_is_help=True)
console = Console()


@app.command()
def rebuild(
    generation: Annotated[str | None, typer.Option(help="Name of the new generation (default: a fresh one)")] = None,
    activate: Annotated[bool, typer.Option(help="Make the API answer from the new generation when done")] = True,
) -> None:
    """Recompute every figure from the start of the stage topics in a fresh generation (group and tables)."""
    from services.assessment.rebuild import run_rebuild

    use_running_stack()
    with console.status("Rebuilding from the start of the topics…"):
        report = run_rebuild(generation=generation, activate=activate)
    console.print(report)
    console.print("Restart running workers with ASSESSMENT_GENERATION set to the new generation to follow it live.")


@app.command("close-day")
def close_day(
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: yesterday in Asia/Shanghai)")] = None,
) -> None:
    """Compute the as-of answers of a day that has ended, for every partnership and every roll-up, and keep them
    for every API process; answers already kept stay. Run it after midnight, and again after an import of history."""
    from services.assessment.closing import DayNotClosed, run_close_day

    use_running_stack()
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError:
        console.print(f"[red]{day!r} is no date: use YYYY-MM-DD[/]")
        raise typer.Exit(2) from None
    with Progress(console=console) as progress:
        task = progress.add_task("Closing the day…", total=None)
        try:
            closed = run_close_day(chosen, lambda done, total: progress.update(task, completed=done, total=total))
        except DayNotClosed as refused:
            console.print(f"[red]{refused}[/]")
            raise typer.Exit(2) from None
    console.print(
        f"{closed.day}: {closed.partnerships:,} partnerships and {closed.rollups:,} roll-ups,"
        f" {closed.kept:,} answers kept, in {closed.seconds:.1f} s"
    )
