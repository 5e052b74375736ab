"""`cycle import FILE --service S`: a history file posted through a stage service's bulk import (`POST
/admin/import`), a request of `--batch` facts at a time, with progress, and every refused fact written down.

The file is NDJSON, one fact a line, each as the import takes it: `{"import_id", "recorded_at", "command": {"type",
...}}`. Facts go in `recorded_at` order, ties in the file's order, as one request orders them (so a fact is never
sent before one recorded earlier in another request). Running it again is safe: a fact already imported answers
"duplicate" (its `import_id`), and only what was refused or not reached is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay

from shared.infra.stack_state import StackState
from shared.security.identity import Scope
from shared.web.client_auth import ClientCredentials, Credential, TokenNotIssued
from simulation.clients import RETRY_STATUSES, Unavailable, retry_pause, transient
from simulation.credentials import run_credential, stack_settings

app = typer.Typer()
console = Console()
errors = Console(stderr=True)
_FIELDS = ("import_id", "recorded_at", "command")
_OUTCOMES = ("accepted", "duplicate", "held", "refused")


class Service(StrEnum):
    recruitment = "recruitment"
    training = "training"
    employment = "employment"


class Unreadable(Exception):
    """A line of the file that is not a fact: nothing is sent."""


class Stopped(Exception):
    """A request the service refused whole (its body invalid, the caller not allowed) or never took: the facts
    before it (`sent`) stay imported."""

    def __init__(self, reason: str, sent: int = 0) -> None:
        super().__init__(reason)
        self.sent = sent


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_OUTCOMES, 0))
    refused: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0


def read_history(path: Path) -> list[dict[str, Any]]:
    """Every fact of the file, in the order they are to be sent; Unreadable names the first bad line."""
    found: list[tuple[datetime, int, dict[str, Any]]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                fact = _fact(number, line)
                found.append((_recorded_at(number, fact), number, fact))
    if not found:
        raise Unreadable(f"{path} holds no fact")
    return [fact for _, _, fact in sorted(found, key=lambda f: (f[0], f[1]))]


def _fact(number: int, line: str) -> dict[str, Any]:
    try:
        fact = json.loads(line)
    except ValueError as error:
        raise Unreadable(f"line {number}: not JSON ({error})") from error
    if not isinstance(fact, dict):
        raise Unreadable(f"line {number}: not a JSON object")
    missing = [name for name in _FIELDS if name not in fact]
    if missing:
        raise Unreadable(f"line {number}: no {', '.join(missing)}")
    if not isinstance(fact["command"], dict) or "type" not in fact["command"]:
        raise Unreadable(f"line {number}: the command is not an object with a type")
    return fact


def _recorded_at(number: int, fact: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(fact["recorded_at"]))
    except ValueError as error:
        raise Unreadable(f"line {number}: recorded_at is not an ISO 8601 date and time") from error
    if moment.tzinfo is None:
        raise Unreadable(f"line {number}: recorded_at has no time zone")
    return moment


def chunks(facts: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(facts), size):
        yield facts[start : start + size]


async def post_history(
    client: httpx.AsyncClient,
    facts: list[dict[str, Any]],
    batch: int,
    advanced: Callable[[Tally], None] = lambda _: None,
    retry_for: float = 600.0,
    retrying: Callable[[str], None] = lambda _: None,
) -> Tally:
    """Each chunk in one request, one after another; a 429/502/503/504 or a lost connection is sent again (the
    same import ids: nothing is recorded twice) for up to `retry_for` seconds."""
    tally = Tally()
    for chunk in chunks(facts, batch):
        try:
            answer = await _posted(client, chunk, retry_for, retrying)
        except (Stopped, httpx.TransportError, Unavailable, TokenNotIssued) as error:
            raise Stopped(str(error) or repr(error), tally.sent) from error
        for outcome in _OUTCOMES:
            tally.counts[outcome] += int(answer[outcome])
        tally.refused += [
            {"import_id": r["import_id"], "status": r["status"], "problem": r.get("problem")}
            for r in answer["results"]
            if r["outcome"] == "refused"
        ]
        tally.sent += len(chunk)
        advanced(tally)
    return tally


async def _posted(
    client: httpx.AsyncClient, chunk: list[dict[str, Any]], retry_for: float, retrying: Callable[[str], None]
) -> dict[str, Any]:
    attempts = AsyncRetrying(
        retry=retry_if_exception(transient),
        wait=retry_pause,  # the service's Retry-After when it gave one, else backoff
        stop=stop_after_delay(retry_for),
        before_sleep=lambda state: retrying(repr(state.outcome.exception() if state.outcome else None)),
        reraise=True,
    )
    async for attempt in attempts:
        with attempt:
            response = await client.post("/admin/import", json={"facts": chunk})
            if response.status_code in RETRY_STATUSES:
                raise Unavailable(response)
    if response.status_code != 200:
        raise Stopped(_refusal(response, chunk))
    body: dict[str, Any] = response.json()
    return body


def _refusal(response: httpx.Response, chunk: list[dict[str, Any]]) -> str:
    """What the service said, naming the fact an invalid body's first error is about."""
    try:
        problem = response.json()
    except ValueError:
        return f"{response.status_code}: {response.text[:300]}"
    said = f"{response.status_code} {problem.get('title', '')}: {problem.get('detail', '')}".strip()
    for error in problem.get("errors", [])[:1]:
        where = error.get("loc", [])
        if len(where) > 2 and where[:2] == ["body", "facts"] and isinstance(where[2], int) and where[2] < len(chunk):
            place = ".".join(str(part) for part in where[3:])
            said += f" (import_id {chunk[where[2]].get('import_id')}: {error.get('msg')} at {place})"
    return said


