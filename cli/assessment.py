"""`cycle assessment ...`: operator jobs of the assessment service."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

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
