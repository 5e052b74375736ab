import gc

import pytest

from bench.collector import collector_frozen


def test_what_exists_before_the_timed_phase_is_out_of_the_collector_until_it_ends() -> None:
    kept = [object() for _ in range(1_000)]
    with collector_frozen():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_the_collector_has_everything_back_when_the_phase_fails() -> None:
    with pytest.raises(RuntimeError), collector_frozen():
        raise RuntimeError("a measurement failed")
    assert gc.get_freeze_count() == 0
