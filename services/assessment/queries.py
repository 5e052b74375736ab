"""Read-side queries: latest figures from PostgreSQL, and "as of" answers recomputed from mirrored records."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from services.assessment.metrics.catalog import CURRENT_VERSION, VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.context import Target, context_of
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.resolve import resolve
from services.assessment.metrics.scope import descendants, figures, group, rollup_figures
from services.assessment.metrics.targets import TargetStatus, evaluate
from services.assessment.records import Record, RecordKey, RecordKind
from services.assessment.store import AssessmentStore


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


async def partnership_as_of(
    store: AssessmentStore, generation: str, partnership_id: UUID, as_of: AsOf, version: int
) -> list[Figure]:
    records = await with_moves(store, generation, await store.records(generation, [partnership_id]))
    return figures(records, as_of, version, only={partnership_id})


async def rollup_as_of(
    store: AssessmentStore, generation: str, parent_id: UUID, as_of: AsOf, version: int
) -> list[Figure]:
    """DOMAIN.md: pooled from the parent's own records and those of every partnership below it on D."""
    members = descendants(group(await store.partnership_records(generation)), parent_id, as_of)
    records = await with_moves(store, generation, await store.records(generation, [parent_id, *members]))
    return rollup_figures(records, parent_id, as_of, version)


async def _targets(store: AssessmentStore, generation: str, partnership_id: UUID, as_of: AsOf) -> tuple[Target, ...]:
    key = RecordKey.of_partnership(partnership_id)
    own = [r for r in await store.partnership_records(generation) if r.key == key]
    facts = own[0].facts if own else []
    return context_of(resolve(facts, as_of), VERSIONS[CURRENT_VERSION]).targets


async def targets_as_of(
    store: AssessmentStore, generation: str, partnership_id: UUID, as_of: AsOf, version: int = CURRENT_VERSION
) -> list[TargetStatus]:
    """DOMAIN.md: targets are read as of a date like figures: the latest target by D, against its figure as of D.
    A target measures its partnership's roll-up (the parent's own scope and every member's; a partnership without
    members rolls up to its own figures)."""
    found = await rollup_as_of(store, generation, partnership_id, as_of, version)
    return evaluate(await _targets(store, generation, partnership_id, as_of), found)


async def live_targets(
    store: AssessmentStore, generation: str, partnership_id: UUID, today: date
) -> tuple[date, list[TargetStatus]]:
    """Each target in force on the day of the live figures, against the live figure the workers keep."""
    found = await store.figures(generation, f"rollup:{partnership_id}", CURRENT_VERSION)
    found = found or await store.figures(generation, f"partnership:{partnership_id}", CURRENT_VERSION)
    day = found[0].as_of if found else today
    return day, evaluate(await _targets(store, generation, partnership_id, AsOf.of(day)), found)
