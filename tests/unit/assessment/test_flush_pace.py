"""The flush timer's pace: a worker that is behind reads for three times as long as it flushes; one that keeps up
flushes as soon as the minimum interval has passed."""

from __future__ import annotations

from services.assessment.streams.timers import FlushPace


def test_the_first_flush_is_due_at_once() -> None:
    assert FlushPace(minimum=0.25).due(now=0.0, behind=True)


def test_a_flush_waits_for_the_minimum_interval_even_when_nothing_is_read() -> None:
    pace = FlushPace(minimum=0.25)
    pace.flushed(started=10.0, ended=10.01)
    assert not pace.due(now=10.2, behind=False)
    assert pace.due(now=10.3, behind=False)


def test_a_worker_behind_waits_three_times_as_long_as_its_last_flush_took() -> None:
    pace = FlushPace(minimum=0.25)
    pace.flushed(started=10.0, ended=12.0)
    assert not pace.due(now=17.9, behind=True)
    assert pace.due(now=18.0, behind=True)


def test_a_worker_keeping_up_flushes_without_waiting_for_its_share() -> None:
    pace = FlushPace(minimum=0.25)
    pace.flushed(started=10.0, ended=12.0)
    assert pace.due(now=12.3, behind=False)


def test_a_worker_is_behind_when_more_records_wait_than_it_read_since_its_last_flush_started() -> None:
    pace = FlushPace(minimum=0.25)
    assert pace.starts(now=0.0, read=100, waiting=lambda: 0)
    pace.flushed(started=0.0, ended=2.0)
    assert not pace.starts(now=2.5, read=150, waiting=lambda: 60), "60 waiting, 50 read since: behind, waits 6 s"
    assert pace.starts(now=2.5, read=150, waiting=lambda: 40), "40 waiting, 50 read since: keeping up"
    assert pace.read_at_start == 150


def test_what_waits_is_not_asked_before_the_minimum_interval_has_passed() -> None:
    pace, asked = FlushPace(minimum=0.25), []
    pace.flushed(started=10.0, ended=10.01)
    assert not pace.starts(now=10.1, read=0, waiting=lambda: asked.append(1) or 0)
    assert asked == []
    assert pace.starts(now=10.3, read=0, waiting=lambda: asked.append(1) or 0)
    assert asked == [1]


def test_a_pace_with_a_steady_share_keeps_to_it_when_the_worker_keeps_up() -> None:
    pace = FlushPace(minimum=1.0, share=0.1, steady_share=0.1)
    pace.flushed(started=10.0, ended=10.4)
    assert not pace.due(now=13.9, behind=False, flowing=True), "a flush of 0.4 s: the next one 3.6 s after it"
    assert pace.due(now=14.01, behind=False, flowing=True)
    pace.flushed(started=20.0, ended=20.05)
    assert not pace.due(now=20.9, behind=False, flowing=True), "a short flush: the minimum interval still holds"
    assert pace.due(now=21.05, behind=False, flowing=True)


def test_a_pace_keeps_to_its_steady_share_only_while_records_arrive() -> None:
    pace = FlushPace(minimum=1.0, share=0.1, steady_share=0.1)
    assert pace.starts(now=0.0, read=100, waiting=lambda: 0, written=lambda: 100)
    pace.flushed(started=0.0, ended=0.4)
    assert not pace.starts(now=2.0, read=900, waiting=lambda: 0, written=lambda: 900), "arriving: waits 3.6 s"
    assert pace.starts(now=2.0, read=900, waiting=lambda: 0, written=lambda: 100), "none arrived: due at the minimum"


def test_a_cadence_counts_its_minimum_interval_from_the_last_start() -> None:
    pace = FlushPace(minimum=0.25, cadence=True)
    pace.flushed(started=10.0, ended=10.125)
    assert not pace.due(now=10.2, behind=False), "0.2 s after the last start"
    assert pace.due(now=10.25, behind=False), "every 0.25 s, however long a flush took (not 0.25 s after its end)"
    pace.flushed(started=20.0, ended=20.5)
    assert not pace.due(now=21.9, behind=True), "behind: it still reads three times as long as it flushed"
    assert pace.due(now=22.0, behind=True)
