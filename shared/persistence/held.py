"""Writing behind, in a bulk run (the import's facts, a learner's batch of events): a plain
`INSERT INTO t (...) VALUES ($1, ...)`, or such an upsert returning nothing, is held and sent with the others of
the run in one round trip (`executemany`), the first time a statement might read what it would write; a row many
facts read may be read once.

A statement might read a held row when it names its table, a table whose foreign keys refer to that table, or a
view over either (found in PostgreSQL's catalog, once per schema), and every DELETE or TRUNCATE might; such a
statement writes the held rows first, table by table (one statement each, however the facts interleaved them):
each table's rows in the order held, a table before those whose foreign keys refer to it. The order may change: no
trigger or shared sequence ties one table's rows to another's, and a fact refers only to rows it read (which wrote
the held rows first) or held before, so no row refers to one held after it. An insert that fails when written (a
unique or foreign key violation) fails for the whole run (`HeldRowsFailed`): its owner undoes the run and does it
again without holding (shared/persistence/batch.py, shared/messaging/consumer.py), so every fact gets the answer it
would have had alone. A deadlock is not wrapped: the owner runs the whole run again, as for any other statement.

A run may also read at its start which of the rows its facts will insert are absent (`WriteBehind.absent`: the
students of an import's applicants): such a row's insert is held as a plain insert, not sent to learn whether it
was new; should another transaction insert it meanwhile, the held insert fails and the run is done again.

A learner's batch names what its facts are about (`WriteBehind.about`: its new events), so that a service may read
at once what they will read one by one, and keep it under `WriteBehind.ahead` for the rest of the run, current with
the run's own writes (services/employment/adapters/db/ahead.py). A fact's savepoint that rolls back, or an undone
fact, drops it: it may hold what was undone.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from typing import Any, TypeVar, cast

import asyncpg

_PLACE = r"\$\d+(?:::\w+)?"  # $3, $4::jsonb
_PLAIN_INSERT = re.compile(
    rf"\s*INSERT\s+INTO\s+(?P<table>\w+)\s*\([\w\s,]+\)\s*VALUES\s*\(\s*{_PLACE}(?:\s*,\s*{_PLACE})*\s*\)"
    r"(?P<conflict>\s+ON\s+CONFLICT\b.*)?\s*",
    re.IGNORECASE | re.DOTALL,
)
_ANSWERS = re.compile(r"\b(RETURNING|SELECT)\b", re.IGNORECASE)  # an upsert that returns rows, or reads others
R = TypeVar("R")
_WORD = re.compile(r"\w+")
_REMOVES = re.compile(r"\b(DELETE|TRUNCATE)\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)
_RELATIONS = """
    SELECT referred.relname AS base, referrer.relname AS dependent
    FROM pg_constraint k
    JOIN pg_class referred ON referred.oid = k.confrelid
    JOIN pg_class referrer ON referrer.oid = k.conrelid
    WHERE k.contype = 'f' AND referred.relnamespace = current_schema()::regnamespace
    UNION ALL
    SELECT table_name, view_name FROM information_schema.view_table_usage WHERE table_schema = current_schema()
