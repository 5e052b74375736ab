"""Read-side queries: latest figures from PostgreSQL, and "as of" answers recomputed from mirrored records.

An as-of answer is kept (`answers`, per API process) with the count of record writes committed before its records
were read and a digest of those records. It is given again while no write has been committed since, or when the
records it reads are read again and give the same digest; otherwise it is computed. An answer whose cutoff has
passed is also kept in PostgreSQL for every API process (closed_answers.py). A kept answer is therefore always the
one the records give now (issue 12: a partnership of 2,000 students takes seconds to compute)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from services.assessment.answers import Answer, AsOfQuestion
from services.assessment.closed_answers import keep_closed, keep_later
from services.assessment.computing import computed, computers, unpacked
from services.assessment.metrics.catalog import CURRENT_VERSION, VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.context import Target, context_of
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.resolve import resolve
from services.assessment.metrics.scope import descendants, group, rollup_figures
from services.assessment.metrics.targets import TargetStatus, evaluate
from services.assessment.recent import Recent
from services.assessment.record_reads import Standing, Stored, partnership_rows, standing, student_rows, tree_rows
from services.assessment.records import Record, RecordKind
from services.assessment.store import AssessmentStore

answers: Recent[tuple[str, AsOfQuestion], Answer] = Recent(256)  # by generation and question
# An answer from this many stored records at most (a partnership of about 16 students) is computed on the event loop
# in a few milliseconds: handing it to a thread and back cost a tenth of it (issue 12). Larger ones are computed
# elsewhere (computing.py).
INLINE_RECORDS = 24


def as_of_of(day: date, at: datetime | None) -> AsOf:
    """As of D: what was recorded by the end of D (Asia/Shanghai), or by the instant `at` when given."""
    return AsOf.of(day, at)


async def with_moves(store: AssessmentStore, generation: str, records: list[Record]) -> list[Record]:
    """The records, and every other partnership's record of their students: a student moved to another partnership
    counts where their latest period started, read from both records (DOMAIN.md, who counts where)."""
    students = {r.key.entity_id for r in records if r.key.kind is RecordKind.STUDENT}
    known = {r.key for r in records}
    found = await store.student_records(generation, students) if students else []
    return records + [r for r in found if r.key not in known]


async def scope_as_of(
    store: AssessmentStore, generation: str, pid: UUID, as_of: AsOf, versions: Sequence[int], *, rollup: bool
) -> list[Figure]:
    """A partnership's figures, or a parent's roll-up, as of D in each of `versions`."""
    question = _question(pid, as_of, versions, rollup)
    found = await standing(store.pool, generation, question.text, active=False)
    return (await _answer(store, found, question, None)).figures


async def answer_as_of(
    store: AssessmentStore,
    default: str,
    pid: UUID,
    as_of: AsOf,
    versions: Sequence[int],
    *,
    rollup: bool,
    closed_before: int | None = None,
) -> tuple[str, Answer]:
    """`scope_as_of` in the generation queries read, returned with it; the answer as kept, with its bodies. An
    answer with a cutoff at or before `closed_before` (closed_answers.py) is kept for every API process."""
    question = _question(pid, as_of, versions, rollup)
    found = await standing(store.pool, default, question.text, active=True)
    return found.generation, await _answer(store, found, question, closed_before)


async def keep_as_of(store: AssessmentStore, generation: str, pid: UUID, as_of: AsOf, *, rollup: bool) -> bool:
    """Compute and keep for every API process the answer the API gives when asked for `pid` as of `as_of` in every
    metric version (its cutoff passed: the caller's to check), unless one is kept already; whether one is kept now."""
    question = _question(pid, as_of, list(VERSIONS), rollup)
    found = await standing(store.pool, generation, question.text, active=False)
    if found.closed is not None:
        return True
    answer = await _answer(store, found, question, None)  # from records read after `found`, or none written since
    return await keep_closed(store.pool, generation, question, found.seen, answer.kept)


def _question(pid: UUID, as_of: AsOf, versions: Sequence[int], rollup: bool) -> AsOfQuestion:
    return AsOfQuestion("rollup" if rollup else "partnership", pid, as_of, tuple(versions))


async def _answer(store: AssessmentStore, found: Standing, question: AsOfQuestion, closed_before: int | None) -> Answer:
    """Kept answers: while no record write was committed since `found` was read (before reading: an answer is never
    older than its stamp), the answer kept here is given at once, else one kept for every process; else the
    records are read again, and the answer kept here is given when they are the same ones (`digest`), else it is
    computed (and kept for every process when its cutoff has passed)."""
    generation, stamp = found.generation, found.written
    _, pid, as_of, versions = question
    rollup = question.kind == "rollup"
    kept = answers.get((generation, question))
    if kept is not None and kept.stamp == stamp:
        return kept
    if found.closed is not None:
        answer = Answer.closed(stamp, found.closed, found.closed_json)
        answers.keep((generation, question), answer)
        return answer
    rows = await _rows(store, generation, pid, as_of, rollup)
    if rows is None:  # parents not read yet: the tree is found among every partnership record, and not kept
        members = descendants(group(await store.partnership_records(generation)), pid, as_of)
        records = await with_moves(store, generation, await store.records(generation, [pid, *members]))
        return Answer.of(stamp, b"", [f for version in versions for f in rollup_figures(records, pid, as_of, version)])
    same = digest(rows)
    if kept is not None and kept.digest == same:
        answer = replace(kept, stamp=stamp)
    elif len(rows) <= INLINE_RECORDS:
        answer = Answer.of(stamp, same, computed(rows, pid, as_of, versions, rollup))
    else:  # elsewhere (computing.py): a partnership of thousands takes seconds, and live answers go on meanwhile
        answer = Answer.of(stamp, same, await computers.figures(rows, pid, as_of, versions, rollup))
    if closed_before is not None and as_of.cutoff <= closed_before:
        keep_later(store.pool, generation, question, found.seen, answer.kept)
    answers.keep((generation, question), answer)
    return answer


async def _rows(store: AssessmentStore, generation: str, pid: UUID, as_of: AsOf, rollup: bool) -> list[Stored] | None:
    """Every stored record the answer reads, in key order: the partnership's own (for a roll-up: the partnership
    records of the parent's tree, and the records of the parent and of each member on D), and every other
    partnership's record of their students (DOMAIN.md, who counts where). None: a tree not known yet."""
    stored: dict[bytes, bytes] = {}
    members = [pid]
    if rollup:
        tree = await tree_rows(store.pool, generation, pid)
        if tree is None:
            return None
        stored.update(tree)
        members += descendants(group(unpacked(tree)), pid, as_of)
    stored.update(await partnership_rows(store.pool, generation, members))
    students = {UUID(bytes=key[17:33]) for key in stored if key[16:17] == RecordKind.STUDENT.encode()}
    for key, body in await student_rows(store.pool, generation, students) if students else []:
        stored.setdefault(key, body)
    return sorted(stored.items())


def digest(rows: Sequence[Stored]) -> bytes:
    """The same for the same records, in the same order; each body preceded by its length."""
    found = hashlib.sha256()
    for key, body in rows:
        found.update(key)
        found.update(len(body).to_bytes(4, "big"))
        found.update(body)
    return found.digest()


async def _targets(store: AssessmentStore, generation: str, partnership_id: UUID, as_of: AsOf) -> tuple[Target, ...]:
    own = await store.partnership_record(generation, partnership_id)
    return context_of(resolve(own.facts, as_of), VERSIONS[CURRENT_VERSION]).targets


async def targets_as_of(
    store: AssessmentStore, generation: str, partnership_id: UUID, as_of: AsOf, version: int = CURRENT_VERSION
) -> list[TargetStatus]:
    """DOMAIN.md: targets are read as of a date like figures: the latest target by D, against its figure as of D.
    A target measures its partnership's roll-up (the parent's own scope and every member's; a partnership without
    members rolls up to its own figures)."""
    found = await scope_as_of(store, generation, partnership_id, as_of, [version], rollup=True)
    return evaluate(await _targets(store, generation, partnership_id, as_of), found)


async def live_targets(
    store: AssessmentStore, generation: str, partnership_id: UUID, today: date
) -> tuple[date, list[TargetStatus]]:
    """Each target in force on the day of the live figures, against the live figure the workers keep."""
    found = await store.figures(generation, f"rollup:{partnership_id}", CURRENT_VERSION)
    found = found or await store.figures(generation, f"partnership:{partnership_id}", CURRENT_VERSION)
    day = found[0].as_of if found else today
    return day, evaluate(await _targets(store, generation, partnership_id, AsOf.of(day)), found)
