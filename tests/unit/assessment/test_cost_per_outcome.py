"""DOMAIN.md cost per outcome: all funding of the scope (corrections applied) ÷ its graduates and ÷ its placements;
by funding period: that period's funding ÷ the graduates whose graduation falls in it, and ÷ those of them placed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, rollup_figures
from shared.contracts.corrections import EventCorrected
from tests.unit.assessment.builders import Script, records_of

P2024 = ("funding_period", "2024-01-01..2024-12-31")
P2025 = ("funding_period", "2025-01-01..2025-12-31")
D = AsOf.of(date(2026, 6, 30))


def reading(found: list[Figure], metric: str, dimension: str = "total", bucket: str = "") -> tuple:
    [f] = [f for f in found if f.metric == metric and f.dimension == dimension and f.bucket == bucket]
    return f.numerator, f.denominator, f.value


def graduates(script: Script, class_id: UUID, exits: list[tuple[date, date | None]]) -> None:
    """One graduate per (graduation day, job start or None)."""
    for graduated_on, job in exits:
        student = script.enrol(class_id, "Bijie")
        script.graduate(student, graduated_on)
        if job is not None:
            script.place(student, job, code="X", wage=4000)


def test_a_funding_period_counts_its_exit_cohort_and_those_of_them_placed_whenever_the_job_starts() -> None:
    script = Script()
    script.sign()
    class_id = script.open_class()
    script.fund(120000, date(2024, 1, 1), date(2024, 12, 31))
    graduates(
        script,
        class_id,
        [(date(2024, 11, 1), date(2025, 1, 10)), (date(2024, 12, 1), None), (date(2025, 1, 15), date(2025, 2, 1))],
    )
    found = figures(records_of(script.events), D)
    assert reading(found, "cost_per_graduate", *P2024) == (Decimal(120000), Decimal(2), Decimal(60000))
    assert reading(found, "cost_per_placement", *P2024) == (Decimal(120000), Decimal(1), Decimal(120000))
    assert reading(found, "cost_per_graduate") == (Decimal(120000), Decimal(3), Decimal(40000))
    assert reading(found, "cost_per_placement") == (Decimal(120000), Decimal(2), Decimal(60000))


def test_cost_figures_have_no_class_programme_home_region_cohort_or_poor_household_split() -> None:
    script = Script()
    script.sign()
    class_id = script.open_class()
    script.fund(120000, date(2024, 1, 1), date(2024, 12, 31))
    graduates(script, class_id, [(date(2024, 11, 1), None)])
    found = figures(records_of(script.events), D)
    dimensions = {f.dimension for f in found if f.metric.startswith("cost_per_")}
    assert dimensions == {"total", "funding_period"}
    assert {f.metric for f in found if f.dimension == "funding_period"} == {"cost_per_graduate", "cost_per_placement"}


def test_a_roll_up_pools_funding_including_its_own_and_counts_every_graduate_of_the_period() -> None:
    parent, child = Script(), Script()
    parent.sign(kind="alliance")
    child.sign(parent=parent.partnership_id)
    parent.fund(60000, date(2024, 1, 1), date(2024, 12, 31))
    child.fund(30000, date(2025, 1, 1), date(2025, 12, 31))
    graduates(
        child, child.open_class(), [(date(2024, 11, 1), None), (date(2024, 12, 1), None), (date(2025, 3, 1), None)]
    )
    found = rollup_figures(records_of(parent.events + child.events), parent.partnership_id, D)
    assert reading(found, "cost_per_graduate", *P2024) == (Decimal(60000), Decimal(2), Decimal(30000))
    assert reading(found, "cost_per_graduate", *P2025) == (Decimal(30000), Decimal(1), Decimal(30000))
    assert reading(found, "cost_per_graduate") == (Decimal(90000), Decimal(3), Decimal(30000))
    assert reading(found, "cost_per_placement") == (Decimal(90000), Decimal(0), None)


def test_a_funding_correction_changes_the_amount_from_when_it_is_recorded() -> None:
    script = Script()
    script.sign()
    recorded = script.fund(100000, date(2024, 1, 1), date(2024, 12, 31))
    script.emit(
        EventCorrected(fields={"amount_yuan": "80000.00"}, reason="audit"), date(2025, 3, 1), supersedes=recorded.id
    )
    graduates(script, script.open_class(), [(date(2024, 11, 1), None)])
    records = records_of(script.events)
    assert reading(figures(records, AsOf.of(date(2025, 2, 1))), "cost_per_graduate")[0] == Decimal(100000)
    assert reading(figures(records, D), "cost_per_graduate")[0] == Decimal(80000)
    assert reading(figures(records, D), "cost_per_graduate", *P2024)[0] == Decimal(80000)


def test_funding_recorded_later_counts_only_from_its_recording() -> None:
    script = Script()
    script.sign()
    script.fund(100000, date(2024, 1, 1), date(2024, 12, 31), on=date(2025, 6, 1))
    graduates(script, script.open_class(), [(date(2024, 11, 1), None)])
    records = records_of(script.events)
    assert not [f for f in figures(records, AsOf.of(date(2025, 5, 1))) if f.dimension == "funding_period"]
    assert reading(figures(records, D), "cost_per_graduate", *P2024)[2] == Decimal(100000)
