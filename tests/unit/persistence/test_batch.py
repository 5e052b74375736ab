"""The bookkeeping of a bulk run (shared/persistence/batch.py) on a connection that only records its statements:
facts run without savepoints until one must be undone, which sends the run back to do it again a savepoint per
fact; a duplicate undoes nothing; a fact's rows are held until the batch writes them, and only kept facts'."""

from __future__ import annotations

from typing import Any

from shared.application.unit_of_work import Remembered
from shared.persistence.batch import Batch
from shared.persistence.held import HeldInserts, WriteBehind

REMEMBERED = Remembered(b"fingerprint", {"event_id": "e1"}, held=False)


class RecordingConnection:
    def __init__(self) -> None:
        self.statements: list[str] = []

    async def execute(self, sql: str, *args: Any) -> str:
        self.statements.append(sql)
        return ""


class RecordingOutbox:
    def __init__(self) -> None:
        self.written: list[list[str]] = []

    async def add_all(self, conn: Any, envelopes: list[str]) -> None:
        if envelopes:
            self.written.append(list(envelopes))


def batch_of(keys: str, remembered: str = "") -> tuple[Batch, RecordingConnection, RecordingOutbox]:
    """Every key of `keys` (one letter each) locked and read at the start; those of `remembered` answered before."""
    conn, outbox = RecordingConnection(), RecordingOutbox()
    batch = Batch(conn, WriteBehind(conn, HeldInserts({})))  # type: ignore[arg-type]  # as much of one as it uses
    batch.recalled = {key: REMEMBERED if key in remembered else None for key in keys}
    return batch, conn, outbox


def fact_runner(batch: Batch, outbox: RecordingOutbox, refused: set[str], runs: list[str]) -> Any:
    """A fact as the pipeline runs it: begin, recall its key, write, then keep it or undo it when refused."""

    async def run(name: str) -> str:
        runs.append(name)
        mark = await batch.begin_fact(outbox, "security")  # type: ignore[arg-type]
        if await batch.recall(name) is not None:
            await batch.undo_fact(mark)
            return f"{name}: duplicate"
        batch.add_event(name)  # type: ignore[arg-type]
        if name in refused:
            await batch.undo_fact(mark)
            return f"{name}: refused"
        batch.remember(name, REMEMBERED)
        batch.keep_fact()
        return f"{name}: accepted"

    return run


async def test_facts_kept_run_without_a_savepoint_each_and_their_rows_wait_for_the_flush():
    batch, conn, outbox = batch_of("abc")
    runs: list[str] = []

    results = await batch.each(["a", "b", "c"], fact_runner(batch, outbox, set(), runs))
    await batch.flush()

    assert results == ["a: accepted", "b: accepted", "c: accepted"]
    assert conn.statements[:1] == ["SAVEPOINT facts"]
    assert not any("SAVEPOINT fact;" in sql or sql == "SAVEPOINT fact" for sql in conn.statements)
    assert outbox.written == [["a", "b", "c"]]
    assert runs == ["a", "b", "c"]


async def test_a_refused_fact_sends_the_run_back_to_be_done_again_a_savepoint_per_fact():
    batch, conn, outbox = batch_of("abcd")
    runs: list[str] = []

    results = await batch.each(["a", "b", "c", "d"], fact_runner(batch, outbox, {"b"}, runs))
    await batch.flush()

    assert results == ["a: accepted", "b: refused", "c: accepted", "d: accepted"]
    assert runs == ["a", "b", "a", "b", "c", "d"]
    assert "ROLLBACK TO SAVEPOINT facts" in conn.statements
    assert conn.statements.count("ROLLBACK TO SAVEPOINT fact; RELEASE SAVEPOINT fact") == 1
    assert outbox.written == [["a", "c", "d"]]
    assert set(batch.answered) == {"a", "c", "d"}


async def test_a_duplicate_undoes_nothing_and_keeps_the_run_going():
    batch, conn, outbox = batch_of("abc", remembered="b")
    runs: list[str] = []

    results = await batch.each(["a", "b", "c"], fact_runner(batch, outbox, set(), runs))

    assert results == ["a: accepted", "b: duplicate", "c: accepted"]
    assert runs == ["a", "b", "c"]
    assert "ROLLBACK TO SAVEPOINT facts" not in conn.statements


async def test_rows_written_inside_a_fact_that_is_undone_are_written_again():
    batch, conn, outbox = batch_of("ab")
    await batch.begin_fact(outbox, "security")  # type: ignore[arg-type]
    batch.add_event("a")  # type: ignore[arg-type]
    batch.keep_fact()
    second = await batch.begin_fact(outbox, "security")  # type: ignore[arg-type]
    await batch.flush()  # a read of the outbox inside the second fact writes the first fact's row
    batch.add_event("b")  # type: ignore[arg-type]
    await batch.undo_fact(second)  # its savepoint takes back "a"'s row as well
    await batch.flush()

    assert outbox.written == [["a"], ["a"]]
