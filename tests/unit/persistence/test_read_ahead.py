"""What a run reads ahead for its facts (shared/persistence/held.py `WriteBehind.ahead`): kept while its facts go
on, dropped by anything that takes back what they wrote, since it may hold it."""

from __future__ import annotations

import pytest

from shared.persistence.held import HeldInserts, WriteBehind, read_ahead, run_on
from tests.unit.persistence.test_held import READERS, RecordingConnection


def a_run() -> WriteBehind:
    conn = RecordingConnection()
    return WriteBehind(conn, HeldInserts(READERS), bold=True, about=("an event",))  # type: ignore[arg-type]


async def test_a_facts_savepoint_that_is_released_keeps_what_the_run_read_ahead():
    run = a_run()
    facts = run.connection()
    run.ahead["students"] = {"student": "as read"}

    async with facts.transaction():
        pass

    assert run_on(facts) is run
    assert run.ahead == {"students": {"student": "as read"}}


async def test_a_facts_savepoint_that_rolls_back_drops_what_the_run_read_ahead():
    run = a_run()
    facts = run.connection()
    run.ahead["students"] = {"student": "saved inside the savepoint"}

    with pytest.raises(LookupError):
        async with facts.transaction():
            raise LookupError("refused")

    assert run.ahead == {}


async def test_an_undone_fact_drops_what_the_run_read_ahead():
    run = a_run()
    run.ahead["students"] = {"student": "saved by the undone fact"}

    run.undo(0)

    assert run.ahead == {}


def test_a_connection_that_is_no_runs_has_no_run():
    assert run_on(RecordingConnection()) is None


async def test_what_a_run_reads_ahead_is_read_at_its_first_question_and_kept_even_when_it_is_nothing():
    run, asked = a_run(), []

    async def read(conn: object, found: WriteBehind) -> None:
        asked.append((conn, found))
        return None

    facts = run.connection()
    assert [await read_ahead(facts, "learners", read) for _ in range(3)] == [None, None, None]
    assert asked == [(facts, run)]
    assert await read_ahead(RecordingConnection(), "learners", read) is None
    assert len(asked) == 1
