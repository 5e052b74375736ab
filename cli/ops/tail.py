"""`cycle tail TOPIC`: the topic's records decoded as CloudEvents, one line each or JSON lines, filtered."""

from __future__ import annotations

import contextlib
import json
from typing import Annotated
from uuid import UUID

import typer

from cli.ops.context import console, errors, run, settings
from cli.ops.render import moment
from cli.ops.timespec import parse_moment
from shared.ops.reader import Start, StartAt
from shared.ops.tail import DecodedRecord, EventFilter, tail


def _line(decoded: DecodedRecord) -> str:
    record, event = decoded.record, decoded.envelope
    where = f"{record.partition}:{record.offset}"
    if event is None:
        return f"{where}  {moment(record.timestamp)}  [red]undecodable[/]  {decoded.error}"
    refs = f"partnership={event.partnership_id}"
    if event.student_id:
        refs += f"  student={event.student_id}"
    return f"{where}  {moment(event.recorded_at)}  [bold]{event.type}[/] v{event.version}  {refs}  id={event.id}"


def _as_json(decoded: DecodedRecord) -> str:
    record = decoded.record
    document: dict[str, object] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp.isoformat(),
        "key": record.key.decode(errors="replace") if record.key is not None else None,
    }
    if decoded.envelope is not None:
        document["event"] = decoded.envelope.model_dump(mode="json")
    else:
        document["error"] = decoded.error
        document["headers"] = {name: value.decode(errors="replace") for name, value in record.headers}
    return json.dumps(document)


def _start(from_beginning: bool, offset: int | None, last: int | None, follow: bool) -> Start:
    if sum((from_beginning, offset is not None, last is not None)) > 1:
        raise typer.BadParameter("choose one of --from-beginning, --offset and --last")
    if offset is not None:
        return Start(StartAt.OFFSET, offset)
    if last is not None:
        return Start(StartAt.LAST, last)
    return Start(StartAt.END if follow and not from_beginning else StartAt.BEGINNING)


async def _show(
    bootstrap: str,
    topic: str,
    start: Start,
    only: EventFilter,
    *,
    partition: int | None,
    follow: bool,
    limit: int | None,
    as_json: bool,
) -> int:
    shown = 0
    async with contextlib.aclosing(
        tail(bootstrap, topic, start, only=only, partition=partition, follow=follow)
    ) as found:
        async for decoded in found:
            if as_json:
                typer.echo(_as_json(decoded))
            else:
                console.print(_line(decoded), highlight=False, soft_wrap=True)
            shown += 1
            if limit is not None and shown >= limit:
                break
    return shown


def tail_command(
    topic: Annotated[str, typer.Argument(help="Topic name (see `cycle topics`); the namespace is added if missing")],
    types: Annotated[list[str] | None, typer.Option("--type", help="Event type, e.g. Withdrawn; repeatable")] = None,
    partnership: Annotated[UUID | None, typer.Option(help="Only this partnership's events")] = None,
    student: Annotated[UUID | None, typer.Option(help="Only this student's events")] = None,
    since: Annotated[
        str | None, typer.Option(help="Recorded at or after: ISO date-time or an age (15m, 2h, 3d)")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Recorded before: ISO date-time or an age")] = None,
    from_beginning: Annotated[bool, typer.Option("--from-beginning", help="Start at the oldest record kept")] = False,
    offset: Annotated[int | None, typer.Option(help="Start at this offset in each partition")] = None,
    last: Annotated[int | None, typer.Option(help="Start this many records before the end of each partition")] = None,
    partition: Annotated[int | None, typer.Option(help="Read only this partition")] = None,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new records (starts at the end unless told)")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="Stop after this many events")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document per line (JSON Lines)")] = False,
) -> None:
    """Decoded CloudEvents of a topic, oldest first per partition; without --follow it stops at the current end."""
    config = settings()
    only = EventFilter(
        types=frozenset(types or ()),
        partnership_id=partnership,
        student_id=student,
        since=parse_moment(since),
        until=parse_moment(until),
    )
    start = _start(from_beginning, offset, last, follow)
    namespace = config.topic_namespace
    shown = run(
        _show(
            config.kafka_bootstrap_servers,
            topic if topic.startswith(namespace) else namespace + topic,
            start,
            only,
            partition=partition,
            follow=follow,
            limit=limit,
            as_json=as_json,
        )
    )
    if not shown and not as_json:
        errors.print("no matching events")
