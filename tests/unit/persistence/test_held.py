"""Writing behind in a bulk run (shared/persistence/held.py), on a connection that only
records its statements: plain inserts wait and go together, a statement that might read them writes them first,
and rows that fail when written send the run back to be done again, its inserts sent as they come."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from shared.persistence.batch import Batch
from shared.persistence.held import HeldInserts, HeldRowsFailed, WriteBehind, absent_at_start, held_table, read_once

READERS = {
    "applications": frozenset({"applications", "decisions", "application_list"}),
    "students": frozenset({"students", "applications", "decisions", "application_list"}),
}
INSERT = "INSERT INTO applications (application_id, student_id) VALUES ($1, $2)"
ADD_STUDENT = "INSERT INTO students (student_id) VALUES ($1)"


class RecordingConnection:
    def __init__(self, failing: type[Exception] | None = None) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.failing = failing

    async def execute(self, sql: str, *args: Any, timeout: float | None = None) -> str:
        self.statements.append((sql, args))
        return ""

    async def executemany(self, sql: str, rows: list[tuple[Any, ...]], timeout: float | None = None) -> None:
        self.statements.append((sql, rows))
        if self.failing is not None:
            raise self.failing("as PostgreSQL said")

    async def fetchrow(self, sql: str, *args: Any, timeout: float | None = None) -> None:
        self.statements.append((sql, args))

    def transaction(self) -> Savepoint:
        return Savepoint(self)


class Savepoint:
    def __init__(self, conn: RecordingConnection) -> None:
        self.conn = conn

    async def start(self) -> None:
        await self.conn.execute("SAVEPOINT own")

    async def commit(self) -> None:
        await self.conn.execute("RELEASE SAVEPOINT own")

    async def rollback(self) -> None:
        await self.conn.execute("ROLLBACK TO SAVEPOINT own")


def run_of(batch: Batch, reads: dict[str, str] | None = None) -> Any:
    """A fact that inserts its application, and first reads with the statement `reads` gives it, if any."""

    async def run(name: str) -> str:
        await batch.begin_fact(None, "security")  # type: ignore[arg-type]
        conn = batch.behind.connection()
        if reads and name in reads:
            await conn.fetchrow(reads[name], name)
        await conn.execute(INSERT, name, "s")
        batch.keep_fact()
        return name

    return run


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        (INSERT, "applications"),
        ("INSERT INTO learner_transitions (event_id, before) VALUES ($1, $2::jsonb)", "learner_transitions"),
        ("INSERT INTO students (student_id) VALUES ($1) ON CONFLICT (student_id) DO NOTHING", "students"),
        (
            "INSERT INTO learners (student_id, phase) VALUES ($1, $2)\n ON CONFLICT (student_id) DO UPDATE SET"
            " phase = EXCLUDED.phase, updated_at = now()",
            "learners",
        ),  # fmt: skip
        ("INSERT INTO students (student_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING student_id", None),
        ("INSERT INTO students (student_id) VALUES ($1) RETURNING student_id", None),
        ("INSERT INTO totals (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = (SELECT max(n) FROM t)", None),
        ("INSERT INTO outbox (event_id) SELECT event_id FROM unnest($1::uuid[]) AS row (event_id)", None),
        ("UPDATE applications SET status = $1", None),
    ],
)
def test_only_an_insert_or_upsert_of_one_row_that_returns_nothing_may_be_held(sql: str, table: str | None):
    assert held_table(sql) == table


async def test_inserts_of_a_run_go_together_after_its_last_fact():
    conn = RecordingConnection()
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]

    results = await batch.each(["a", "b", "c"], run_of(batch))

    assert results == ["a", "b", "c"]
    assert conn.statements == [("SAVEPOINT facts", ()), (INSERT, [("a", "s"), ("b", "s"), ("c", "s")])]


async def test_held_rows_are_written_table_by_table_a_table_before_those_that_refer_to_it():
    conn = RecordingConnection()
    held = HeldInserts(READERS)
    for name in ("a", "b"):
        held.hold("applications", INSERT, (name, f"s{name}"))
        held.hold("students", ADD_STUDENT, (f"s{name}",))

    await held.write(conn)  # type: ignore[arg-type]

    assert conn.statements == [(ADD_STUDENT, [("sa",), ("sb",)]), (INSERT, [("a", "sa"), ("b", "sb")])]


async def test_a_row_read_absent_at_the_runs_start_may_be_held_once_and_only_while_the_run_holds():
    conn = RecordingConnection()
    behind = WriteBehind(conn, HeldInserts(READERS), absent={"held", "in a savepoint"})  # type: ignore[arg-type]
    facts = behind.connection()

    outside_the_run = absent_at_start(conn, "held")
    not_holding = absent_at_start(facts, "in a savepoint")
    behind.bold = True
    holding = absent_at_start(facts, "held")
    again = absent_at_start(facts, "held")

    assert (outside_the_run, not_holding, holding, again) == (False, False, True, False)
    assert behind.absent == set(), "a row about to be inserted is absent no more"


async def test_a_statement_naming_the_table_or_a_reader_of_it_writes_the_held_rows_first():
    conn = RecordingConnection()
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]
    reads = {
        "b": "SELECT * FROM classes WHERE class_id = $1",  # no reader of applications: nothing written
        "c": "SELECT * FROM decisions WHERE application_id = $1",  # refers to applications
        "d": "SELECT * FROM Application_List WHERE student_id = $1",  # a view over them, in any case
    }

    await batch.each(["a", "b", "c", "d"], run_of(batch, reads))

    assert [(sql, args) for sql, args in conn.statements if sql != "SAVEPOINT facts"] == [
        (reads["b"], ("b",)),
        (INSERT, [("a", "s"), ("b", "s")]),
        (reads["c"], ("c",)),
        (INSERT, [("c", "s")]),
        (reads["d"], ("d",)),
        (INSERT, [("d", "s")]),
    ]


async def test_a_delete_writes_the_held_rows_first_whatever_it_names():
    held = HeldInserts(READERS)
    held.hold("applications", INSERT, ("a", "s"))

    assert held.needed_by("DELETE FROM students WHERE student_id = $1")
    assert not held.needed_by("UPDATE students SET name = $1 WHERE student_id = $2")


async def test_held_rows_that_fail_send_the_run_back_to_insert_as_it_goes():
    conn = RecordingConnection(failing=asyncpg.UniqueViolationError)
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]

    results = await batch.each(["a", "b"], run_of(batch))

    sent = [sql for sql, _ in conn.statements]
    assert results == ["a", "b"]
    assert sent[:3] == ["SAVEPOINT facts", INSERT, "ROLLBACK TO SAVEPOINT facts"]
    assert [args for sql, args in conn.statements[3:] if sql == INSERT] == [("a", "s"), ("b", "s")]
    assert "SAVEPOINT fact" in sent[3:]


async def test_held_rows_that_fail_are_reported_without_the_values_postgresql_details():
    """The reason is logged (batch_held_rows_failed): DETAIL names the row's values, a student's keyed national ID."""

    class Failing(RecordingConnection):
        async def executemany(self, sql: str, rows: list[tuple[Any, ...]], timeout: float | None = None) -> None:
            error = asyncpg.UniqueViolationError('duplicate key value violates unique constraint "students_key"')
            error.detail = "Key (national_id_digest)=(\\x0123) already exists."
            raise error

    held = HeldInserts(READERS)
    held.hold("students", ADD_STUDENT, ("s",))
    with pytest.raises(HeldRowsFailed) as failed:
        await held.write(Failing())  # type: ignore[arg-type]
    assert str(failed.value) == 'duplicate key value violates unique constraint "students_key"'


async def test_held_rows_rolled_back_by_a_deadlock_take_the_whole_transaction_back():
    conn = RecordingConnection(failing=asyncpg.DeadlockDetectedError)
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]

    with pytest.raises(asyncpg.DeadlockDetectedError):
        await batch.each(["a", "b"], run_of(batch))

    assert "ROLLBACK TO SAVEPOINT facts" not in [sql for sql, _ in conn.statements]


async def test_a_savepoint_of_a_facts_own_writes_the_held_rows_before_it_and_holds_none_inside():
    conn = RecordingConnection()
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]

    async def run(name: str) -> str:
        await batch.begin_fact(None, "security")  # type: ignore[arg-type]
        facts = batch.behind.connection()
        if name == "b":
            async with facts.transaction():
                await facts.execute(INSERT, name, "inside")
        else:
            await facts.execute(INSERT, name, "s")
        batch.keep_fact()
        return name

    await batch.each(["a", "b", "c"], run)

    assert conn.statements == [
        ("SAVEPOINT facts", ()),
        (INSERT, [("a", "s")]),
        ("SAVEPOINT own", ()),
        (INSERT, ("b", "inside")),
        ("RELEASE SAVEPOINT own", ()),
        (INSERT, [("c", "s")]),
    ]


async def test_a_read_kept_by_the_run_is_read_once_until_a_statement_may_write_its_table():
    conn = RecordingConnection()
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]
    facts = batch.behind.connection()
    reads: list[str] = []

    async def read_class() -> str:
        reads.append("read")
        return f"class as of read {len(reads)}"

    first = await read_once(facts, ("class", 1), "classes", read_class)
    again = await read_once(facts, ("class", 1), "classes", read_class)
    await facts.execute("UPDATE students SET home_region = $1", "Bijie")
    still = await read_once(facts, ("class", 1), "classes", read_class)
    await facts.execute("UPDATE classes SET closed_on = $1 WHERE class_id = $2", "2026-06-30", 1)
    after_write = await read_once(facts, ("class", 1), "classes", read_class)

    assert (first, again, still) == ("class as of read 1",) * 3
    assert after_write == "class as of read 2"


async def test_an_undone_fact_forgets_the_reads_the_run_kept():
    conn = RecordingConnection()
    batch = Batch(conn, WriteBehind(conn, HeldInserts(READERS)))  # type: ignore[arg-type]
    facts = batch.behind.connection()
    mark = await batch.begin_fact(None, "security")  # type: ignore[arg-type]
    await read_once(facts, ("class", 1), "classes", _answer("before"))

    await batch.undo_fact(mark)

    assert await read_once(facts, ("class", 1), "classes", _answer("read again")) == "read again"


def _answer(value: str) -> Any:
    async def read() -> str:
        return value

    return read
