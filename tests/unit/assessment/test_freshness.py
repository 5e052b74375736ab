"""How far behind the figures are, from the workers' progress and the topics' ends."""

from __future__ import annotations

from services.assessment.freshness import FreshnessWatch

A, B = ("cycle.recruitment", 0), ("cycle.training", 1)


def test_figures_that_count_every_record_are_not_behind() -> None:
    assert FreshnessWatch().observe({A: 10, B: 3}, {A: 10, B: 3}, now=100.0) == (0, 0.0)


def test_behind_is_how_long_a_partition_with_records_waiting_has_not_moved() -> None:
    watch = FreshnessWatch()
    assert watch.observe({A: 4}, {A: 10, B: 2}, now=100.0) == (8, 0.0)  # B never read: 2 waiting
    assert watch.observe({A: 6}, {A: 10, B: 2}, now=130.0) == (6, 30.0)  # A moved, B did not
    assert watch.observe({A: 10, B: 2}, {A: 10, B: 2}, now=140.0) == (0, 0.0)
