"""The records an as-of answer reads, as stored (key and packed body), found through the read side's indexes
(migration assessment_0004): a partnership's records, its students' records in every partnership, the partnership
records of a parent's tree; and what an answer is checked against (`standing`): how many record writes the workers
have committed, to tell that none happened, and the answer kept in PostgreSQL once its cutoff has passed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from services.assessment.lineage import parents_of
from services.assessment.records import RecordKey

Stored = tuple[bytes, bytes]  # a record's encoded key and packed body

_TREE = """
WITH RECURSIVE tree (pid) AS (
    SELECT $2::uuid
    UNION
    SELECT r.partnership_id FROM records r JOIN tree t ON r.parents @> ARRAY[t.pid]
    WHERE r.generation = $1 AND r.kind = 'p'
)
SELECT key, body FROM records WHERE generation = $1 AND kind = 'p' AND partnership_id IN (SELECT pid FROM tree)
"""
# The generation queries read: the active one, else the default ($1) the reader is configured with.
GENERATION_READ = "coalesce(nullif((SELECT generation FROM generations WHERE active), ''), $1::text)"
_UNREAD_PARENTS = "SELECT EXISTS (SELECT 1 FROM records WHERE generation = $1 AND kind = 'p' AND parents IS NULL)"


def _stored(rows: Iterable[asyncpg.Record]) -> list[Stored]:
    return [(row["key"], row["body"]) for row in rows]


@dataclass(frozen=True)
class Standing:
    """What an as-of answer is checked against, read in one statement before the records it is computed from."""

    generation: str
    written: int  # record writes committed to the generation so far (each flush that writes records counts one)
    seen: int  # deletions of closed answers committed so far (closed_answers.py)
    closed: bytes | None  # the closed answer kept for the question, if any
    closed_json: bytes | None = None  # its figures as a JSON array (kept since migration assessment_0008)


def _standing(generation: str) -> str:
    return (
        "SELECT g.generation,"
        " (SELECT coalesce(sum(written), 0) FROM partition_owners o WHERE o.generation = g.generation),"
        " (SELECT coalesce(max(seen), 0) FROM late_facts l WHERE l.generation = g.generation),"
        " c.figures, c.figures_json"
        f" FROM (SELECT {generation} AS generation) AS g"
        " LEFT JOIN closed_answers c ON c.generation = g.generation AND c.question = $2"
    )


_OF_GENERATION, _OF_ACTIVE = _standing("$1::text"), _standing(GENERATION_READ)


async def standing(pool: asyncpg.Pool, generation: str, question: str, *, active: bool) -> Standing:
    """`active`: of the generation queries read (`GENERATION_READ`), `generation` being the default; else of
    `generation`. While `written` is unchanged, no record of the generation has changed."""
    found = await pool.fetchrow(_OF_ACTIVE if active else _OF_GENERATION, generation, question)
    assert found is not None  # one row, always
    return Standing(str(found[0]), int(found[1]), int(found[2]), found[3], found[4])


async def partnership_rows(pool: asyncpg.Pool, generation: str, partnership_ids: Sequence[UUID]) -> list[Stored]:
    return _stored(
        await pool.fetch(
            "SELECT key, body FROM records WHERE generation = $1 AND partnership_id = ANY($2::uuid[])",
            generation,
            list(partnership_ids),
        )
    )


async def student_rows(pool: asyncpg.Pool, generation: str, student_ids: Iterable[UUID]) -> list[Stored]:
    """Every partnership's record of these students (a student moved to another partnership has two)."""
    return _stored(
        await pool.fetch(
            "SELECT key, body FROM records WHERE generation = $1 AND kind = 's'"
            " AND substring(key from 18 for 16) = ANY($2::bytea[])",
            generation,
            [student.bytes for student in student_ids],
        )
    )


async def tree_rows(pool: asyncpg.Pool, generation: str, parent_id: UUID) -> list[Stored] | None:
    """The partnership records of every partnership that has named `parent_id` as its parent, or a parent so named,
    at any depth and on any date (a superset of those below it on any D), the parent's own included. None while a
    partnership record's parents are not yet read (`backfill_parents`): the caller reads them all."""
    async with pool.acquire() as conn:
        if await conn.fetchval(_UNREAD_PARENTS, generation):
            return None
        return _stored(await conn.fetch(_TREE, generation, parent_id))


async def backfill_parents(pool: asyncpg.Pool, batch: int = 1_000) -> int:
    """Fill `parents` of the partnership records written before it was kept; a record rewritten meanwhile keeps
    what its writer put (the body is compared). Returns how many were filled."""
    filled = 0
    while True:
        rows = await pool.fetch(
            "SELECT generation, key, body FROM records WHERE kind = 'p' AND parents IS NULL LIMIT $1", batch
        )
        if not rows:
            return filled
        await pool.executemany(
            "UPDATE records SET parents = $3 WHERE generation = $1 AND key = $2 AND body = $4 AND parents IS NULL",
            [(r["generation"], r["key"], parents_of(RecordKey.decode(r["key"]), r["body"]), r["body"]) for r in rows],
        )
        filled += len(rows)
