"""The one agent: every stage topic and the roll-up topic, each record handed to the assessor."""

from __future__ import annotations

import faust

from services.assessment.streams.app import Worker


def add_assess_agent(worker: Worker) -> None:
    @worker.app.agent(worker.source, name="assess")
    async def assess(stream: faust.StreamT[bytes]) -> None:
        await worker.started.wait()
        assessor = await worker.read_side()  # opened by the first recovery, before `started` is set
        async for event in stream.events():
            message = event.message
            await assessor.handle(
                message.topic, message.partition, message.offset, message.key, message.value, message.headers
            )