def _summary(tally: Tally, seconds: float) -> Table:
    table = Table(title=f"{tally.sent:,} facts in {seconds:,.1f} s ({tally.sent / max(seconds, 1e-9):,.0f}/s)")
    for outcome in _OUTCOMES:
        table.add_column(outcome, justify="right")
    table.add_row(*(f"{tally.counts[o]:,}" for o in _OUTCOMES))
    return table


async def _run(
    url: str, facts: list[dict[str, Any]], batch: int, retry_for: float, credential: Credential | None, state_dir: Path
) -> Tally:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task("importing", total=len(facts))

        def advanced(tally: Tally) -> None:
            progress.update(task, completed=tally.sent, description=f"importing ({tally.counts['refused']:,} refused)")

        async def posted(using: Credential) -> Tally:
            async with httpx.AsyncClient(base_url=url, timeout=300, auth=ClientCredentials(using)) as client:
                return await post_history(client, facts, batch, advanced, retry_for, retrying)

        def retrying(reason: str) -> None:
            progress.console.print(f"[yellow]{url} did not answer ({reason}); sending the request again[/]")

        if credential is not None:
            return await posted(credential)
        async with contextlib.AsyncExitStack() as stack:
            making = run_credential(stack_settings(state_dir), "cycle import", frozenset({Scope.IMPORT}))
            try:
                operator = await stack.enter_async_context(making)
            except (OSError, asyncpg.PostgresError) as error:
                raise Stopped(
                    f"no operator client: the database did not answer ({error}); or pass --client-id"
                ) from error
            return await posted(operator)


@app.command("import")
def import_history(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="NDJSON, one fact a line")],
    service: Annotated[Service, typer.Option(help="The stage service the facts are for")],
    url: Annotated[str | None, typer.Option(help="Default: the running stack's address (.run/stack.json)")] = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Facts per request")] = 2_000,
    retry_for: Annotated[float, typer.Option(min=0, help="Seconds to resend a request the service did not take")] = 600,
    refused: Annotated[Path | None, typer.Option(help="Where refused facts go [FILE.refused.ndjson]")] = None,
    client_id: Annotated[str | None, typer.Option(envvar="CYCLE_CLIENT_ID", help="A party's import client")] = None,
    client_secret: Annotated[str | None, typer.Option(envvar="CYCLE_CLIENT_SECRET", show_default=False)] = None,
    state_dir: Annotated[Path, typer.Option(help="Where `cycle up` recorded the stack's addresses")] = Path(".run"),
) -> None:
    """Import a history file through a stage service's bulk import, with each fact's original recorded_at. Exit 0
    when every fact was recorded (or already was), 1 when some were refused (listed in the refused file; send the
    file again once they are mended), 2 when the file or a request was refused whole. Without --client-id, an
    operator client with the import scope is made through the stack's database, as `cycle clients` would."""
    try:
        facts = read_history(file)
    except (Unreadable, UnicodeDecodeError) as error:
        errors.print(f"[red]Nothing sent:[/] {error}")
        raise typer.Exit(2) from error
    address = url or StackState(state_dir).address(service.value)
    if not address:
        errors.print(f"[red]No address for {service.value}:[/] start the stack (`cycle up`) or pass --url.")
        raise typer.Exit(2)
    credential = Credential(client_id, client_secret or "") if client_id else None
    started = time.monotonic()
    try:
        tally = asyncio.run(_run(address, facts, batch, retry_for, credential, state_dir))
    except Stopped as error:
        done = f"the first {error.sent:,} facts are imported; send" if error.sent else "nothing was imported; send"
        errors.print(f"[red]Stopped:[/] {error}; {done} the file again to go on.")
        raise typer.Exit(2) from error
    console.print(_summary(tally, time.monotonic() - started))
    if tally.refused:
        written = refused or file.with_name(f"{file.name}.refused.ndjson")
        written.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tally.refused), encoding="utf-8")
        console.print(f"{len(tally.refused):,} refused, each with its reason: {written}")
        raise typer.Exit(1)
