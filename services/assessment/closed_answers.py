"""As-of answers past their cutoff, kept in PostgreSQL for every API process (migration assessment_0007).

An as-of answer counts the facts recorded before its cutoff. Once the cutoff has passed, only a fact recorded before
it but mirrored later (an import keeping its original `recorded_at`, a held fact released, a straggler read after
midnight) can change it, and a worker that mirrors such a fact deletes every answer it could change in the
transaction that writes the fact's record (`forget_late`). An answer is kept (`keep_closed`) only when no such
deletion was committed since the API read the records it was computed from (`late_facts.seen`), so a kept answer is
always the one the records give now, and a partnership's or a parent's as-of figures of a closed day are one row:
packed (answer_rows.py), and as the JSON array of an answer without filters (migration assessment_0008).
The API keeps an answer after giving it (`keep_later`): keeping is a transaction of its own, and a query waited
for it (issue 12: 1.5 ms of a 15 ms as-of answer); an answer not kept is computed again when next asked.

Closed means before the start of the API's business day and at least `MARGIN` ago: a worker whose clock is behind
by less than that already takes a fact recorded before the cutoff for a late one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import asyncpg
import structlog

from services.assessment.answer_rows import pack
from services.assessment.answers import AsOfQuestion, Fields
from services.assessment.facts import epoch_micros
from services.assessment.figure_json import figures_array
from services.assessment.metrics.clock import day_start

log = structlog.get_logger(__name__)
MARGIN = timedelta(minutes=10)
EVERY = 0  # a cutoff no answer has: `forget_late(conn, generation, EVERY)` forgets them all

_FORGET = "DELETE FROM closed_answers WHERE generation = $1 AND cutoff > $2"
_SEEN = (
    "INSERT INTO late_facts (generation, seen) VALUES ($1, 1)"
    " ON CONFLICT (generation) DO UPDATE SET seen = late_facts.seen + 1"
)
_KEEP = (
    "INSERT INTO closed_answers (generation, question, cutoff, figures, figures_json) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (generation, question) DO UPDATE SET cutoff = EXCLUDED.cutoff, figures = EXCLUDED.figures,"
    " figures_json = EXCLUDED.figures_json"
)


def closed_before(business_day: date, now: datetime | None = None) -> int:
    """Answers with a cutoff at or before this instant are closed (epoch microseconds)."""
    return min(day_start(business_day), epoch_micros((now or datetime.now(UTC)) - MARGIN))


async def keep_closed(
    pool: asyncpg.Pool, generation: str, question: AsOfQuestion, seen: int, kept: Sequence[Fields]
) -> bool:
    """Keep the answer unless a late fact's deletion was committed since `seen` was read (before the records the
    answer was computed from). The share lock on `late_facts` orders this with a worker's deletion: it waits for
    one in progress (then sees its count), or the deletion waits for this insert and then deletes it."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO late_facts (generation, seen) VALUES ($1, 0) ON CONFLICT DO NOTHING", generation
        )
        now_seen = await conn.fetchval("SELECT seen FROM late_facts WHERE generation = $1 FOR SHARE", generation)
        if now_seen != seen:
            return False
        await conn.execute(_KEEP, generation, question.text, question.as_of.cutoff, pack(kept), figures_array(kept))
        return True


KEEPING_AT_MOST = 16  # answers waiting to be kept; beyond, one is not kept (the pool's connections serve queries)
_keeping: set[asyncio.Task[bool]] = set()


def keep_later(pool: asyncpg.Pool, generation: str, question: AsOfQuestion, seen: int, kept: Sequence[Fields]) -> None:
    """`keep_closed` in a task of its own, so that the answer is given meanwhile; a failure is logged. While
    `KEEPING_AT_MOST` wait, the answer is not kept: it is computed again when next asked."""
    if len(_keeping) >= KEEPING_AT_MOST:
        log.info("closed_answer_not_kept", question=question.text, reason="too many waiting to be kept")
        return
    task = asyncio.create_task(keep_closed(pool, generation, question, seen, kept), name=f"keep {question.text}")
    _keeping.add(task)
    task.add_done_callback(_kept)


def _kept(task: asyncio.Task[bool]) -> None:
    _keeping.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("closed_answer_not_kept", task=task.get_name(), error=repr(error))


async def answers_kept() -> None:
    """Once every answer this process has given so far is kept (or refused, or failed to be)."""
    loop = asyncio.get_running_loop()
    while pending := [task for task in _keeping if task.get_loop() is loop]:
        await asyncio.gather(*pending, return_exceptions=True)


async def forget_late(
    conn: asyncpg.Connection | asyncpg.pool.PoolConnectionProxy, generation: str, recorded_at: int
) -> None:
    """In the transaction that writes the records of a fact recorded at `recorded_at` (epoch microseconds) that was
    mirrored after an answer's cutoff: every kept answer that counts it is deleted, and the deletion counted."""
    await conn.execute(_SEEN, generation)  # first: the row lock that `keep_closed` waits on
    await conn.execute(_FORGET, generation, recorded_at)
