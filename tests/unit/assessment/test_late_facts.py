"""A worker tells the store which closed answers its flush may change (closed_answers.py): the facts it mirrored
that were recorded before its business day began, or every answer after a recovery, whose late facts it cannot
know. The store and the producer are fakes (tests/unit/assessment/test_runtime.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.assessment.closed_answers import EVERY
from services.assessment.facts import epoch_micros
from services.assessment.metrics.clock import day_start, today_in_shanghai
from services.assessment.runtime import Assessor
from services.assessment.settings import AssessmentSettings
from shared.contracts.envelope import Envelope
from shared.contracts.registry import topic_for
from shared.messaging.codec import encode
from tests.unit.assessment.builders import Script
from tests.unit.assessment.test_rollups_and_cells import students
from tests.unit.assessment.test_runtime import FakeProducer, FakeStore, _stage, settings

BUSINESS_DAY = date(2026, 6, 30)  # the workers' (test_runtime.settings)


async def _fed(assessor: Assessor, events: list[Envelope], first: int = 0) -> None:
    for offset, envelope in enumerate(events, start=first):
        message = encode(envelope)
        topic = "u." + topic_for(envelope.type, _stage(envelope.type))
        await assessor.handle(topic, 0, offset, str(message.key).encode(), message.value, message.headers)


def _recorded(script: Script, at: datetime) -> list[Envelope]:
    return [e.model_copy(update={"recorded_at": at}) for e in script.events]


async def test_a_recovered_worker_forgets_every_closed_answer_with_its_first_flush_and_only_then() -> None:
    store = FakeStore()
    assessor = Assessor(settings(), store, {}, {}, FakeProducer().send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1)
    script = Script()
    script.sign()
    students(script, graduated=1)
    await _fed(assessor, _recorded(script, datetime(2026, 6, 30, 9, tzinfo=UTC)))
    await assessor.flush()
    await assessor.flush()
    assert store.late == [EVERY, None]


async def test_facts_recorded_before_the_business_day_mark_the_flush_that_writes_them_with_the_earliest() -> None:
    store = FakeStore()
    assessor = Assessor(settings(), store, {}, {}, FakeProducer().send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1)
    await assessor.flush()
    today, earlier, earliest = Script(), Script(), Script()
    for script in (today, earlier, earliest):
        script.sign()
        students(script, graduated=1)
    start = datetime.fromtimestamp(day_start(BUSINESS_DAY) / 1_000_000, UTC)
    await _fed(assessor, _recorded(today, start), 100)  # recorded as the day began: not late
    await assessor.flush()
    imported = _recorded(earlier, datetime(2025, 3, 1, tzinfo=UTC))
    imported += _recorded(earliest, datetime(2024, 2, 1, tzinfo=UTC))
    await _fed(assessor, imported, 200)
    await assessor.flush()
    await _fed(assessor, imported, 300)  # the same events again: duplicates change no record
    await assessor.flush()
    assert store.late == [EVERY, None, epoch_micros(datetime(2024, 2, 1, tzinfo=UTC)), None]


async def test_a_fact_recorded_before_midnight_and_read_after_it_before_any_flush_is_late() -> None:
    """On the wall clock's business day (not pinned), whatever day the engine is still on until its next flush."""
    store = FakeStore()
    unpinned = AssessmentSettings(CYCLE_TOPIC_NAMESPACE="u.", CYCLE_TOPIC_PARTITIONS=3)
    assessor = Assessor(unpinned, store, {}, {}, FakeProducer().send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1)
    await assessor.flush()
    today = today_in_shanghai(datetime.now(UTC))
    assessor._day_start = day_start(today - timedelta(days=1))  # as a worker whose last flush was yesterday
    script = Script()
    script.sign()
    students(script, graduated=1)
    before_midnight = datetime.fromtimestamp(day_start(today) / 1_000_000 - 1, UTC)
    await _fed(assessor, _recorded(script, before_midnight))
    await assessor.flush()
    assert store.late == [EVERY, epoch_micros(before_midnight)]
