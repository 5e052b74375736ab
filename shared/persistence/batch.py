"""A bulk run (the import, a CloudEvents batch): many units of work in one transaction, its rows written set-based.

`one_transaction(pool, keys)` opens the transaction; every unit of work begun inside it joins it with a savepoint
of its own, so a refused fact rolls back alone (a kept fact's savepoint is released with the next one's start, in
the same round trip). `Batch.each` saves even that: its facts run without savepoints, and the first that must be
undone (one refused after it wrote) sends the run back to its start, to be done again a savepoint per fact, so
every answer is the one a transaction per fact would have given. A duplicate writes nothing and undoes nothing.
The idempotency keys the run will use are locked and read once at the start. What each fact
adds to the outbox, the audit trail and the remembered answers waits in the batch and is written with one
statement per table when the batch commits; undoing a fact drops its share. A read of those tables inside the run
(the event a correction targets, who recorded it) writes them first, so it sees every fact before it, as one
transaction per fact would; if the fact that read them is then undone, they are written again. While `each` runs
without savepoints, the facts' plain inserts into their own tables are held too and sent together when a statement
might read them (shared/persistence/held.py); should they fail, the run is done again the careful way.

Two bulk runs at once (an operator's import beside a school's) may lock the same rows in opposite orders; PostgreSQL
then undoes one of them (a deadlock, or a serialization failure), and `each_in_one_transaction` runs it again from
its start: nothing of it was kept, so its answers are the ones it would have given alone.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

import asyncpg
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from shared.application.unit_of_work import Remembered
from shared.contracts.envelope import Envelope
from shared.messaging.outbox import Outbox
from shared.persistence.held import HeldRowsFailed, WriteBehind
from shared.security.audit import AuditEntry
from shared.security.postgres import PostgresAudit

log = structlog.get_logger(__name__)
T = TypeVar("T")
R = TypeVar("R")
_current: ContextVar[Batch | None] = ContextVar("current_batch", default=None)


@dataclass(frozen=True)
class Mark:
    """What a batch held, and had written, when a fact began: what undoing the fact goes back to."""

    events: tuple[int, int]  # (held, written)
    audit: tuple[int, int]
    answers: tuple[int, int]
    inserts: int  # held inserts


@dataclass
class _Rows(Generic[T]):
    """Rows of one table held by a batch: those before `written` are in the table (inside the transaction)."""

    held: list[T] = field(default_factory=list)
    written: int = 0

    def mark(self) -> tuple[int, int]:
        return len(self.held), self.written

    def undo(self, mark: tuple[int, int]) -> list[T]:
        """Drops the rows added since `mark` and returns them; rows written since were rolled back with the fact's
        savepoint, so they are written again at the next flush."""
        held, written = mark
        dropped = self.held[held:]
        del self.held[held:]
        self.written = min(self.written, written)
        return dropped

    def unwritten(self) -> list[T]:
        rows = self.held[self.written :]
        self.written = len(self.held)
        return rows


@dataclass
class Batch:
    conn: asyncpg.Connection
    behind: WriteBehind  # the facts' plain inserts held, and the reads kept
    recalled: dict[str, Remembered | None] = field(default_factory=dict)  # keys locked and read at the start
    answered: dict[str, Remembered] = field(default_factory=dict)  # the answers of the facts kept so far
    _events: _Rows[Envelope] = field(default_factory=_Rows)
    _audit: _Rows[AuditEntry] = field(default_factory=_Rows)
    _answers: _Rows[str] = field(default_factory=_Rows)  # keys of `answered`, in the order given
    _writer: Outbox | None = None
    _security_schema: str = ""
    _kept_open: bool = False  # the last fact's savepoint, released with the next one's start
    _replaying: bool = False  # the fact began with a remembered answer, so it wrote nothing
    _spoiled: bool = False  # a fact without a savepoint must be undone: `each` takes its whole run back

    async def each(self, items: Sequence[T], run: Callable[[T], Awaitable[R]]) -> list[R]:
        """`run(item)` for each item in order, its facts without a savepoint each and their plain inserts held
        (shared/persistence/held.py), until one must be undone or the held rows fail: then everything since the
        first item is taken back and done again, each fact in its own savepoint, its inserts sent as they come.
        `run` answers a refused fact; it does not raise."""
        await self.conn.execute("RELEASE SAVEPOINT fact; SAVEPOINT facts" if self._kept_open else "SAVEPOINT facts")
        self._kept_open, self.behind.bold = False, True
        before = self._mark()
        try:
            results = await self._boldly(items, run)
            if results is None:
                await self.conn.execute("ROLLBACK TO SAVEPOINT facts")
                self._drop_since(before)
                self._spoiled, self.behind.bold = False, False
                results = [await run(item) for item in items]
        finally:
            self.behind.bold = False
        return results

    @property
    def _careful(self) -> bool:
        """A savepoint per fact; `each` runs without (boldly, its inserts held) until a fact must be undone."""
        return not self.behind.bold

    async def _boldly(self, items: Sequence[T], run: Callable[[T], Awaitable[R]]) -> list[R] | None:
        """The answers, or None when a fact must be undone or the held rows failed."""
        results: list[R] = []
        try:
            for item in items:
                results.append(await run(item))
                if self._spoiled:
                    return None
            await self.behind.write_held()
        except HeldRowsFailed as failure:
            log.info("batch_held_rows_failed", reason=str(failure))
            return None
        return results

    async def begin_fact(self, writer: Outbox, security_schema: str) -> Mark:
        """`writer` and `security_schema`: the outbox and audit trail of the fact's service."""
        self._writer, self._security_schema = writer, security_schema
        self._replaying = False
        if self._careful:
            await self.conn.execute("RELEASE SAVEPOINT fact; SAVEPOINT fact" if self._kept_open else "SAVEPOINT fact")
            self._kept_open = False
        return self._mark()

    def keep_fact(self) -> None:
        self._kept_open = self._careful

    async def undo_fact(self, mark: Mark) -> None:
        if self._careful:
            await self.conn.execute("ROLLBACK TO SAVEPOINT fact; RELEASE SAVEPOINT fact")
        elif not self._replaying:
            self._spoiled = True
            return
        self._drop_since(mark)

    def _mark(self) -> Mark:
        return Mark(self._events.mark(), self._audit.mark(), self._answers.mark(), len(self.behind.inserts.rows))

    def _drop_since(self, mark: Mark) -> None:
        self.behind.undo(mark.inserts)
        self._events.undo(mark.events)
        self._audit.undo(mark.audit)
        for key in self._answers.undo(mark.answers):
            del self.answered[key]

    def add_event(self, envelope: Envelope) -> None:
        self._events.held.append(envelope)

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        self._audit.held.extend(entries)

    def remember(self, key: str, answer: Remembered) -> None:
        self.answered[key] = answer
        self._answers.held.append(key)

    async def recall(self, key: str) -> Remembered | None:
        """The pipeline recalls before anything else, so a fact that finds its answer has written nothing."""
        if key in self.answered:
            found: Remembered | None = self.answered[key]
        elif key in self.recalled:
            found = self.recalled[key]
        else:  # a key the batch was not given: locked and read alone, as outside a batch
            await self.conn.execute("SELECT pg_advisory_xact_lock(2, hashtext($1))", key)
            found = _remembered(
                await self.conn.fetchrow("SELECT fingerprint, body, held FROM idempotency_keys WHERE key = $1", key)
            )
        self._replaying = found is not None
        return found

    async def recall_all(self, keys: Sequence[str]) -> None:
        """Locks the keys, as `PostgresIdempotency.recall` does one by one (here in a fixed order), and reads them:
        at the batch's start, outside any fact's savepoint, so they stay locked and known to its end."""
        wanted = sorted(set(keys) - self.recalled.keys())
        if not wanted:
            return
        await self.conn.execute("SELECT pg_advisory_xact_lock(2, hashtext(key)) FROM unnest($1::text[]) AS key", wanted)
        rows = await self.conn.fetch(
            "SELECT key, fingerprint, body, held FROM idempotency_keys WHERE key = ANY($1::text[])", wanted
        )
        self.recalled.update(dict.fromkeys(wanted))
        self.recalled.update({row["key"]: _remembered(row) for row in rows})

    async def flush(self) -> None:
        """Writes the rows held so far, one statement per table. Called between a fact's statements, never inside a
        savepoint of a handler's own (`uow.savepoint()`), whose rollback the batch would not see."""
        if self._writer is not None:
            await self._writer.add_all(self.conn, self._events.unwritten())
        audit = self._audit.unwritten()
        if audit:
            await PostgresAudit(self.conn, self._security_schema).record(*audit)
        keys = self._answers.unwritten()
        if keys:
            answers = [self.answered[key] for key in keys]
            await self.conn.execute(
                "INSERT INTO idempotency_keys (key, fingerprint, body, held)"
                " SELECT key, fingerprint, body::jsonb, held"
                " FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bool[]) AS row (key, fingerprint, body, held)",
                keys,
                [answer.fingerprint for answer in answers],
                [json.dumps(answer.answer, default=str) for answer in answers],
                [answer.held for answer in answers],
            )


