"""`cycle outbox`: each service's unpublished outbox rows, the age of the oldest, and the rows the broker refused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.table import Table

from cli.ops.context import AsJson, fetch, report, settings
from cli.ops.render import duration, moment
from shared.ops.outbox import OutboxBacklog, RefusedRow, outbox_backlogs, refused_rows


def _backlog_json(backlog: OutboxBacklog) -> dict[str, object]:
    age = backlog.oldest_unsent_age
    return {
        "schema": backlog.schema,
        "unsent": backlog.unsent,
        "oldest_unsent_at": backlog.oldest_unsent_at.isoformat() if backlog.oldest_unsent_at else None,
        "oldest_unsent_age_seconds": age.total_seconds() if age is not None else None,
        "refused": backlog.refused,
    }


def _refused_json(row: RefusedRow) -> dict[str, object]:
    return {
        "schema": row.schema,
        "position": row.position,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "topic": row.topic,
        "reason": row.reason,
        "refused_at": row.refused_at.isoformat(),
    }


def _backlog_table(backlogs: Sequence[OutboxBacklog]) -> Table:
    table = Table("schema", "unsent", "oldest unsent", "waiting", "refused")
    table.columns[0].overflow = "fold"
    for backlog in backlogs:
        table.add_row(
            backlog.schema,
            f"[{'red' if backlog.unsent else 'green'}]{backlog.unsent:,}[/]",
            moment(backlog.oldest_unsent_at),
            duration(backlog.oldest_unsent_age),
            f"[{'red' if backlog.refused else 'green'}]{backlog.refused:,}[/]",
        )
    return table


def _refused_table(rows: Sequence[RefusedRow]) -> Table:
    table = Table("schema", "position", "event", "topic", "refused at", "reason")
    for column in table.columns:
        column.overflow = "fold"
    for row in rows:
        event = f"{row.event_type}\n{row.event_id}"
        table.add_row(row.schema, str(row.position), event, row.topic, moment(row.refused_at), row.reason)
    return table


def outbox(
    schema: Annotated[str | None, typer.Option(help="Only schemas whose name contains this")] = None,
    refused: Annotated[
        bool, typer.Option("--refused", help="List the rows the broker refused for good instead of the backlogs")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Outbox rows each service's relay has not published yet, how long the oldest has waited, and refusals."""
    config = settings()
    where = (config.database_url, schema, config.schema_suffix)
    if refused:
        rows = fetch("Reading refused outbox rows…", refused_rows(*where))
        report(rows, as_json=as_json, document=_refused_json, table=_refused_table, nothing="no refused outbox rows")
    else:
        backlogs = fetch("Reading outboxes…", outbox_backlogs(*where))
        nothing = "no schema with an outbox table; services create theirs when they start"
        report(backlogs, as_json=as_json, document=_backlog_json, table=_backlog_table, nothing=nothing)
