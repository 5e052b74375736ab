import json
import logging
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import structlog
import typer
from rich.console import Console
from rich.status import Status
from rich.table import Table

from shared.config import InfraSettings
from shared.infra.logs import follow
from shared.infra.processes import log_tail
from shared.infra.supervisor import ComponentStatus, Health, Supervisor, SupervisorError

app = typer.Typer(help="Run the local stack: broker, database and services.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

StateDir = Annotated[
    Path | None,
    typer.Option("--state-dir", help="Where pids, logs and data live [env CYCLE_STATE_DIR, .run]"),
]
_HEALTH_STYLE = {Health.HEALTHY: "green", Health.UNHEALTHY: "red", Health.STOPPED: "yellow"}


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details")] = False,
) -> None:
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO if verbose else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    # aiokafka logs transient coordinator look-ups at ERROR while a fresh broker elects them.
    logging.getLogger("aiokafka").setLevel(logging.INFO if verbose else logging.CRITICAL)


def _supervisor(state_dir: Path | None) -> Supervisor:
    return Supervisor(InfraSettings(), state_dir)


class _Progress:
    def __init__(self, spinner: Status) -> None:
        self._spinner = spinner

    def starting(self, name: str) -> None:
        self._spinner.update(f"Starting [bold]{name}[/]…")

    def ready(self, name: str, address: str, note: str) -> None:
        console.print(f"[green]✓[/] {name:<18} {address or '-'} [dim]({note})[/]")

    def skipped(self, name: str, reason: str) -> None:
        console.print(f"[yellow]–[/] {name:<18} skipped [dim]({reason})[/]")


def _table(statuses: list[ComponentStatus]) -> Table:
    table = Table("component", "address", "pid", "health")
    table.columns[1].overflow = "fold"
    for status in statuses:
        health = f"[{_HEALTH_STYLE[status.health]}]{status.health}[/]"
        table.add_row(status.name, status.address or "-", str(status.pid or "-"), health)
    return table


@app.command()
def up(
    state_dir: StateDir = None,
    timeout: Annotated[float, typer.Option(help="Seconds each component may take to become healthy")] = 90,
    brokers: Annotated[
        int,
        typer.Option(min=1, help="Kafka brokers: 3 starts a KRaft cluster (replication 3, min.insync.replicas 2)"),
    ] = 1,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processes of each stage service on its port (shared/infra/serve.py; default CYCLE_SERVICE_PROCESSES"
            " or 1): a bulk import spreads its requests over them",
        ),
    ] = None,
) -> None:
    """Start the broker, the database and every service that exists; return once all are healthy."""
    supervisor = _supervisor(state_dir)
    with console.status("Starting…") as spinner:
        try:
            statuses = supervisor.up(_Progress(spinner), timeout, brokers, processes)
        except SupervisorError as error:
            errors.print(f"[red]cycle up failed:[/] {error}", markup=True, highlight=False)
            errors.print("Components already started keep running; `cycle down` stops them.")
            raise typer.Exit(1) from error
    console.print(_table(statuses))


@app.command()
def down(
    state_dir: StateDir = None,
    timeout: Annotated[float, typer.Option(help="Seconds before SIGKILL")] = 30,
    purge: Annotated[bool, typer.Option(help="Also delete the state dir: data, logs")] = False,
) -> None:
    """Stop services, then the broker, then the database (by recorded pid)."""
    supervisor = _supervisor(state_dir)
    with console.status("Stopping…"):
        stopped = supervisor.down(timeout)
    console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
    if purge and supervisor.state.state_dir.exists():
        shutil.rmtree(supervisor.state.state_dir)
        console.print(f"deleted {supervisor.state.state_dir}")


@app.command()
def status(
    state_dir: StateDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list for scripts")] = False,
) -> None:
    """Show each started component; exit 1 unless something runs and all of it is healthy."""
    statuses = _supervisor(state_dir).status()
    if as_json:
        typer.echo(json.dumps([asdict(status) for status in statuses], indent=2))
    elif statuses:
        console.print(_table(statuses))
    else:
        console.print("nothing started; run `cycle up`")
    if not statuses or any(status.health is not Health.HEALTHY for status in statuses):
        raise typer.Exit(1)


@app.command()
def logs(
    name: Annotated[str | None, typer.Argument(help="Component name; all when omitted")] = None,
    follow_: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new lines")] = False,
    lines: Annotated[int, typer.Option("--lines", "-n", help="Lines of history per file")] = 40,
    state_dir: StateDir = None,
) -> None:
    """Print the last lines of the logs in <state-dir>/logs, then optionally follow them."""
    paths = [path for path in _supervisor(state_dir).log_files(name) if path.exists()]
    if not paths:
        errors.print(f"no log for {name or 'any component'}")
        raise typer.Exit(1)
    for path in paths:
        console.rule(path.stem)
        console.out(log_tail(path, lines), highlight=False)
    if not follow_:
        return
    try:
        for path, line in follow(paths):
            console.out(f"{path.stem:>18} | {line}" if len(paths) > 1 else line, highlight=False)
    except KeyboardInterrupt:
        return


def _stack_addresses(state_dir: Path | None) -> tuple[str, str]:
    """The running stack's broker and database, as `cycle up` recorded them."""
    state = _supervisor(state_dir).state
    bootstrap, dsn = state.address("kafka"), state.address("postgres")
    if not bootstrap or not dsn:
        errors.print("[red]The stack is not running:[/] start it with `cycle up` (or `make up`).")
        raise typer.Exit(1)
    return bootstrap, dsn


@app.command()
def smoke(
    state_dir: StateDir = None,
    events: Annotated[int, typer.Option(help="How many events to send through the backbone")] = 1000,
) -> None:
    """Send events through outbox, relay, broker and an idempotent consumer of the running stack."""
    import asyncio

    from shared.smoke import run_smoke

    bootstrap, dsn = _stack_addresses(state_dir)
    with console.status(f"Sending {events} events through the backbone…"):
        report = asyncio.run(run_smoke(bootstrap, dsn, events))
    table = Table("events written", "applied once", "duplicates absorbed", "seconds", "events/s")
    table.add_row(
        str(report.events),
        str(report.applied),
        str(report.duplicates),
        f"{report.seconds:.2f}",
        f"{report.events / report.seconds:.0f}",
    )
    console.print(table)
    if report.applied != report.events:
        raise typer.Exit(1)
