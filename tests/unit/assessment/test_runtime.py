"""The worker's loop bodies with fakes of the store and the producer (no broker, no database)."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from uuid import UUID, uuid4

from faust.exceptions import PartitionsMismatch

from services.assessment.engine import RollupPart
from services.assessment.live import live_figures
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.tally import Tally
from services.assessment.publishing import pack_part, unpack_part
from services.assessment.records import Record, RecordKey, RecordKind
from services.assessment.runtime import Assessor, partition_of
from services.assessment.settings import AssessmentSettings
from services.assessment.snapshots import due_periods, snapshot_rollup
from shared.contracts.registry import stage_topics, topic_for
from shared.messaging.codec import decode, encode
from tests.unit.assessment.builders import Script, records_of
from tests.unit.assessment.scripted_cohort import scripted_cohort
from tests.unit.assessment.test_rollups_and_cells import students


class FakeStore:
    def __init__(self) -> None:
        self.figures: dict[tuple, tuple] = {}
        self.rows: dict[bytes, bytes] = {}  # the mirrored records, as every worker's flushes wrote them
        self.progress_rows: dict[tuple[str, int], int] = {}
        self.targets: dict[UUID, bool | None] = {}
        self.frozen: list[tuple[str, str]] = []
        self.snapshots: dict[tuple[str, str, str], list[Figure]] = {}
        self.owners: dict[int, str] = {}
        self.tallies: dict[tuple[str, int], tuple] = {}  # (scope, version) -> (read_at, business date, packed)
        self.live_progress_rows: dict[tuple[str, int], int] = {}
        self.active: str | None = None
        self.late: list[int | None] = []  # each flush's FlushBatch.late

    async def active_generation(self, default):
        return self.active or default

    async def published(self, generation, scopes):
        return {k: v for k, v in self.figures.items() if k[0] in scopes}

    async def target_states(self, generation):
        return dict(self.targets)

    async def claim(self, generation, owner, epoch, partitions):
        self.owners.update(dict.fromkeys(partitions, owner))

    async def owned(self, generation, owner, conn=None):
        return {p for p, o in self.owners.items() if o == owner}

    async def write_flush(self, generation, owner, batch, partition_of):
        kept = batch.only(await self.owned(generation, owner), partition_of)
        self.late.append(kept.late)
        for key in kept.removed:
            self.figures.pop(key, None)
        self.figures.update({f.key: f.reading for f in kept.figures})
        self.targets.update({target: met for target, _, met in kept.targets})
        self.rows.update({key.encode(): body for key, body in kept.records})
        self.progress_rows.update(kept.progress)
        self._keep_live(kept)
        return kept

    async def write_live(self, generation, owner, batch, partition_of):
        kept = batch.only(await self.owned(generation, owner), partition_of)
        self._keep_live(kept)
        return kept

    def _keep_live(self, kept):
        for scope, version, day, packed in kept.tallies:
            held = self.tallies.get((scope, version))
            if held is None or held[0] <= kept.read_at:
                self.tallies[(scope, version)] = (kept.read_at, day, packed)
        self.live_progress_rows.update(kept.progress)

    def live_readings(self) -> dict[tuple, tuple]:
        """Every figure the API would render from the tallies, as `figures` holds the flushed ones."""
        by_scope: dict[str, list[tuple]] = {}
        for (scope, version), (_, day, packed) in self.tallies.items():
            by_scope.setdefault(scope, []).append((version, day, packed))
        return {f.key: f.reading for scope, tallies in by_scope.items() for f in live_figures(scope, tallies)}

    async def freeze(self, kind, period, generation, figures):
        self.frozen.append((kind, period))
        for figure in figures:
            self.snapshots.setdefault((kind, period, figure.scope), []).append(figure)
        return len(figures)

    async def records(self, generation, partnership_ids=None):
        found = [Record.unpack(RecordKey.decode(key), body) for key, body in self.rows.items()]
        return [r for r in found if partnership_ids is None or r.key.partnership_id in set(partnership_ids)]

    async def partnership_records(self, generation):
        return [r for r in await self.records(generation) if r.key.kind is RecordKind.PARTNERSHIP]

    async def student_records(self, generation, student_ids):
        wanted = set(student_ids)
        return [
            r for r in await self.records(generation) if r.key.kind is RecordKind.STUDENT and r.key.entity_id in wanted
        ]


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple]] = []

    async def send(self, topic: str, messages: list) -> None:
        self.sent += [(topic, message) for message in messages]

    def on(self, suffix: str) -> list[tuple]:
        return [m for t, m in self.sent if t.endswith(suffix)]

    def figures(self) -> list[dict]:
        """The figures of every FiguresChanged sent, in order."""
        return [
            figure for _, value, _ in self.on("cycle.assessment.figures") for figure in json.loads(value)["figures"]
        ]


def settings(business_date: date = date(2026, 6, 30)) -> AssessmentSettings:
    return AssessmentSettings(
        CYCLE_TOPIC_NAMESPACE="u.", CYCLE_TOPIC_PARTITIONS=3, ASSESSMENT_BUSINESS_DATE=business_date
    )


async def fed_assessor(copies: int = 1, events: list | None = None) -> tuple[Assessor, FakeStore, FakeProducer, list]:
    store, producer = FakeStore(), FakeProducer()
    assessor = Assessor(settings(), store, {}, {}, producer.send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1)
    events = events or scripted_cohort().script.events
    offset = 0
    for _ in range(copies):
        for envelope in events:
            message = encode(envelope)
            topic = "u." + topic_for(envelope.type, _stage(envelope.type))
            await assessor.handle(topic, 0, offset, message.key.encode(), message.value, message.headers)
            offset += 1
    return assessor, store, producer, events


def _stage(type_name: str):
    from shared.contracts.base import Stage
    from shared.contracts.registry import model_for

    stage = model_for(type_name).stage
    return Stage.TRAINING if stage is Stage.ANY else stage


async def test_a_flush_publishes_every_figure_once_and_nothing_when_nothing_moved() -> None:
    assessor, store, producer, _ = await fed_assessor()
    moved = await assessor.flush()
    assert moved == len(producer.figures()) == len(store.figures) > 0
    assert await assessor.flush() == 0


async def test_the_live_tallies_render_the_figures_a_flush_writes_with_a_live_flush_before_it_or_not() -> None:
    assessor, store, _, events = await fed_assessor()
    assert await assessor.flush_live() > 0
    assert store.figures == {}, "a live flush writes tallies, not figures rows"
    assert store.live_progress_rows == {(t, p): o for (t, p), o in assessor.next_offsets().items()}
    await assessor.flush()
    alone, alone_store, _, _ = await fed_assessor(events=events)
    await alone.flush()
    assert store.figures == alone_store.figures != {}, "the flush renders a scope recounted by a live flush whole"
    assert store.live_readings() == store.figures
    assert alone_store.live_readings() == store.figures, "a flush writes the tallies too"


async def test_a_live_flush_writes_what_changed_since_the_last_and_nothing_when_nothing_did() -> None:
    assessor, store, _, events = await fed_assessor()
    await assessor.flush_live()
    assert await assessor.flush_live() == 0
    message = encode(events[-1].model_copy(update={"id": uuid4()}))
    topic = "u." + topic_for(events[-1].type, _stage(events[-1].type))
    await assessor.handle(topic, 0, 10_000, message.key.encode(), message.value, message.headers)
    assert await assessor.flush_live() == 2, "the changed partnership's tally in each metric version"
    assert store.live_progress_rows[(topic, 0)] == 10_001


async def test_live_progress_never_claims_events_of_tallies_a_flush_still_holds() -> None:
    """A flush takes seconds to reach its write; a live flush meanwhile writes how far the worker read. Every
    partnership's tally counting those events must be written by then, not held for the flush's own write."""
    assessor, store, _, events = await fed_assessor()
    expected, expected_store, _, _ = await fed_assessor(events=events)
    await expected.flush()
    writing, release = asyncio.Event(), asyncio.Event()
    write_flush = store.write_flush

    async def held(*args):
        writing.set()
        await release.wait()
        return await write_flush(*args)

    store.write_flush = held  # type: ignore[method-assign]
    flushing = asyncio.create_task(assessor.flush())
    await writing.wait()
    await assessor.flush_live()
    assert store.live_progress_rows == {(t, p): o for (t, p), o in assessor.next_offsets().items()}
    assert store.live_readings() == expected_store.figures != {}, "the live answers count what progress claims"
    release.set()
    await flushing
    assert store.figures == expected_store.figures


async def test_a_generation_queries_do_not_read_writes_its_tallies_only_with_its_figures() -> None:
    assessor, store, _, _ = await fed_assessor()
    store.active = "another generation"
    assert await assessor.flush_live() == 0
    assert store.tallies == {}
    await assessor.flush()
    assert store.live_readings() == store.figures != {}, "its flushes write them, all there when it is activated"


async def test_redelivered_events_change_no_figure() -> None:
    once, store_once, _, events = await fed_assessor()
    twice, store_twice, _, _ = await fed_assessor(copies=2, events=events)
    await once.flush()
    await twice.flush()
    assert twice.counters.duplicates == once.counters.applied
    assert store_twice.figures == store_once.figures


async def test_garbage_goes_to_the_dead_letter_topic_and_the_loop_goes_on() -> None:
    assessor, _, producer, _ = await fed_assessor()
    await assessor.handle(stage_topics("u.")[0], 1, 99, b"key", b"{not json", [("ce_type", b"cycle.Nope")])
    [(key, value, headers)] = producer.on("cycle.dlq.assessment")
    assert (key, value) == (b"key", b"{not json")
    assert dict(headers)["dlq_offset"] == b"99"
    assert assessor.counters.dead_lettered == 1


async def test_an_unmet_target_raises_one_breach_alert() -> None:
    assessor, _, producer, _ = await fed_assessor()
    await assessor.flush()
    await assessor.flush()
    [(key, value, headers)] = producer.on("cycle.assessment.alerts")
    alert = decode(headers, key, value)
    assert alert.type == "TargetBreached"
    assert alert.data.value == 0.6667  # type: ignore[attr-defined]


async def test_roll_up_parts_are_sent_to_the_parent_and_survive_a_round_trip() -> None:
    part = RollupPart(uuid4(), ((1, uuid4()),), {1: Tally()})
    assert unpack_part(pack_part(part)) == part


async def test_a_worker_that_lost_its_partitions_writes_and_publishes_nothing() -> None:
    assessor, store, producer, _ = await fed_assessor()
    store.owners = dict.fromkeys(store.owners, "another worker")
    assert await assessor.flush() == 0
    assert producer.on("cycle.assessment.figures") == []
    assert store.figures == {}
    assert await assessor.flush_live() == 0
    assert store.tallies == {}


def test_a_snapshot_is_due_when_a_month_or_a_year_ends() -> None:
    assert due_periods(date(2025, 6, 30), date(2025, 6, 30)) == []
    assert due_periods(date(2025, 6, 30), date(2025, 7, 1)) == [("monthly", "2025-06")]
    assert due_periods(date(2025, 12, 31), date(2026, 1, 1)) == [("monthly", "2025-12"), ("yearly", "2025")]


def _one_id_on_each_partition() -> list[UUID]:
    """Partnership ids on partitions 0, 1 and 2 of the three the unit settings have."""
    ids = [UUID(int=n) for n in range(1, 100)]
    return [next(i for i in ids if partition_of(i, 3) == partition) for partition in range(3)]


async def test_a_year_that_ends_freezes_each_roll_up_at_every_depth_by_the_worker_owning_its_parent() -> None:
    city_id, alliance_id, pact_id = _one_id_on_each_partition()
    city, alliance, pact = Script(city_id), Script(alliance_id), Script(pact_id)
    city.sign(kind="programme")
    alliance.sign(kind="alliance", parent=city_id)
    pact.sign(parent=alliance_id)
    students(city, graduated=1)
    students(alliance, graduated=1, in_training=1)
    students(pact, graduated=2)
    records = records_of(city.events + alliance.events + pact.events)
    frozen_by: dict[frozenset[int], dict[tuple[str, str, str], list[Figure]]] = {}
    for owned in (frozenset({0}), frozenset({1, 2})):
        store = FakeStore()
        store.rows = {r.key.encode(): r.pack() for r in records}  # every worker's records, already mirrored
        table = {r.key.encode(): r.pack() for r in records if partition_of(r.key.partnership_id, 3) in owned}
        worker = Assessor(settings(date(2025, 12, 31)), store, table, {}, FakeProducer().send)  # type: ignore[arg-type]
        await worker.recovered(set(owned), 1)
        await worker.flush()
        worker.settings.business_date = date(2026, 1, 1)
        await worker.flush()
        frozen_by[owned] = {key: found for key, found in store.snapshots.items() if key[2].startswith("rollup:")}
    assert {owned: sorted(frozen) for owned, frozen in frozen_by.items()} == {
        frozenset({0}): [("monthly", "2025-12", f"rollup:{city_id}"), ("yearly", "2025", f"rollup:{city_id}")],
        frozenset({1, 2}): [
            ("monthly", "2025-12", f"rollup:{alliance_id}"),
            ("yearly", "2025", f"rollup:{alliance_id}"),
        ],
    }
    for frozen in frozen_by.values():
        for (_, period, scope), found in frozen.items():
            expected = snapshot_rollup(records, UUID(scope.removeprefix("rollup:")), period)
            assert {f.key: f for f in found} == {f.key: f for f in expected}
            assert len(found) == len(expected)
            assert {f.as_of for f in found} == {date(2025, 12, 31)}


class RefusingTwice(dict[bytes, bytes]):
    """A table whose first two writes faust refuses, as it does while its view of a new changelog is stale."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    def __setitem__(self, key: bytes, value: bytes) -> None:
        if self.refused < 2:
            self.refused += 1
            raise PartitionsMismatch("changelog has 0 partitions, source has 3")
        super().__setitem__(key, value)


