"""Values and share parts the live engine keeps once: the same objects, never a different value."""

from __future__ import annotations

from services.assessment.facts import shared, shared_data
from services.assessment.metrics.catalog import TOTAL
from services.assessment.metrics.share import Contribution
from services.assessment.shared_parts import SharedParts


def test_equal_texts_and_days_are_one_object() -> None:
    first, second = "".join(["Bi", "jie"]), "".join(["Bij", "ie"])
    assert first is not second
    assert shared(first) is shared(second)
    assert shared(739_000 + int("1")) is shared(739_001)


def test_true_is_never_taken_for_one() -> None:
    assert shared(1) == 1
    assert shared(True) is True
    assert shared(0) == 0
    assert shared(False) is False


def test_a_facts_unique_ids_are_kept_as_they_are_and_its_class_is_shared() -> None:
    class_id, application = bytes(range(16)), bytes(range(1, 17))
    one = shared_data("ApplicationSubmitted", (bytes(application), "Bijie", True, bytes(class_id)))
    two = shared_data("ApplicationSubmitted", (bytes(range(2, 18)), "Bijie", None, bytes(class_id)))
    assert one[3] is two[3]
    assert one == (application, "Bijie", True, class_id)


def test_equal_parts_of_two_shares_are_one_object_and_the_shares_stay_equal() -> None:
    def share() -> Contribution:
        built = Contribution(buckets=(TOTAL,))
        built.add("enrolled", 1, 0, True)
        return built

    parts = SharedParts()
    one, two = parts.share(share()), parts.share(share())
    assert one.values is two.values
    assert one.buckets is two.buckets
    assert one == share() == two


def test_the_pool_starts_again_past_its_limit_without_losing_a_share() -> None:
    parts = SharedParts(limit=3)
    kept = [parts.share(Contribution(buckets=(TOTAL,), values={"enrolled": (n, 0, 0)})) for n in range(5)]
    assert [c.values["enrolled"][0] for c in kept] == list(range(5))
    assert len(parts) <= 3