def _remembered(row: asyncpg.Record | None) -> Remembered | None:
    if row is None:
        return None
    return Remembered(bytes(row["fingerprint"]), json.loads(row["body"]), row["held"])


def current_batch() -> Batch | None:
    return _current.get()


@contextlib.asynccontextmanager
async def one_transaction(pool: asyncpg.Pool, keys: Sequence[str] = ()) -> AsyncIterator[Batch]:
    """Units of work begun in this block join one transaction; `keys`: the idempotency keys they will use."""
    async with pool.acquire() as lent:
        conn = cast(asyncpg.Connection, lent)
        async with conn.transaction():
            batch = Batch(conn, await WriteBehind.on(conn))
            await batch.recall_all(keys)
            token = _current.set(batch)
            try:
                yield batch
                await batch.flush()
            finally:
                _current.reset(token)


ROLLED_BACK = asyncpg.exceptions.TransactionRollbackError  # deadlock_detected, serialization_failure, …
ATTEMPTS = 5


async def each_in_one_transaction(
    pool: asyncpg.Pool,
    keys: Sequence[str],
    items: Sequence[T],
    run: Callable[[T], Awaitable[R]],
    read_ahead: Callable[[Batch], Awaitable[None]] | None = None,
) -> list[R]:
    """`Batch.each(items, run)` in a transaction of its own (`keys`: the idempotency keys it will use), run again
    from its start, after a short random pause, each time PostgreSQL rolls the transaction back (up to ATTEMPTS).
    `read_ahead` reads, before the first item, what the items will read one by one (the rows absent,
    shared/persistence/held.py)."""
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(ROLLED_BACK),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.05, max=2),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            async with one_transaction(pool, keys) as batch:
                if read_ahead is not None:
                    await read_ahead(batch)
                return await batch.each(items, run)
    raise AssertionError("AsyncRetrying either returns or raises")