async def test_a_roll_up_part_whose_write_is_refused_is_retried_not_dead_lettered() -> None:
    alliance = uuid4()
    store, producer, rollups = FakeStore(), FakeProducer(), RefusingTwice()
    assessor = Assessor(settings(), store, {}, rollups, producer.send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1)
    for offset, envelope in enumerate(scripted_cohort(parent_id=alliance).script.events):
        message = encode(envelope)
        topic = "u." + topic_for(envelope.type, _stage(envelope.type))
        await assessor.handle(topic, 0, offset, message.key.encode(), message.value, message.headers)
    await assessor.flush()
    [(key, value, _)] = producer.on(assessor.settings.rollup_topic)
    await assessor.handle(assessor.settings.rollup_topic, 0, 0, key, value, [])
    await assessor.flush()
    assert (rollups.refused, len(rollups)) == (2, 1)
    assert producer.on("cycle.dlq.assessment") == []
    assert any(figure_key[0] == f"rollup:{alliance}" for figure_key in store.figures)


async def test_a_recovery_of_an_older_group_generation_that_arrives_late_changes_nothing() -> None:
    store = FakeStore()
    assessor = Assessor(settings(), store, {}, {}, FakeProducer().send)  # type: ignore[arg-type]
    await assessor.recovered({1, 2}, 2)
    await assessor.recovered({0, 1, 2}, 1)
    assert assessor.partitions == {1, 2}
    assert store.owners == dict.fromkeys({1, 2}, assessor.owner)


