"""DOMAIN.md roll-ups (every partnership below the parent on D at any depth, plus the parent's own classes,
students and funding) and empty cells (every cell answered; an empty one has numerator 0, denominator 0, value
null)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, rollup_figures
from shared.contracts.partnership import PartnershipAmended
from tests.unit.assessment.builders import Script, records_of

D = AsOf.of(date(2026, 6, 30))
EMPTY = (Decimal(0), Decimal(0), None)


def reading(found: list[Figure], metric: str, dimension: str = "total", bucket: str = "") -> tuple:
    [f] = [f for f in found if f.metric == metric and f.dimension == dimension and f.bucket == bucket]
    return f.numerator, f.denominator, f.value


def students(script: Script, graduated: int, in_training: int = 0) -> str:
    class_id = script.open_class()
    for _ in range(graduated):
        script.graduate(script.enrol(class_id, "Bijie"), date(2025, 1, 15))
    for _ in range(in_training):
        script.enrol(class_id, "Anshun")
    return class_id.bytes.hex()


def three_levels() -> tuple[Script, Script, Script]:
    """A city programme with a class of its own, over an alliance with a class of its own, over a partnership."""
    city, alliance, pact = Script(), Script(), Script()
    city.sign(kind="programme")
    alliance.sign(kind="alliance", parent=city.partnership_id)
    pact.sign(parent=alliance.partnership_id)
    return city, alliance, pact


def test_a_roll_up_pools_every_level_below_the_parent_and_the_parents_own_students() -> None:
    city, alliance, pact = three_levels()
    students(city, graduated=1)
    students(alliance, graduated=1, in_training=1)
    students(pact, graduated=2)
    records = records_of(city.events + alliance.events + pact.events)
    top = rollup_figures(records, city.partnership_id, D)
    assert reading(top, "enrolled") == (Decimal(5), None, Decimal(5))
    assert reading(top, "graduates") == (Decimal(4), None, Decimal(4))
    assert reading(top, "completion_rate") == (Decimal(4), Decimal(4), Decimal(1))
    middle = rollup_figures(records, alliance.partnership_id, D)
    assert reading(middle, "enrolled") == (Decimal(4), None, Decimal(4))


def test_a_roll_up_has_the_class_split_of_every_class_it_pools() -> None:
    city, alliance, pact = three_levels()
    own = students(city, graduated=1)
    deepest = students(pact, graduated=2)
    top = rollup_figures(records_of(city.events + alliance.events + pact.events), city.partnership_id, D)
    assert reading(top, "enrolled", "class", own) == (Decimal(1), None, Decimal(1))
    assert reading(top, "enrolled", "class", deepest) == (Decimal(2), None, Decimal(2))
    assert reading(top, "classes_opened", "class", deepest) == (Decimal(1), None, Decimal(1))


def test_a_member_counts_in_the_roll_up_from_the_day_it_moves_under_the_parent() -> None:
    city, alliance, pact = three_levels()
    moved = Script()
    moved.sign()
    moved.emit(PartnershipAmended(parent_id=alliance.partnership_id), date(2025, 6, 1))
    students(moved, graduated=3)
    records = records_of(city.events + alliance.events + pact.events + moved.events)
    before = rollup_figures(records, city.partnership_id, AsOf.of(date(2025, 5, 31)))
    after = rollup_figures(records, city.partnership_id, AsOf.of(date(2025, 6, 1)))
    assert reading(before, "graduates")[2] == 0
    assert reading(after, "graduates")[2] == 3


def test_a_roll_up_with_no_member_yet_answers_empty_cells() -> None:
    alliance = Script()
    alliance.sign(kind="alliance")
    found = rollup_figures(records_of(alliance.events), alliance.partnership_id, D)
    assert reading(found, "employment_rate") == EMPTY
    assert reading(found, "starting_wage_median") == EMPTY
    assert reading(found, "enrolled") == (Decimal(0), None, Decimal(0))
    assert reading(found, "employment_rate", "poor_household", "true") == EMPTY


def test_every_cell_answers_every_metric_of_its_dimension() -> None:
    script = Script()
    script.sign()
    script.fund(1000, date(2024, 1, 1), date(2024, 12, 31))
    students(script, graduated=0, in_training=1)
    found = figures(records_of(script.events), D)
    by_cell: dict[tuple[str, str], set[str]] = {}
    for f in found:
        by_cell.setdefault((f.dimension, f.bucket), set()).add(f.metric)
    total = by_cell[("total", "")]
    costs = {"cost_per_graduate", "cost_per_placement"}
    class_level = {
        "classes_opened",
        "classes_open",
        "classes_closed",
        "seats",
        "fill_rate",
        "enterprise_teaching_share",
    }
    assert ("poor_household", "true") in by_cell  # nobody is poor: the cell is still answered, empty
    for (dimension, _), metrics in by_cell.items():
        if dimension == "funding_period":
            assert metrics == costs
        elif dimension in ("class", "programme", "cohort_year"):
            assert metrics == total - costs
        elif dimension != "total":
            assert metrics == total - costs - class_level, dimension
    assert reading(found, "starting_wage_median.east", "home_region", "Anshun") == EMPTY
    assert reading(found, "job_retention.365", "poor_household", "true") == EMPTY


def test_an_undecided_application_still_opens_its_home_region_cell() -> None:
    script = Script()
    script.sign()
    script.enrol(script.open_class(), "Qiannan", decision="waitlisted", enrol=False)
    found = figures(records_of(script.events), D)
    assert reading(found, "admission_rate", "home_region", "Qiannan") == EMPTY


def test_a_class_known_only_later_is_no_cell_of_an_earlier_day() -> None:
    script = Script()
    script.sign()
    class_id = script.open_class(opened_on=date(2025, 3, 1))
    early = figures(records_of(script.events), AsOf.of(date(2025, 2, 1)))
    assert not [f for f in early if f.dimension == "class"]
    assert [f for f in figures(records_of(script.events), D) if f.bucket == class_id.bytes.hex()]
