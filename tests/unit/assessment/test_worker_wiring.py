"""The worker app wired from its role modules, inspected without a broker."""

from __future__ import annotations

from pathlib import Path

from faust.types import TP

from services.assessment.settings import AssessmentSettings
from services.assessment.streams import create_worker_app
from services.assessment.streams.recovery import uncommitted
from services.assessment.streams.stalls import StallWatch, Verdict, commits_below
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