async def test_a_record_handed_over_past_the_next_offset_expected_names_the_first_one_missing() -> None:
    assessor = Assessor(settings(), FakeStore(), {}, {}, FakeProducer().send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1, {("t", 1): 7})
    topic = stage_topics("u.")[0]
    assert assessor.missing_before(topic, 2, 5) is None, "nothing expected yet in a partition never read"
    for offset in (0, 1):
        await assessor.handle(topic, 2, offset, b"k", b"{not json", [])
    assert assessor.missing_before(topic, 2, 2) is None
    assert assessor.missing_before(topic, 2, 1) is None, "a record read again is no gap"
    assert assessor.missing_before(topic, 2, 4) == 2
    assert assessor.missing_before("t", 1, 9) == 7, "a recovered partition expects its committed offset"


async def test_a_partition_read_past_its_committed_offset_expects_that_offset_after_a_recovery() -> None:
    """faust reads again from the committed offset: a record it drops there must show as a gap, or nothing
    acknowledges it and faust's commit stops below it for good."""
    assessor = Assessor(settings(), FakeStore(), {}, {}, FakeProducer().send)  # type: ignore[arg-type]
    await assessor.recovered({0, 1, 2}, 1)
    topic = stage_topics("u.")[0]
    for offset in range(10):
        await assessor.handle(topic, 2, offset, b"k", b"{not json", [])
    await assessor.recovered({0, 1, 2}, 2, {(topic, 2): 4})
    assert assessor.missing_before(topic, 2, 4) is None
    assert assessor.missing_before(topic, 2, 7) == 4
