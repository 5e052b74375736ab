"""What every operator command shares: settings, the consoles, `--json`, progress, and errors without tracebacks.

Output for scripts goes to stdout; spinners, progress bars and errors go to stderr, so `--json` output stays clean.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any, TypeVar

import typer
from aiokafka.errors import ProducerFenced
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.stack_env import use_running_stack
from shared.config import ServiceSettings
from shared.ops.errors import OpsError

T = TypeVar("T")
console = Console()
errors = Console(stderr=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]


def settings() -> ServiceSettings:
    """Broker, database, topic namespace and schema suffix: the environment first, else the stack `cycle up` runs."""
    use_running_stack()
    return ServiceSettings()


def _drop_fenced_leftovers(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # A fenced replay fails aiokafka's own internal futures too, which nobody awaits; the command has already said
    # what happened (ReplayTakenOver), so their "exception was never retrieved" tracebacks are noise.
    if not isinstance(context.get("exception"), ProducerFenced):
        loop.default_exception_handler(context)


def run(work: Coroutine[Any, Any, T]) -> T:
    try:
        with asyncio.Runner() as runner:
            runner.get_loop().set_exception_handler(_drop_fenced_leftovers)
            return runner.run(work)
    except OpsError as error:
        errors.print(f"[red]error:[/] {error}", highlight=False, soft_wrap=True)
        if error.hint:
            errors.print(f"[dim]hint:[/] {error.hint}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def print_json(value: object) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def fetch(doing: str, work: Coroutine[Any, Any, T]) -> T:
    """Run `work` behind a spinner on stderr."""
    with errors.status(doing):
        return run(work)


def report(
    found: Sequence[T],
    *,
    as_json: bool,
    document: Callable[[T], object],
    table: Callable[[Sequence[T]], Table],
    nothing: str,
) -> None:
    """A JSON list for scripts, else a table, else a line on stderr saying there was nothing."""
    if as_json:
        print_json([document(item) for item in found])
    elif found:
        console.print(table(found))
    else:
        errors.print(nothing, highlight=False)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )
