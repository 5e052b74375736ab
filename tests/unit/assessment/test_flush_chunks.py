"""A flush that moves many figures sends them a few thousand at a time, at most FIGURES_PER_MESSAGE a record, each
once, as one send would have."""

from __future__ import annotations

import json

import pytest

from services.assessment import runtime
from tests.unit.assessment.test_runtime import fed_assessor


async def test_a_large_flush_sends_its_figures_in_chunks_each_once(monkeypatch: pytest.MonkeyPatch) -> None:
    whole, whole_store, whole_producer, events = await fed_assessor()
    await whole.flush()
    monkeypatch.setattr(runtime, "_SEND_CHUNK", 50)
    chunked, chunked_store, chunked_producer, _ = await fed_assessor(events=events)
    monkeypatch.setattr(runtime, "FIGURES_PER_MESSAGE", 20)
    calls: list[int] = []
    send = chunked.send

    async def counting(topic: str, messages: list[runtime.Message]) -> None:
        if topic.endswith("cycle.assessment.figures"):
            calls.append(sum(len(json.loads(value)["figures"]) for _, value, _ in messages))
        await send(topic, messages)

    chunked.send = counting
    moved = await chunked.flush()
    assert len(calls) > 1  # one send per scope here, each over the chunk size
    assert sum(calls) == moved == len(whole_producer.figures())
    assert len(chunked_producer.on("cycle.assessment.figures")) >= moved / 20 > len(whole_producer.on("figures"))
    assert chunked_producer.figures() == whole_producer.figures()
    assert chunked_store.figures == whole_store.figures
