"""`Tally.replace(old, new)` adds what `add(old, -1)` then `add(new)` add, found from what the shares differ in."""

from __future__ import annotations

import copy
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from services.assessment.metrics.catalog import TOTAL, Bucket, Dimension
from services.assessment.metrics.share import Contribution
from services.assessment.metrics.tally import Tally

CELLS: list[Bucket] = [TOTAL, (Dimension.CLASS, "a"), (Dimension.CLASS, "b"), (Dimension.HOME_REGION, "Bijie")]
METRICS = ["enrolled", "active", "placed", "job_retention.3", "_open_classes"]
entries = st.tuples(st.integers(-1, 2), st.integers(0, 2), st.integers(0, 1))
shares = st.builds(
    Contribution,
    buckets=st.lists(st.sampled_from(CELLS), unique=True, max_size=3).map(tuple),
    values=st.dictionaries(st.sampled_from(METRICS), entries, max_size=4),
    samples=st.dictionaries(st.sampled_from(["wage", "days_to_job"]), st.integers(1, 4), max_size=2),
    extra=st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(METRICS), entries), max_size=2),
    marks=st.lists(st.tuples(st.just("_funding"), st.integers(1, 3), st.integers(1, 5)), max_size=2),
)


def _samples(tally: Tally) -> dict[Bucket, dict[str, Counter[int]]]:
    """The samples with their empty counters and cells left out (each spelling of "none")."""
    kept = {b: {m: +c for m, c in metrics.items() if +c} for b, metrics in tally.samples.items()}
    return {b: metrics for b, metrics in kept.items() if metrics}


def _next(
    old: Contribution, new: Contribution, moves: list[tuple[int, int]], dropped: set[str], same_cells: bool
) -> Contribution:
    """A share like a student's next one: `old` without the metrics `dropped` and with some entries moved by one
    in one part each (and `new`'s other metrics, samples and parts), in the same cells when `same_cells`."""
    values = {m: e for m, e in old.values.items() if m not in dropped}
    for metric_index, part in moves:
        metric = METRICS[metric_index % len(METRICS)]
        entry = list(values.get(metric, (0, 0, 0)))
        entry[part] += 1
        values[metric] = (entry[0], entry[1], entry[2])
    values.update({m: e for m, e in new.values.items() if m not in values})
    return Contribution(old.buckets if same_cells else new.buckets, values, new.samples, new.extra, new.marks)


@given(
    st.lists(shares, max_size=4),
    shares,
    shares,
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), max_size=3),
    st.sets(st.sampled_from(METRICS)),
    st.booleans(),
)
def test_replacing_a_share_sums_what_subtracting_it_and_adding_the_new_one_sums(
    others: list[Contribution],
    old: Contribution,
    new: Contribution,
    moves: list[tuple[int, int]],
    dropped: set[str],
    same_cells: bool,
) -> None:
    new = _next(old, new, moves, dropped, same_cells)
    before = Tally()
    for share in [*others, old]:
        before.add(share)
    by_adding, by_replacing = copy.deepcopy(before), copy.deepcopy(before)
    by_adding.touched, by_replacing.touched = set(), set()

    by_adding.add(old, -1)
    by_adding.add(new)
    by_replacing.replace(old, new)

    assert by_replacing.sums == by_adding.sums
    assert [list(cell) for cell in by_replacing.sums.values()] == [list(cell) for cell in by_adding.sums.values()]
    assert _samples(by_replacing) == _samples(by_adding)
    moved = {b for b in by_adding.touched if by_adding.sums.get(b) != before.sums.get(b)}
    moved |= {b for b in by_adding.touched if _samples(by_adding).get(b) != _samples(before).get(b)}
    assert moved <= by_replacing.touched  # every cell whose sums moved is rendered again


def test_replacing_a_share_by_an_equal_one_moves_no_cell() -> None:
    share = Contribution(buckets=(TOTAL,), values={"enrolled": (1, 0, 1)}, samples={"wage": 3})
    tally = Tally()
    tally.add(share)
    tally.touched = set()
    tally.replace(share, Contribution(buckets=(TOTAL,), values={"enrolled": (1, 0, 1)}, samples={"wage": 3}))
    assert tally.touched == set()
    assert tally.sums == {TOTAL: {"enrolled": [1, 0, 1]}}
