"""The worker app wired from its role modules, inspected without a broker."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from faust.types import TP

from services.assessment.settings import AssessmentSettings
from services.assessment.streams import create_worker_app
from services.assessment.streams.fetch_wait import FETCH_MAX_WAIT_MS
from services.assessment.streams.recovery import uncommitted
from services.assessment.streams.stalls import (
    StallWatch,
    Verdict,
    _reseek_changelogs,
    _watch_recovery,
    changelogs_remaining,
    commits_below,
)
from services.assessment.streams.timers import FenceWatch
from shared.contracts.registry import stage_topics


def test_the_worker_reads_every_stage_topic_and_the_roll_ups_into_two_tables(tmp_path: Path) -> None:
    settings = AssessmentSettings(
        CYCLE_TOPIC_NAMESPACE="w.", CYCLE_TOPIC_PARTITIONS=3, ASSESSMENT_DATA_DIR=tmp_path, ASSESSMENT_FLUSH_SECONDS=0.5
    )
    worker = create_worker_app(settings)
    [agent] = worker.app.agents.values()
    assert set(agent.channel.topics) == {*stage_topics("w."), settings.rollup_topic}  # type: ignore[attr-defined]
    assert sorted(worker.app.tables) == ["records", "rollups"]
    assert {t.partitions for t in worker.app.tables.values()} == {3}


def test_a_worker_is_fenced_out_for_as_long_as_consecutive_flushes_find_partitions_owned_elsewhere() -> None:
    watch = FenceWatch()
    assert watch.fenced_for(set(), now=100.0) == 0.0
    assert watch.fenced_for({0}, now=101.0) == 0.0
    assert watch.fenced_for({0}, now=112.5) == 11.5
    assert watch.fenced_for(set(), now=113.0) == 0.0
    assert watch.fenced_for({1}, now=120.0) == 0.0


def test_after_a_recovery_the_partitions_faust_will_not_seek_back_are_the_ones_without_a_committed_offset() -> None:
    a, b, c = TP("cycle.recruitment", 0), TP("cycle.recruitment", 1), TP("cycle.training", 0)
    # aiokafka seeks back only to a committed offset above 0; records faust dropped in the others would be skipped.
    assert uncommitted({a, b, c}, {a: 32, b: 0}) == {b, c}
    assert uncommitted({a}, {a: 1}) == set()


def test_a_worker_with_records_waiting_and_none_read_seeks_again_once_then_leaves_the_group() -> None:
    watch = StallWatch(patience=20.0)
    assert watch.check(behind=True, marker=5, now=0.0) is Verdict.MOVING
    assert watch.check(behind=True, marker=5, now=19.0) is Verdict.WAITING
    assert watch.check(behind=True, marker=5, now=21.0) is Verdict.SEEK_AGAIN
    assert watch.check(behind=True, marker=5, now=30.0) is Verdict.WAITING
    assert watch.check(behind=True, marker=5, now=42.0) is Verdict.LEAVE


def test_a_worker_that_reads_or_has_nothing_waiting_is_never_told_to_leave() -> None:
    watch = StallWatch(patience=20.0)
    for second in range(0, 200, 5):
        assert watch.check(behind=True, marker=second, now=float(second)) is Verdict.MOVING
    assert watch.check(behind=False, marker=200, now=300.0) is Verdict.MOVING
    assert watch.check(behind=False, marker=200, now=400.0) is Verdict.MOVING


def test_a_partition_committed_below_the_next_offset_read_is_named_and_one_caught_up_is_not() -> None:
    a, b, c = TP("cycle.recruitment", 0), TP("cycle.recruitment", 1), TP("cycle.training", 0)
    read = {("cycle.recruitment", 0): 500, ("cycle.recruitment", 1): 40, ("cycle.training", 0): 7}
    committed = {a: 66, b: 40, TP("cycle.training", 5): 1}
    assert commits_below({a, b, c}, committed, read) == {"cycle.recruitment-0": "66 < 500"}
    assert commits_below({b, c}, committed, read) == {}, "a partition faust never committed is not named"


class _Recovery:
    def __init__(self) -> None:
        self.active_offsets: dict[TP, int] = {TP("cycle.assessment.records-changelog", 0): 10}
        self.active_highwaters: dict[TP, int] = {TP("cycle.assessment.records-changelog", 0): 10}
        self.standby_offsets: dict[TP, int] = {}
        self.in_recovery = True


class _NotReady:
    """What `_watch_recovery` reads of a worker stuck in a recovery."""

    def __init__(self, partitions: set[TP]) -> None:
        self.partitions, self.crashed = partitions, []  # type: list[BaseException]
        self.sought: list[dict[TP, int]] = []
        self.app = SimpleNamespace(
            tables=SimpleNamespace(recovery=_Recovery()),
            rebalancing=True,
            in_recovery=True,
            crash=self._crash,
            consumer=SimpleNamespace(seek_wait=self._seek_wait),
        )

    async def _seek_wait(self, partitions: dict[TP, int]) -> None:
        self.sought.append(dict(partitions))

    async def _crash(self, reason: BaseException) -> None:
        self.crashed.append(reason)

    def assigned(self) -> set[TP]:
        return self.partitions


async def test_a_worker_whose_recovery_reads_nothing_leaves_after_the_patience_and_one_reading_on_stays() -> None:
    stuck, spare = _NotReady({TP("cycle.recruitment", 0)}), _NotReady(set())
    moving = _NotReady({TP("cycle.recruitment", 0)})
    watches = [StallWatch(patience=10.0) for _ in range(3)]
    for now in (0.0, 11.0, 22.0):  # moving, the patience over (a warning), twice over (leaving)
        await _watch_recovery(stuck, watches[0], now)  # type: ignore[arg-type]
        await _watch_recovery(spare, watches[1], now)  # type: ignore[arg-type]
        await _watch_recovery(moving, watches[2], now)  # type: ignore[arg-type]
        moving.app.tables.recovery.active_offsets[TP("cycle.assessment.records-changelog", 0)] += 100
    assert [type(e).__name__ for e in stuck.crashed] == ["Stalled"]
    assert spare.crashed == [], "a worker given no partition has nothing to recover"
    assert moving.crashed == []


def test_the_changelogs_left_to_restore_are_those_read_below_their_last_offset() -> None:
    done, empty, unread, partly = (TP("c", n) for n in range(4))
    offsets = {done: 10, empty: -1, unread: -1, partly: 3}
    highwaters = {done: 10, empty: -1, unread: 4, partly: 7}
    assert changelogs_remaining(offsets, highwaters) == {unread: 0, partly: 3}
    assert changelogs_remaining({}, {unread: 0}) == {unread: 0}, "one record at offset 0, none read"


async def test_a_recovery_waiting_for_changelog_records_seeks_them_again_each_patience_it_reads_none() -> None:
    """Under load, a rejoined worker's recovery waited minutes for a changelog's records with none fetched."""
    changelog = TP("cycle.assessment.records-changelog", 2)
    stuck, done = _NotReady({TP("cycle.recruitment", 2)}), _NotReady({TP("cycle.recruitment", 2)})
    stuck.app.tables.recovery.active_offsets = {changelog: -1}
    stuck.app.tables.recovery.active_highwaters = {changelog: 4}
    watches = [StallWatch(patience=10.0) for _ in range(2)]
    for now in (0.0, 5.0, 11.0, 16.0, 22.0):
        await _reseek_changelogs(stuck, watches[0], now)  # type: ignore[arg-type]
        await _reseek_changelogs(done, watches[1], now)  # type: ignore[arg-type]
    assert stuck.sought == [{changelog: 0}, {changelog: 0}], "once the patience is over, and again after it"
    assert done.sought == [], "every changelog record read: nothing to seek"
    assert stuck.crashed == [], "leaving is the recovery watch's decision"


async def test_the_worker_consumer_asks_the_broker_to_hold_a_fetch_for_100_ms_at_most(tmp_path: Path) -> None:
    """faust asks for 1,500 ms; a fetch naming only quiet partitions then held back the busy ones that long."""
    settings = AssessmentSettings(CYCLE_TOPIC_NAMESPACE="w.", ASSESSMENT_DATA_DIR=tmp_path)
    worker = create_worker_app(settings)
    consumer = worker.app.consumer._thread._create_worker_consumer(worker.app.transport)  # type: ignore[attr-defined]
    try:
        assert consumer._fetch_max_wait_ms == FETCH_MAX_WAIT_MS == 100
    finally:
        await consumer._client.close()
