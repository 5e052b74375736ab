"""`cycle dlq list|show|replay`: dead letters with the reason their consumer gave, and their replay."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from cli.ops.context import AsJson, console, errors, print_json, progress_bar, run, settings
from cli.ops.render import moment
from shared.messaging.codec import TYPE_PREFIX
from shared.ops.dlq import DeadLetter, find_dead_letter_topics, read_dead_letters, replayed_positions
from shared.ops.replay import ReplayOutcome, Result, replay
from shared.ops.tail import DecodedRecord

app = typer.Typer(help="Dead letters: list them, show one, replay them to their source topic.", no_args_is_help=True)

DeadLetterTopic = Annotated[str, typer.Argument(help="Dead-letter topic, or the consumer group it belongs to")]


async def _dead_letters(wanted: str | None) -> tuple[list[DeadLetter], set[str]]:
    config = settings()
    bootstrap, namespace = config.kafka_bootstrap_servers, config.topic_namespace
    topics = await find_dead_letter_topics(bootstrap, namespace, wanted)
    letters: list[DeadLetter] = []
    with progress_bar() as progress:
        reading = progress.add_task("Reading dead-letter topics", total=len(topics))
        for topic in topics:
            letters += await read_dead_letters(bootstrap, [topic])
            progress.advance(reading)
    return letters, await replayed_positions(bootstrap, namespace)


def _as_json(letter: DeadLetter, replayed: bool) -> dict[str, object]:
    return {
        "position": letter.position,
        "dead_letter_topic": letter.record.topic,
        "partition": letter.record.partition,
        "offset": letter.record.offset,
        "group": letter.group,
        "source": letter.source,
        "source_topic": letter.source_topic,
        "failed_at": letter.failed_at,
        "event_id": letter.event_id,
        "event_type": letter.event_type,
        "reason": letter.reason,
        "replayed": replayed,
    }


@app.command("list")
def list_(
    dead_letter_topic: Annotated[
        str | None, typer.Argument(help="Dead-letter topic or consumer group; all of them when omitted")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Every dead letter: where it came from, why its consumer gave up, and whether it was replayed."""
    letters, replayed = run(_dead_letters(dead_letter_topic))
    if as_json:
        print_json([_as_json(letter, letter.position in replayed) for letter in letters])
        return
    if not letters:
        errors.print("no dead letters")
        return
    table = Table("group", "ref", "failed at", "source", "event", "reason", "replayed")
    for column in table.columns:
        column.overflow = "fold"
    for letter in letters:
        table.add_row(
            letter.group or letter.record.topic,
            letter.ref,
            moment(datetime.fromisoformat(letter.failed_at) if letter.failed_at else letter.record.timestamp),
            letter.source,
            f"{(letter.event_type or '?').removeprefix(TYPE_PREFIX)}\n{letter.event_id or ''}",
            letter.reason,
            "yes" if letter.position in replayed else "no",
        )
    console.print(table)


def _find(letters: list[DeadLetter], ref: str) -> DeadLetter:
    wanted = ref if ":" in ref else f"0:{ref}"
    for letter in letters:
        if letter.ref == wanted:
            return letter
    raise typer.BadParameter(f"no dead letter at {wanted}; `cycle dlq list` shows the refs")


@app.command()
def show(
    dead_letter_topic: DeadLetterTopic,
    ref: Annotated[str, typer.Argument(help="partition:offset in the dead-letter topic (or an offset in partition 0)")],
    as_json: AsJson = False,
) -> None:
    """One dead letter in full: reason, origin, headers and the event (or the raw value if it does not decode)."""
    letters, replayed = run(_dead_letters(dead_letter_topic))
    letter = _find(letters, ref)
    decoded = DecodedRecord.of(letter.record)
    document = _as_json(letter, letter.position in replayed)
    document["headers"] = {name: value.decode(errors="replace") for name, value in letter.record.headers}
    if decoded.envelope is not None:
        document["event"] = decoded.envelope.model_dump(mode="json")
    else:
        document["undecodable"] = decoded.error
        document["value"] = (letter.record.value or b"").decode(errors="replace")[:4000]
    if as_json:
        print_json(document)
        return
    for name, value in document.items():
        text = json.dumps(value, indent=2) if isinstance(value, dict) else str(value)
        console.print(f"[bold]{name}[/]: {text}", highlight=False)


def _selected(letters: list[DeadLetter], refs: list[str]) -> list[DeadLetter]:
    return [_find(letters, ref) for ref in refs] if refs else letters


@app.command("replay")
def replay_command(
    dead_letter_topic: DeadLetterTopic,
    refs: Annotated[
        list[str] | None, typer.Argument(help="partition:offset of each to replay; all when omitted")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Publish dead letters again to the topic they came from, each at most once (a ledger records replays).

    Fix the cause first: a consumer that still rejects the event dead-letters it again, as a new dead letter.
    """
    config = settings()
    letters, _ = run(_dead_letters(dead_letter_topic))
    chosen = _selected(letters, refs or [])
    if not chosen:
        _report([], as_json)
        return
    with progress_bar() as progress:
        task = progress.add_task("Replaying", total=len(chosen))
        outcomes = run(
            replay(
                config.kafka_bootstrap_servers,
                chosen,
                namespace=config.topic_namespace,
                on_each=lambda _: progress.advance(task),
            )
        )
    _report(outcomes, as_json)


def _report(outcomes: list[ReplayOutcome], as_json: bool) -> None:
    if as_json:
        print_json(
            [{"position": o.letter.position, "event_id": o.letter.event_id, "result": o.result.value} for o in outcomes]
        )
        return
    if not outcomes:
        errors.print("no dead letters to replay")
        return
    table = Table("ref", "source", "event", "result")
    table.columns[1].overflow = "fold"
    for outcome in outcomes:
        style = {Result.REPLAYED: "green", Result.ALREADY_REPLAYED: "yellow"}.get(outcome.result, "red")
        letter = outcome.letter
        table.add_row(letter.ref, letter.source, letter.event_id or "?", f"[{style}]{outcome.result}[/]")
    console.print(table)
    replayed = sum(o.result is Result.REPLAYED for o in outcomes)
    console.print(f"replayed {replayed} of {len(outcomes)}")