"""
_readers: dict[str, dict[str, frozenset[str]]] = {}  # schema -> table -> every name a reader of it may use


class HeldRowsFailed(Exception):
    """Writing the held rows failed: the run must be done again without holding."""


@dataclass(frozen=True, slots=True)
class _Statement:
    words: frozenset[str]  # lower case
    writes: bool
    removes: bool


@lru_cache(maxsize=4096)
def _statement(sql: str) -> _Statement:
    """What the checks read of a statement: a run sends few statements, each many times."""
    return _Statement(
        frozenset(word.lower() for word in _WORD.findall(sql)), bool(_WRITES.search(sql)), bool(_REMOVES.search(sql))
    )


@lru_cache(maxsize=4096)
def held_table(sql: str) -> str | None:
    """The table of a plain single-row insert, or upsert (ON CONFLICT … DO NOTHING / DO UPDATE), that returns
    nothing: one that may be held; else None. Its status (`INSERT 0 1`) is given before it runs: no caller in a
    run reads it."""
    found = _PLAIN_INSERT.fullmatch(sql)
    if found is None or (found["conflict"] and _ANSWERS.search(found["conflict"])):
        return None
    return found["table"].lower()


async def readers_of_tables(conn: asyncpg.Connection) -> dict[str, frozenset[str]]:
    """Per table of the connection's schema: itself, the tables whose foreign keys refer to it and the views over
    any of those, at any depth."""
    schema: str = await conn.fetchval("SELECT current_schema()")
    if schema not in _readers:
        direct: dict[str, set[str]] = {}
        for row in await conn.fetch(_RELATIONS):
            direct.setdefault(row["base"], set()).add(row["dependent"])
        _readers[schema] = {table: frozenset(_closure(table, direct)) for table in direct}
    return _readers[schema]


def _closure(table: str, direct: dict[str, set[str]]) -> set[str]:
    found, pending = {table}, [table]
    while pending:
        for dependent in direct.get(pending.pop(), ()):
            if dependent not in found:
                found.add(dependent)
                pending.append(dependent)
    return found


@dataclass
class HeldInserts:
    readers: dict[str, frozenset[str]]
    rows: list[tuple[str, str, tuple[Any, ...]]] = field(default_factory=list)  # (table, statement, arguments)
    _names: set[str] = field(default_factory=set)  # every name whose mention writes the rows first

    def hold(self, table: str, sql: str, args: Sequence[Any]) -> None:
        self.rows.append((table, sql, tuple(args)))
        self._names |= self.readers.get(table, frozenset({table}))

    def needed_by(self, sql: str) -> bool:
        """Whether `sql` might read or remove what the held rows would write."""
        if not self.rows:
            return False
        statement = _statement(sql)
        return statement.removes or not self._names.isdisjoint(statement.words)

    def undo(self, mark: int) -> None:
        """Drops the rows held since `mark` (a length of `rows`)."""
        del self.rows[mark:]
        if not self.rows:
            self._names.clear()

    async def write(self, conn: asyncpg.Connection) -> None:
        """Every held row, table by table, one `executemany` for each run of the same statement; raises
        HeldRowsFailed."""
        rows, self.rows = self._by_table(), []
        self._names.clear()
        try:
            for sql, group in groupby(rows, key=lambda row: row[1]):
                await conn.executemany(sql, [args for _, _, args in group])
        except asyncpg.TransactionRollbackError:
            raise
        except asyncpg.PostgresError as error:
            # PostgreSQL's message, not its DETAIL: that names the row's values (a student's keyed national ID)
            raise HeldRowsFailed(error.args[0] if error.args else type(error).__name__) from error

    def _by_table(self) -> list[tuple[str, str, tuple[Any, ...]]]:
        """The rows grouped by table, each table's in the order held; a table goes before the first placed one
        whose foreign keys refer to it (`readers` holds every referrer, at any depth), else last."""
        tables: dict[str, list[tuple[str, str, tuple[Any, ...]]]] = {}
        for row in self.rows:
            tables.setdefault(row[0], []).append(row)
        order: list[str] = []
        for table in tables:
            referrers = self.readers.get(table, frozenset())
            order.insert(next((i for i, placed in enumerate(order) if placed in referrers), len(order)), table)
        return [row for table in order for row in tables[table]]


@dataclass
class KeptReads:
    """Reads a bulk run keeps, each under a key with the table it read: a row many facts read (the class every
    application names) is read once, until a statement that may write that table, or an undo, forgets it."""

    kept: dict[str, dict[object, object]] = field(default_factory=dict)  # table -> key -> value

    def get(self, key: object, table: str) -> tuple[bool, object]:
        reads = self.kept.get(table, {})
        return (key in reads), reads.get(key)

    def keep(self, key: object, table: str, value: object) -> None:
        self.kept.setdefault(table, {})[key] = value

    def forget_written_by(self, sql: str) -> None:
        if self.kept:
            statement = _statement(sql)
            if statement.writes:
                for table in statement.words.intersection(self.kept):
                    del self.kept[table]

    def clear(self) -> None:
        self.kept.clear()


@dataclass
class WriteBehind:
    """What a run holds on its connection: inserts held while it is `bold` (it undoes the whole run should they
    fail) and outside any savepoint of a fact's own, and reads kept."""

    conn: asyncpg.Connection
    inserts: HeldInserts
    reads: KeptReads = field(default_factory=KeptReads)
    absent: set[object] = field(default_factory=set)  # keys of rows read absent at the run's start, not inserted since
    about: Sequence[object] = ()  # what the run's facts are (a learner's batch: its new events), to read ahead
    ahead: dict[str, object] = field(default_factory=dict)  # what a service read ahead for the run, by its name
    bold: bool = False
    savepoints: int = 0  # savepoints of the facts' own open on the connection (`uow.savepoint()`, `restored`)

    @classmethod
    async def on(cls, conn: asyncpg.Connection) -> WriteBehind:
        return cls(conn, HeldInserts(await readers_of_tables(conn)))

    @property
    def holding(self) -> bool:
        return self.bold and self.savepoints == 0

    def connection(self) -> asyncpg.Connection:
        """The connection as the run's units of work use it."""
        return cast(asyncpg.Connection, WritingBehind(self))

    async def write_held(self, before: str | None = None) -> None:
        """Writes the held inserts (all, or those `before` might read); raises HeldRowsFailed."""
        if before is None or self.inserts.needed_by(before):
            await self.inserts.write(self.conn)

    def undo(self, mark: int) -> None:
        """Drops the inserts held since `mark` and forgets the reads (they may have read what is undone)."""
        self.inserts.undo(mark)
        self.forget_reads()

    def forget_reads(self) -> None:
        self.reads.clear()
        self.ahead.clear()


