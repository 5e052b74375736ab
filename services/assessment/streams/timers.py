"""The flush timer: publish and store what changed since the last tick (see `Assessor.flush`)."""

from __future__ import annotations

from services.assessment.streams.app import Worker
from services.assessment.streams.recovery import rebuild_engine


def add_flush_timer(worker: Worker) -> None:
    @worker.app.timer(worker.settings.flush_seconds, name="flush")  # type: ignore[untyped-decorator]
    async def flush() -> None:
        assessor = worker.assessor
        if assessor is None or worker.app.rebalancing:
            return
        if {tp.partition for tp in worker.assigned()} != assessor.partitions:
            await rebuild_engine(worker)  # the group moved partitions and no recovery callback told us
        await assessor.flush()
