"""A flush's figures are written and removed set-based; what a reader finds is every figure moved, each once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from services.assessment.metrics.figures import Figure
from services.assessment.runtime import partition_of
from services.assessment.store import AssessmentStore, FlushBatch
from shared.config import ServiceSettings


def figure(scope: str, bucket: str, metric: str, value: str | None, final: bool = False) -> Figure:
    number = None if value is None else Decimal(value)
    return Figure(scope, "class", bucket, metric, 2, number, Decimal(3) if value else None, number, final,
                  date(2026, 6, 30))  # fmt: skip


async def test_a_flush_writes_changed_figures_updates_kept_ones_and_removes_gone_ones(
    assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    owner, partitions = uuid4().hex, service_settings.topic_partitions
    await assessment_store.claim("g1", owner, 1, range(partitions))
    scope, other = f"partnership:{uuid4()}", f"partnership:{uuid4()}"

    async def flush(batch: FlushBatch) -> None:
        await assessment_store.write_flush("g1", owner, batch, lambda pid: partition_of(pid, partitions))

    first = [figure(scope, f"class-{n}", "placement_rate", f"0.{n}") for n in range(1, 6)]
    await flush(FlushBatch(figures=[*first, figure(other, "class-1", "placement_rate", "0.5")]))
    moved = figure(scope, "class-2", "placement_rate", "0.9", final=True)
    await flush(
        FlushBatch(figures=[moved, figure(scope, "class-6", "recruited", None)], removed=[first[0].key, first[4].key])
    )

    found = {f.key: f.reading for f in await assessment_store.figures("g1", scope)}
    expected = [moved, first[2], first[3], figure(scope, "class-6", "recruited", None)]
    assert found == {f.key: f.reading for f in expected}
    assert len(await assessment_store.figures("g1", other)) == 1, "another scope's figure with the same cell stays"
