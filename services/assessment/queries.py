"""Read-side queries: latest figures from PostgreSQL, and "as of" answers recomputed from mirrored records."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import descendants, figures, group, rollup_figures
from services.assessment.records import Record
from services.assessment.store import AssessmentStore


def as_of_of(day: date, at: datetime | None) -> AsOf:
    """As of D: what was recorded by the end of D (Asia/Shanghai), or by the instant `at` when given."""
    return AsOf.of(day, at)


async def partnership_as_of(
    store: AssessmentStore, generation: str, partnership_id: UUID, as_of: AsOf, version: int
) -> list[Figure]:
    records = await store.records(generation, [partnership_id])
    return figures(records, as_of, version)


async def rollup_as_of(
    store: AssessmentStore, generation: str, parent_id: UUID, as_of: AsOf, version: int
) -> list[Figure]:
    """DOMAIN.md: pooled from the parent's own records and those of every partnership below it on D."""
    members = descendants(group(await store.partnership_records(generation)), parent_id, as_of)
    records: list[Record] = await store.records(generation, [parent_id, *members])
    return rollup_figures(records, parent_id, as_of, version)
