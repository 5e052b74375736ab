"""The one agent: every stage topic and the roll-up topic, each record handed to the assessor, after the records
faust dropped before it (`gaps.py`)."""

from __future__ import annotations

import faust
from faust.types import TP

from services.assessment.streams.app import Worker
from services.assessment.streams.gaps import gap_filler


def add_assess_agent(worker: Worker) -> None:
    @worker.app.agent(worker.source, name="assess")
    async def assess(stream: faust.StreamT[bytes]) -> None:
        await worker.started.wait()
        assessor = await worker.read_side()  # opened by the first recovery, before `started` is set
        fill = gap_filler(worker)
        async for event in stream.events():
            message = event.message
            missing = assessor.missing_before(message.topic, message.partition, message.offset)
            if missing is not None:
                await fill(assessor, TP(message.topic, message.partition), missing, message.offset)
            await assessor.handle(
                message.topic, message.partition, message.offset, message.key, message.value, message.headers
            )
