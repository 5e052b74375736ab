"""`cycle lag`: how far each consumer group (stage services' learners, assessment workers) is behind."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Annotated

import typer
from rich.table import Table

from cli.ops.context import AsJson, fetch, report, settings
from shared.ops.lag import GroupLag, consumer_lag


def _as_json(group: GroupLag) -> dict[str, object]:
    return {
        "group": group.group,
        "state": group.state,
        "members": group.members,
        "lag": group.lag,
        "partitions": [
            {"topic": p.topic, "partition": p.partition, "committed": p.committed, "end": p.end, "lag": p.lag}
            for p in group.partitions
        ],
    }


def _rows(group: GroupLag, per_partition: bool) -> list[tuple[str, str, int, int, int]]:
    """(topic, partition or count, committed, end, lag); summed per topic unless per partition."""
    if per_partition:
        return [(p.topic, str(p.partition), p.committed, p.end, p.lag) for p in group.partitions]
    rows = []
    for topic, found in groupby(group.partitions, key=lambda p: p.topic):
        parts = list(found)
        committed, end, lag = (sum(p.committed for p in parts), sum(p.end for p in parts), sum(p.lag for p in parts))
        rows.append((topic, str(len(parts)), committed, end, lag))
    return rows


def _table(groups: Sequence[GroupLag], per_partition: bool) -> Table:
    table = Table("group", "state", "members", "topic", "partition" if per_partition else "partitions")
    table.add_column("committed", justify="right")
    table.add_column("end", justify="right")
    table.add_column("lag", justify="right")
    for column in (table.columns[0], table.columns[3]):
        column.overflow = "fold"
    for group in groups:
        rows = _rows(group, per_partition)
        if not rows:
            table.add_row(group.group, group.state, str(group.members), "[dim]no offsets committed[/]")
        for index, (topic, partition, committed, end, behind) in enumerate(rows):
            first = (group.group, group.state, str(group.members)) if index == 0 else ("", "", "")
            style = "red" if behind else "green"
            table.add_row(*first, topic, partition, f"{committed:,}", f"{end:,}", f"[{style}]{behind:,}[/]")
        table.add_section()
    return table


def lag(
    group: Annotated[str | None, typer.Option("--group", "-g", help="Only groups whose name contains this")] = None,
    per_partition: Annotated[bool, typer.Option("--partitions", help="One row per partition, not per topic")] = False,
    as_json: AsJson = False,
) -> None:
    """Committed offset, end offset and lag of each consumer group, per topic or per partition."""
    config = settings()
    groups = fetch(
        "Reading consumer groups…", consumer_lag(config.kafka_bootstrap_servers, config.topic_namespace, group)
    )
    report(
        groups,
        as_json=as_json,
        document=_as_json,
        table=lambda rows: _table(rows, per_partition),
        nothing=f"no consumer groups in namespace {config.topic_namespace!r}",
    )
