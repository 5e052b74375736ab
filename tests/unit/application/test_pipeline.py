"""The shared pipeline and import runner, with a one-command service in memory: no server, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from shared.application.clock import FixedClock
from shared.application.context import Context
from shared.application.follow_ups import CorrectEvent, RetractEvent, follow_up_handlers
from shared.application.importing import FactOutcome, ImportedCommand, run_import
from shared.application.outcome import Outcome
from shared.application.pipeline import Idempotency, Pipeline
from shared.contracts.base import Evidence
from shared.contracts.partnership import ClassClosed
from shared.errors import Conflict, IllegalTransition, InvalidFact
from tests.support.fakes import FakeUnitOfWork

NOW = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class CloseClass:
    class_id: UUID
    occurred_on: date | None = None


class ClassesUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.closed: set[UUID] = set()
        self._closed_before: set[UUID] = set()

    def snapshot(self) -> None:
        self._closed_before = set(self.closed)

    def restore(self) -> None:
        self.closed = self._closed_before


async def close_class(command: CloseClass, uow: ClassesUnitOfWork, ctx: Context) -> Outcome:
    if command.class_id in uow.closed:
        raise IllegalTransition(f"class {command.class_id} is closed already")
    uow.closed.add(command.class_id)
    event = ctx.wrap(
        ClassClosed(class_id=command.class_id),
        occurred_on=command.occurred_on,
        partnership_id=uuid4(),
        evidence=Evidence.SCHOOL_RECORD,
        class_id=command.class_id,
    )
    return Outcome.recorded(event, class_id=command.class_id)


def service() -> tuple[Pipeline[ClassesUnitOfWork], ClassesUnitOfWork]:
    uow = ClassesUnitOfWork()
    handlers = {CloseClass: close_class, **follow_up_handlers()}
    return Pipeline(handlers, lambda: uow, FixedClock(NOW), "/services/test"), uow


async def test_a_handled_command_commits_its_state_and_its_events_together():
    pipeline, uow = service()
    class_id = uuid4()
    outcome = await pipeline.handle(CloseClass(class_id))
    assert uow.closed == {class_id}
    assert [e.type for e in uow.outbox.events] == ["ClassClosed"]
    assert uow.outbox.events[0].recorded_at == NOW
    assert outcome.answer == {
        "event_id": str(uow.outbox.events[0].id),
        "type": "ClassClosed",
        "class_id": str(class_id),
    }


async def test_a_refused_command_leaves_nothing_behind():
    pipeline, uow = service()
    with pytest.raises(InvalidFact):
        await pipeline.handle(CloseClass(uuid4(), occurred_on=date(2025, 9, 2)))
    assert (uow.closed, uow.outbox.events, uow.commits) == (set(), [], 0)


async def test_a_repeated_key_replays_the_first_answer_and_another_body_is_a_conflict():
    pipeline, uow = service()
    first = await pipeline.handle(CloseClass(uuid4()), idempotency=Idempotency("k", b"body-1"))
    again = await pipeline.handle(CloseClass(uuid4()), idempotency=Idempotency("k", b"body-1"))
    assert (again.answer, again.duplicate, len(uow.outbox.events)) == (first.answer, True, 1)
    with pytest.raises(Conflict):
        await pipeline.handle(CloseClass(uuid4()), idempotency=Idempotency("k", b"body-2"))


async def test_the_import_carries_on_past_a_refusal_and_answers_every_fact():
    pipeline, uow = service()
    closed_twice = uuid4()
    facts = [
        ImportedCommand("b", NOW - timedelta(days=1), CloseClass(closed_twice), b"b"),
        ImportedCommand("a", NOW - timedelta(days=2), CloseClass(closed_twice), b"a"),
        ImportedCommand("future", NOW + timedelta(days=1), CloseClass(uuid4()), b"f"),
        ImportedCommand("c", NOW - timedelta(hours=1), CloseClass(uuid4()), b"c"),
    ]
    results = await run_import(pipeline, facts)
    assert [(r.import_id, r.outcome) for r in results] == [
        ("a", FactOutcome.ACCEPTED),
        ("b", FactOutcome.REFUSED),
        ("c", FactOutcome.ACCEPTED),
        ("future", FactOutcome.REFUSED),
    ]
    assert isinstance(results[1].refusal, IllegalTransition)
    assert [e.recorded_at for e in uow.outbox.events] == [NOW - timedelta(days=2), NOW - timedelta(hours=1)]
    again = await run_import(pipeline, [facts[0], facts[3]])
    assert [r.outcome for r in again] == [FactOutcome.REFUSED, FactOutcome.DUPLICATE]


async def test_a_correction_and_a_retraction_follow_an_event_and_a_retraction_is_final():
    pipeline, uow = service()
    closed = await pipeline.handle(CloseClass(uuid4()))
    event_id = UUID(closed.answer["event_id"])
    with pytest.raises(InvalidFact):
        await pipeline.handle(
            CorrectEvent(event_id=event_id, fields={"seats": 3}, reason="x", evidence=Evidence.SCHOOL_RECORD)
        )
    await pipeline.handle(RetractEvent(event_id=event_id, reason="wrong class", evidence=Evidence.SCHOOL_RECORD))
    assert [(e.type, e.supersedes) for e in uow.outbox.events] == [("ClassClosed", None), ("EventRetracted", event_id)]
    with pytest.raises(Conflict):
        await pipeline.handle(RetractEvent(event_id=event_id, reason="again", evidence=Evidence.SCHOOL_RECORD))
