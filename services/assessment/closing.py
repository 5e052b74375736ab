"""Closing a day: the as-of answers of every partnership and every roll-up on a day that has ended, computed once and
kept for every API process (closed_answers.py), so that the first reader of each finds it ready. An operator's job,
run after midnight (`cycle assessment close-day`); answers already kept are left as they are, so it can be run again
after an import of history has made some of them go."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from services.assessment.closed_answers import closed_before
from services.assessment.computing import computers
from services.assessment.metrics.clock import AsOf
from services.assessment.queries import keep_as_of
from services.assessment.settings import AssessmentSettings
from services.assessment.snapshots import rollup_members
from services.assessment.store import AssessmentStore, open_store


class DayNotClosed(ValueError):
    code = "day_not_closed"


@dataclass(frozen=True)
class ClosedDay:
    day: date
    partnerships: int
    rollups: int
    kept: int  # answers kept by the end, including those that were already
    seconds: float


async def close_day(
    store: AssessmentStore,
    generation: str,
    day: date,
    today: date,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> ClosedDay:
    """Keep the as-of-`day` answer of every partnership, and of every partnership with members on `day` (its
    roll-up), in every metric version. `today`: the business day; `day` must have ended before it."""
    started, as_of = time.perf_counter(), AsOf.of(day)
    if as_of.cutoff > closed_before(today):
        raise DayNotClosed(f"{day} has not ended long enough ago to be closed")
    partnerships = await store.partnership_records(generation)
    parents = sorted(rollup_members(partnerships, as_of))
    questions = [(r.key.partnership_id, False) for r in partnerships] + [(parent, True) for parent in parents]
    kept = 0
    for done, (pid, rollup) in enumerate(questions, start=1):
        kept += await keep_as_of(store, generation, pid, as_of, rollup=rollup)
        progress(done, len(questions))
    return ClosedDay(day, len(partnerships), len(parents), kept, time.perf_counter() - started)


def run_close_day(day: date | None, progress: Callable[[int, int], None]) -> ClosedDay:
    """Entry for `cycle assessment close-day`: settings from the environment, the generation queries read."""
    return asyncio.run(_close(AssessmentSettings(), day, progress))


async def _close(settings: AssessmentSettings, day: date | None, progress: Callable[[int, int], None]) -> ClosedDay:
    today = settings.live_as_of().business_date
    store = await open_store(settings.database_url, settings.db_schema)
    computers.configure(settings.compute_processes)
    try:
        generation = await store.active_generation(settings.generation)
        return await close_day(store, generation, day or today - timedelta(days=1), today, progress)
    finally:
        computers.close()
        await store.close()
