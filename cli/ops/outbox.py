"""`cycle outbox`: each service's unpublished outbox rows and the age of the oldest."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.ops.context import AsJson, console, errors, print_json, run, settings
from cli.ops.render import duration, moment
from shared.ops.outbox import OutboxBacklog, outbox_backlogs


def _as_json(backlog: OutboxBacklog) -> dict[str, object]:
    age = backlog.oldest_unsent_age
    return {
        "schema": backlog.schema,
        "unsent": backlog.unsent,
        "oldest_unsent_at": backlog.oldest_unsent_at.isoformat() if backlog.oldest_unsent_at else None,
        "oldest_unsent_age_seconds": age.total_seconds() if age is not None else None,
    }


def outbox(
    schema: Annotated[str | None, typer.Option(help="Only schemas whose name contains this")] = None,
    as_json: AsJson = False,
) -> None:
    """Outbox rows not yet published by each service's relay, and how long the oldest has waited."""
    config = settings()
    with errors.status("Reading outboxes…"):
        backlogs = run(outbox_backlogs(config.database_url, schema, config.schema_suffix))
    if as_json:
        print_json([_as_json(backlog) for backlog in backlogs])
        return
    if not backlogs:
        errors.print("no schema with an outbox table; services create theirs when they start")
        return
    table = Table("schema", "unsent", "oldest unsent", "waiting")
    table.columns[0].overflow = "fold"
    for backlog in backlogs:
        style = "red" if backlog.unsent else "green"
        table.add_row(
            backlog.schema,
            f"[{style}]{backlog.unsent:,}[/]",
            moment(backlog.oldest_unsent_at),
            duration(backlog.oldest_unsent_age),
        )
    console.print(table)
