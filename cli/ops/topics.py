"""`cycle topics`: partitions, messages, end offsets and retention of each topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.table import Table

from cli.ops.context import AsJson, fetch, report, settings
from cli.ops.render import retention
from shared.ops.topics import TopicSummary, summarize_topics


def _as_json(topic: TopicSummary) -> dict[str, object]:
    return {
        "topic": topic.name,
        "partitions": len(topic.partitions),
        "messages": topic.messages,
        "end_offset": topic.end_offset,
        "retention_ms": topic.retention_ms,
        "cleanup_policy": topic.cleanup_policy,
        "offsets": [{"partition": p.partition, "start": p.start, "end": p.end} for p in topic.partitions],
    }


def _table(found: Sequence[TopicSummary], per_partition: bool) -> Table:
    table = Table("topic", "partitions", "messages", "end offsets", "retention", "cleanup")
    table.columns[0].overflow = "fold"
    for column in table.columns[1:4]:
        column.justify = "right"
    for topic in found:
        ends = " ".join(str(p.end) for p in topic.partitions) if per_partition else str(topic.end_offset)
        table.add_row(
            topic.name,
            str(len(topic.partitions)),
            f"{topic.messages:,}",
            ends,
            retention(topic.retention_ms),
            topic.cleanup_policy,
        )
    return table


def topics(
    match: Annotated[str | None, typer.Argument(help="Only topics whose name contains this")] = None,
    per_partition: Annotated[
        bool, typer.Option("--partitions", help="End offset of each partition instead of their sum")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Partitions, messages kept, end offsets and retention of each topic (Kafka's internal topics left out)."""
    config = settings()
    found = fetch("Reading topics…", summarize_topics(config.kafka_bootstrap_servers, config.topic_namespace, match))
    report(
        found,
        as_json=as_json,
        document=_as_json,
        table=lambda rows: _table(rows, per_partition),
        nothing=f"no topics{f' matching {match!r}' if match else ''} in namespace {config.topic_namespace!r}",
    )
