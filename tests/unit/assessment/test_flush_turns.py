"""A long flush gives way: at once while no record arrives, for as long as it worked while records arrive."""

from __future__ import annotations

import pytest

from services.assessment import runtime
from services.assessment.runtime import Turns


async def test_a_flush_gives_way_for_as_long_as_it_worked_only_while_records_arrive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(runtime.asyncio, "sleep", sleep)
    read = [0]
    turn = Turns(lambda: read[0], every=0.02)
    for arrived in (0, 5, 0, 0, 3):
        read[0] += arrived
        turn.since = float("-inf")  # its `every` spent: a turn is due
        assert await turn.given(lambda: True)
    # the first turn has nothing to compare with; records arrived before the second and the fifth
    assert slept == [0, 0.02, 0, 0, 0.02]


async def test_a_flush_within_its_time_slice_goes_on_without_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    async def sleep(seconds: float) -> None:
        raise AssertionError("no turn was due")

    monkeypatch.setattr(runtime.asyncio, "sleep", sleep)
    turn = Turns(lambda: 1, every=60.0)
    assert await turn.given(lambda: False)


async def test_a_flush_no_query_reads_goes_on_at_once_whatever_arrives(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(runtime.asyncio, "sleep", sleep)
    turn = Turns(None, every=0.02)
    for _ in range(3):
        turn.since = float("-inf")
        assert await turn.given(lambda: True)
    assert slept == [0, 0, 0]
