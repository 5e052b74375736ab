"""`Tally.pack` copies the cells that did not move since its last call: its bytes stay those of the whole tally
packed afresh, whatever moved the cells in between."""

from __future__ import annotations

import msgpack
from hypothesis import given, settings
from hypothesis import strategies as st

from services.assessment.metrics.catalog import Dimension
from services.assessment.metrics.share import Contribution
from services.assessment.metrics.tally import Tally, _array_header
from tests.unit.assessment.test_tally_replace import shares

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), shares),
        st.tuples(st.just("subtract"), shares),
        st.tuples(st.just("replace"), st.tuples(shares, shares)),
        st.tuples(st.just("replace_in_its_cells"), st.tuples(shares, shares)),
        st.tuples(st.just("add_all"), st.lists(shares, max_size=3)),
        st.tuples(st.just("merge"), st.lists(shares, max_size=3)),
        st.tuples(st.just("pack"), st.none()),
    ),
    max_size=12,
)


def packed_afresh(tally: Tally) -> bytes:
    """Every cell packed now, as `pack` did before it kept any."""
    sums = [[b[0].value, b[1], [[m, *e] for m, e in metrics.items()]] for b, metrics in tally.sums.items()]
    samples = [
        [b[0].value, b[1], [[m, list(c.items())] for m, c in metrics.items()]] for b, metrics in tally.samples.items()
    ]
    packed: bytes = msgpack.packb([sums, samples], use_bin_type=True)
    return packed


def _apply(tally: Tally, operation: str, argument: object) -> None:
    if operation == "add":
        tally.add(argument)  # type: ignore[arg-type]
    elif operation == "subtract":
        tally.add(argument, -1)  # type: ignore[arg-type]
    elif operation == "replace":
        old, new = argument  # type: ignore[misc]
        tally.replace(old, new)
    elif operation == "replace_in_its_cells":  # a student's next share, in the cells of the one before
        old, new = argument  # type: ignore[misc]
        tally.replace(old, Contribution(old.buckets, new.values, new.samples, new.extra, new.marks))
    elif operation == "add_all":
        tally.add_all(argument)  # type: ignore[arg-type]
    elif operation == "merge":  # a member's tally pooled, each share added alone (marks fill cells with no sums)
        other = Tally()
        for share in argument:  # type: ignore[attr-defined]
            other.add(share)
        tally.merge(other)
    else:
        assert tally.pack() == packed_afresh(tally)


@settings(max_examples=200)
@given(st.lists(shares, max_size=4), operations)
def test_a_tally_packs_the_bytes_of_every_cell_packed_afresh_after_any_moves(
    start: list[Contribution], moves: list[tuple[str, object]]
) -> None:
    tally = Tally()
    tally.add_all(start)
    assert tally.pack() == packed_afresh(tally)
    for operation, argument in moves:
        _apply(tally, operation, argument)
    assert tally.pack() == packed_afresh(tally)
    assert Tally.unpack(tally.pack()).pack() == tally.pack()


def test_array_headers_are_msgpacks_own_at_each_size_boundary() -> None:
    for length in (0, 15, 16, 65_535, 65_536):
        whole = msgpack.packb([0] * length)
        assert _array_header(length) == whole[: len(whole) - length]


def test_a_share_replaced_by_one_that_moves_only_its_values_or_only_its_samples_is_packed_again() -> None:
    old = Contribution(((Dimension.CLASS, "a"),), {"enrolled": (1, 1, 0)}, {"wage": 3}, [], [])
    for new in (
        Contribution(old.buckets, {"enrolled": (0, 1, 0)}, old.samples, [], []),
        Contribution(old.buckets, old.values, {"wage": 4}, [], []),
    ):
        tally = Tally()
        tally.add(old)
        tally.pack()
        tally.replace(old, new)
        assert tally.pack() == packed_afresh(tally)


def test_a_pooled_tally_whose_samples_moved_in_a_cell_without_sums_is_packed_again() -> None:
    marked = Contribution(((Dimension.CLASS, "a"),), {}, {}, [], [("_funding", 1, 2)])
    tally, member = Tally(), Tally()
    tally.add(marked)
    tally.pack()
    member.add(marked)
    tally.merge(member)
    assert tally.pack() == packed_afresh(tally)