async def read_once(conn: object, key: object, table: str, read: Callable[[], Awaitable[R]]) -> R:
    """On a run's connection, `read()`'s answer kept for the rest of the run under `key` until the run may write
    `table`; on any other connection, `read()`."""
    if not isinstance(conn, WritingBehind):
        return await read()
    kept, value = conn.run.reads.get(key, table)
    if kept:
        return cast(R, value)
    found = await read()
    conn.run.reads.keep(key, table, found)
    return found


def run_on(conn: object) -> WriteBehind | None:
    """The run whose connection `conn` is, if it is one."""
    return conn.run if isinstance(conn, WritingBehind) else None


async def read_ahead(conn: Any, name: str, read: Callable[[Any, WriteBehind], Awaitable[R | None]]) -> R | None:
    """What a service read ahead for the run on `conn` under `name` (`WriteBehind.ahead`), read by
    `read(conn, run)` at the run's first question and kept, "nothing" (None) as well: every fact of the run asks
    again. None when `conn` is no run's."""
    run = run_on(conn)
    if run is None:
        return None
    if name not in run.ahead:
        run.ahead[name] = await read(conn, run)
    return cast(R | None, run.ahead[name])


def absent_at_start(conn: object, key: object) -> bool:
    """Whether the run on `conn` holds its inserts and read the row under `key` absent at its start, not having
    inserted it since: its insert may then be held, as a plain insert that fails should the row exist by the time
    it is written. The key is forgotten either way: the caller is about to insert the row."""
    if not isinstance(conn, WritingBehind) or key not in conn.run.absent:
        return False
    conn.run.absent.remove(key)
    return conn.run.holding


class WritingBehind:
    """A run's connection as its units of work see it: a plain insert is held while the run holds, any other
    statement first writes the held rows it might read and forgets the kept reads it may write, and a savepoint of
    a fact's own writes every held row before it starts (its rollback must not take earlier facts' rows)."""

    def __init__(self, run: WriteBehind) -> None:
        self.run = run
        self._conn = run.conn

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        self.run.reads.forget_written_by(query)
        table = held_table(query) if args and self.run.holding else None
        if table is not None:
            self.run.inserts.hold(table, query, args)
            return "INSERT 0 1"
        await self.run.write_held(before=query)
        return await self._conn.execute(query, *args, timeout=timeout)

    async def executemany(self, command: str, args: Any, *, timeout: float | None = None) -> None:
        await self._before(command)
        await self._conn.executemany(command, args, timeout=timeout)

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[asyncpg.Record]:
        await self._before(query)
        return await self._conn.fetch(query, *args, timeout=timeout)

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> asyncpg.Record | None:
        await self._before(query)
        return await self._conn.fetchrow(query, *args, timeout=timeout)

    async def fetchval(self, query: str, *args: Any, column: int = 0, timeout: float | None = None) -> Any:
        await self._before(query)
        return await self._conn.fetchval(query, *args, column=column, timeout=timeout)

    async def _before(self, sql: str) -> None:
        self.run.reads.forget_written_by(sql)
        await self.run.write_held(before=sql)

    def transaction(self, **options: Any) -> _FactSavepoint:
        return _FactSavepoint(self.run, self._conn.transaction(**options))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _FactSavepoint:
    """A savepoint a fact opens inside the run: the held rows are written before it, none is held inside it."""

    def __init__(self, run: WriteBehind, inner: Any) -> None:
        self._run = run
        self._inner = inner

    async def start(self) -> None:
        await self._run.write_held()
        await self._inner.start()
        self._run.savepoints += 1

    async def commit(self) -> None:
        self._run.savepoints -= 1
        await self._inner.commit()

    async def rollback(self) -> None:
        self._run.savepoints -= 1
        self._run.forget_reads()  # they may have read what is undone
        await self._inner.rollback()

    async def __aenter__(self) -> _FactSavepoint:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        if kind is None:
            await self.commit()
        else:
            await self.rollback()
