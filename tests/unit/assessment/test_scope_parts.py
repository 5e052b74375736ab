"""A scope's units split into parts (issue 12, computing.py): the parts' tallies add up to the figures of the whole,
for a partnership, a moved student's two partnerships and a roll-up of three levels, in every metric version."""

from __future__ import annotations

import pytest

from services.assessment.computing import Stored, computed, part_tallies, rendered
from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.scope import Part
from tests.unit.assessment.scope_fixtures import DAYS, merged_rollup_figures, partnership_figures, programme

VERSION_NUMBERS = list(VERSIONS)


def _rows(records: list) -> list[Stored]:
    return sorted((r.key.encode(), r.pack()) for r in records)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_parts_of_a_partnership_and_of_a_roll_up_add_up_to_their_figures(count: int) -> None:
    made = programme()
    rows = _rows(made.records)
    for day in DAYS:
        as_of = AsOf.of(day)
        for pid in (made.member, made.moved_from, made.moved_to):
            parts = [part_tallies(rows, pid, as_of, VERSION_NUMBERS, False, Part(i, count)) for i in range(count)]
            expected = partnership_figures(made.records, pid, as_of)
            assert expected, (day, pid)
            assert rendered(parts, pid, as_of, VERSION_NUMBERS, False) == expected, (day, pid)
        parts = [part_tallies(rows, made.parent, as_of, VERSION_NUMBERS, True, Part(i, count)) for i in range(count)]
        expected = merged_rollup_figures(made.records, made.parent, as_of)
        assert rendered(parts, made.parent, as_of, VERSION_NUMBERS, True) == expected, day


def _enrolled(rows: list[Stored], pid: object, as_of: AsOf, rollup: bool) -> int:
    [found] = [f for f in computed(rows, pid, as_of, [1], rollup) if (f.dimension, f.metric) == ("total", "enrolled")]
    return int(found.numerator)


def test_the_figures_count_students_of_every_level_and_the_moved_student_where_they_moved() -> None:
    """The comparisons above are not between two empty answers."""
    made, as_of = programme(), AsOf.of(DAYS[-1])
    rows = _rows(made.records)
    levels = [_enrolled([r for r in rows if r[0][:16] == pid.bytes], pid, as_of, False) for pid in made.levels]
    assert min(levels) > 0
    assert _enrolled(rows, made.parent, as_of, True) == sum(levels)
    assert (_enrolled(rows, made.moved_from, as_of, False), _enrolled(rows, made.moved_to, as_of, False)) == (0, 1)


def test_a_partnership_without_records_has_no_figures_and_a_roll_up_answers_empty_cells() -> None:
    made, as_of = programme(), AsOf.of(DAYS[-1])
    rows = [row for row in _rows(made.records) if row[0][:16] != made.member.bytes]
    assert computed(rows, made.member, as_of, VERSION_NUMBERS, False) == []
    empty = computed([], made.member, as_of, [1], True)
    assert empty
    assert all(f.numerator == 0 and f.value in (0, None) for f in empty)
