"""A closed answer is kept after it is given (closed_answers.keep_later): never more than KEEPING_AT_MOST wait at
once, a keeping that fails leaves nothing pending, and `answers_kept` returns once every one has ended."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from structlog.testing import capture_logs

from services.assessment import closed_answers
from services.assessment.answers import AsOfQuestion, Fields
from services.assessment.closed_answers import KEEPING_AT_MOST, answers_kept, keep_later
from services.assessment.metrics.clock import AsOf


def _question() -> AsOfQuestion:
    return AsOfQuestion("partnership", uuid4(), AsOf.of(date(2025, 6, 1)), (1,))


async def test_answers_beyond_those_waiting_to_be_kept_are_not_kept_and_the_waiting_ones_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release, started = asyncio.Event(), []

    async def slow_keep(pool: Any, generation: str, question: AsOfQuestion, seen: int, kept: Sequence[Fields]) -> bool:
        started.append(question)
        await release.wait()
        return True

    monkeypatch.setattr(closed_answers, "keep_closed", slow_keep)
    for _ in range(KEEPING_AT_MOST + 5):
        keep_later(None, "g1", _question(), 0, ())  # type: ignore[arg-type]
    await asyncio.sleep(0)  # each task reaches its wait
    assert len(started) == KEEPING_AT_MOST
    release.set()
    await asyncio.wait_for(answers_kept(), timeout=10)
    keep_later(None, "g1", _question(), 0, ())  # type: ignore[arg-type]
    await asyncio.wait_for(answers_kept(), timeout=10)
    assert len(started) == KEEPING_AT_MOST + 1, "room again once they ended"


async def test_a_keeping_that_fails_is_logged_and_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    async def failing_keep(*args: Any) -> bool:
        raise ConnectionError("the database is away")

    monkeypatch.setattr(closed_answers, "keep_closed", failing_keep)
    with capture_logs() as logged:
        keep_later(None, "g1", _question(), 0, ())  # type: ignore[arg-type]
        await asyncio.wait_for(answers_kept(), timeout=10)
    assert not closed_answers._keeping
    [entry] = [e for e in logged if e["event"] == "closed_answer_not_kept"]
    assert entry["log_level"] == "warning"
    assert "the database is away" in entry["error"]
