"""The pure parts of the operator tools: where reading starts, what a filter admits, names and times as typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
import typer

from cli.ops.render import duration, retention
from cli.ops.timespec import parse_moment
from shared.ops.dlq import resolve
from shared.ops.errors import NotFound
from shared.ops.reader import Start, StartAt, StoredRecord
from shared.ops.tail import DecodedRecord, EventFilter
from tests.support.backbone import withdrawal

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (Start(), 10),
        (Start(StartAt.END), 50),
        (Start(StartAt.OFFSET, 30), 30),
        (Start(StartAt.OFFSET, 2), 10),
        (Start(StartAt.OFFSET, 99), 50),
        (Start(StartAt.LAST, 5), 45),
        (Start(StartAt.LAST, 500), 10),
    ],
)
def test_reading_starts_inside_what_the_partition_still_keeps(start: Start, expected: int):
    assert start.offset_in(10, 50) == expected


def _decoded(**refs: object) -> DecodedRecord:
    event = withdrawal(uuid4())
    return DecodedRecord(StoredRecord("t", 0, 0, NOW, None, None, ()), event.model_copy(update=refs))


def test_a_filter_admits_an_event_only_when_every_condition_holds():
    decoded = _decoded(recorded_at=NOW)
    event = decoded.envelope
    assert event is not None
    assert EventFilter().admits(decoded)
    assert EventFilter(types=frozenset({"Withdrawn"})).admits(decoded)
    assert EventFilter(types=frozenset({"cycle.Withdrawn"})).admits(decoded)
    assert not EventFilter(types=frozenset({"StudentEnrolled"})).admits(decoded)
    assert EventFilter(partnership_id=event.partnership_id, student_id=event.student_id).admits(decoded)
    assert not EventFilter(partnership_id=uuid4()).admits(decoded)
    assert EventFilter(since=NOW, until=NOW + timedelta(seconds=1)).admits(decoded)
    assert not EventFilter(until=NOW).admits(decoded)


def test_an_undecodable_record_shows_unless_a_filter_asks_about_event_content():
    undecodable = DecodedRecord(StoredRecord("t", 0, 0, NOW, None, b"\x00", ()), None, "not JSON")
    assert EventFilter().admits(undecodable)
    assert not EventFilter(partnership_id=uuid4()).admits(undecodable)


def test_a_dead_letter_topic_is_found_by_its_name_its_group_or_an_unambiguous_end():
    names = ["ns.cycle.dlq.ns.training.roster", "ns.cycle.dlq.ns.employment.upstream", "ns.cycle.training"]
    assert resolve(names, "ns.", "ns.cycle.dlq.ns.training.roster") == names[0]
    assert resolve(names, "ns.", "ns.training.roster") == names[0]
    assert resolve(names, "ns.", "upstream") == names[1]
    with pytest.raises(NotFound, match="no dead-letter topic"):
        resolve(names, "ns.", "cycle.training")
    with pytest.raises(NotFound, match="several"):
        resolve([*names, "ns.cycle.dlq.ns.other.roster"], "ns.", "roster")


def test_times_are_typed_as_iso_dates_or_ages():
    assert parse_moment("15m", NOW) == NOW - timedelta(minutes=15)
    assert parse_moment("2d", NOW) == NOW - timedelta(days=2)
    assert parse_moment("2025-03-01") == datetime(2025, 3, 1, tzinfo=UTC)
    assert parse_moment("2025-03-01T08:00+08:00") == datetime(2025, 3, 1, tzinfo=UTC)
    assert parse_moment(None) is None
    with pytest.raises(typer.BadParameter):
        parse_moment("yesterday")


def test_durations_and_retention_read_in_the_two_largest_units():
    assert duration(timedelta(seconds=42)) == "42s"
    assert duration(timedelta(hours=1, minutes=5, seconds=3)) == "1h 5m"
    assert duration(0) == "0s"
    assert duration(None) == "-"
    assert retention(7 * 86_400_000) == "7d"
    assert retention(-1) == "forever"
