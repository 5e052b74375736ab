"""DOMAIN.md finality: a figure is final when every class in scope is closed, no counted student is in training, and
every member the figure counts has passed its window; a cell whose window concerns nobody is final."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, rollup_figures
from shared.contracts.training import Withdrawn
from tests.unit.assessment.builders import Script, records_of

G = date(2025, 1, 15)  # graduation; G + 180 = 2025-07-14


def cell(found: list[Figure], metric: str, dimension: str = "total", bucket: str = "") -> Figure:
    [match] = [f for f in found if f.metric == metric and f.dimension == dimension and f.bucket == bucket]
    return match


def one_placed_graduate(*, poor: bool = False) -> Script:
    script = Script()
    script.sign()
    class_id = script.open_class()
    student = script.enrol(class_id, "Bijie", poor=poor)
    script.graduate(student, G)
    script.place(student, date(2025, 2, 1), code="X", wage=4000, location="east")
    script.close(class_id, date(2025, 1, 20))
    return script


def test_wage_medians_and_location_shares_wait_for_the_employment_window_in_every_cell() -> None:
    records = records_of(one_placed_graduate(poor=True).events)
    before = figures(records, AsOf.of(date(2025, 7, 13)))
    after = figures(records, AsOf.of(date(2025, 7, 14)))
    for metric in ("starting_wage_median", "starting_wage_median.east", "placement_location_share.east"):
        for dimension, bucket in (("total", ""), ("poor_household", "true"), ("home_region", "Bijie")):
            assert not cell(before, metric, dimension, bucket).final, (metric, dimension)
            assert cell(after, metric, dimension, bucket).final, (metric, dimension)


def test_version_2_waits_for_its_own_365_day_window() -> None:
    records = records_of(one_placed_graduate().events)
    assert not cell(figures(records, AsOf.of(date(2026, 1, 14)), 2), "starting_wage_median").final
    assert cell(figures(records, AsOf.of(date(2026, 1, 15)), 2), "starting_wage_median").final


def test_a_cell_whose_window_concerns_nobody_is_final() -> None:
    script = Script()
    script.sign()
    class_id = script.open_class()
    graduate = script.enrol(class_id, "Bijie", poor=False)
    leaver = script.enrol(class_id, "Anshun", poor=True)
    script.graduate(graduate, G)
    script.place(graduate, date(2025, 2, 1), code="X", wage=4000)
    script.emit(Withdrawn(last_day=date(2024, 6, 30), reason="family"), date(2024, 6, 30), student=leaver)
    script.close(class_id, date(2025, 1, 20))
    found = figures(records_of(script.events), AsOf.of(date(2025, 3, 1)))
    for metric in ("employment_rate", "starting_wage_median", "placement_location_share.east", "job_retention.90"):
        assert not cell(found, metric).final, metric
        assert cell(found, metric, "poor_household", "true").final, metric
        assert cell(found, metric, "home_region", "Anshun").final, metric
    assert cell(found, "households_lifted").final  # it counts poor graduates only, and there is none


def test_placement_figures_stay_provisional_while_a_student_of_the_cell_is_in_training() -> None:
    script = Script()
    script.sign()
    class_id = script.open_class()
    graduate = script.enrol(class_id, "Bijie")
    script.enrol(class_id, "Bijie")  # never leaves: nobody leaves automatically at the planned end
    script.graduate(graduate, G)
    script.place(graduate, date(2025, 2, 1), code="S", wage=4000)
    script.close(class_id, date(2025, 1, 20))
    found = figures(records_of(script.events), AsOf.of(date(2027, 1, 1)))
    for metric in ("sponsor_placement_rate", "major_matched_rate", "starting_wage_median", "job_retention.365"):
        assert not cell(found, metric).final, metric
        assert not cell(found, metric, "home_region", "Bijie").final, metric


def test_cost_figures_wait_for_the_employment_window_of_the_graduates() -> None:
    script = one_placed_graduate()
    script.fund(90000, date(2025, 1, 1), date(2025, 12, 31))
    records = records_of(script.events)
    before = figures(records, AsOf.of(date(2025, 7, 13)))
    after = figures(records, AsOf.of(date(2025, 7, 14)))
    period = ("funding_period", "2025-01-01..2025-12-31")
    for metric in ("cost_per_graduate", "cost_per_placement"):
        assert not cell(before, metric).final, metric
        assert not cell(before, metric, *period).final, metric
        assert cell(after, metric).final, metric
        assert cell(after, metric, *period).final, metric


def test_a_funding_period_cell_waits_while_a_student_may_still_graduate_into_it() -> None:
    script = one_placed_graduate()
    script.fund(90000, date(2026, 1, 1), date(2026, 12, 31))
    late = script.enrol(script.open_class(opened_on=date(2025, 9, 1)), "Bijie", start=date(2025, 9, 1))
    records = records_of(script.events)
    period = ("funding_period", "2026-01-01..2026-12-31")
    assert not cell(figures(records, AsOf.of(date(2026, 3, 1))), "cost_per_graduate", *period).final
    assert late


def test_a_parent_whose_member_has_no_class_yet_is_final_once_every_window_has_passed() -> None:
    parent = uuid4()
    settled, empty = one_placed_graduate(), Script()
    settled.events.insert(0, settled.sign(parent=parent))
    empty.sign(parent=parent)
    records = records_of(settled.events + empty.events)
    as_of = AsOf.of(date(2027, 1, 1))
    rolled = rollup_figures(records, parent, as_of)
    assert all(f.final for f in rolled), [f.metric for f in rolled if not f.final]
    assert all(f.final for f in figures(records_of(empty.events), as_of))
