"""A tally packed and unpacked is the same tally, and one packed in the first format (live_tallies rows and roll-up
parts written before the format changed) unpacks to the same as the current one."""

from __future__ import annotations

import msgpack
from hypothesis import given
from hypothesis import strategies as st

from services.assessment.metrics.share import Contribution
from services.assessment.metrics.tally import Tally
from tests.unit.assessment.test_tally_replace import shares


def _first_format(tally: Tally) -> bytes:
    """As `Tally.pack` wrote tallies before the format had a number."""
    sums = [[b[0].value, b[1], [[m, *e] for m, e in metrics.items()]] for b, metrics in tally.sums.items()]
    samples = [[b[0].value, b[1], [[m, list(c.items())] for m, c in ms.items()]] for b, ms in tally.samples.items()]
    packed: bytes = msgpack.packb([sums, samples], use_bin_type=True)
    return packed


@given(st.lists(shares, max_size=6))
def test_a_tally_comes_back_from_either_format_with_the_same_sums_and_samples(added: list[Contribution]) -> None:
    tally = Tally()
    for share in added:
        tally.add(share)
    for packed in (tally.pack(), _first_format(tally)):
        back = Tally.unpack(packed)
        assert (back.sums, back.samples) == (tally.sums, tally.samples)
        assert list(back.sums) == list(tally.sums), "the cells in the order they were made"
    assert Tally.unpack(tally.pack()).pack() == tally.pack()
