"""Hand-worked cases of the rules issue 14 settled, in the ground truth's own code: both clocks, metric versions,
finality, cost per outcome by funding period, roll-ups at any depth with the parent's own scope, empty cells."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from simulation.ground_truth import compute_truth
from simulation.ground_truth.numbers import Figure
from simulation.recording import SHANGHAI
from simulation.scenario import EventCorrected, Funding, Partnership, Scenario
from tests.unit.simulation.tiny import (
    GRADUATION,
    START,
    admitted_student,
    days,
    graduated,
    klass,
    placed,
    scenario,
    withdrawn,
)
from tests.unit.simulation.tiny import (
    key as key_of,
)

D = date(2026, 11, 23)
EMPTY = Figure(0, 0, None)


def recorded(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def closed(built: Scenario, on: date = GRADUATION) -> Scenario:
    built.classes = [klass(c.key, c.partnership, c.programme, c.cohort_year, closed_on=on) for c in built.classes]
    return built


def funding(key: str, yuan: int, year: int) -> Funding:
    return Funding(
        key, Decimal(yuan), "fiscal_poverty_alleviation", date(year, 1, 1), date(year, 12, 31), date(year, 1, 5)
    )


def test_a_fact_counts_from_the_day_it_was_recorded_and_a_late_withdrawal_leaves_earlier_days_unchanged():
    late = withdrawn(days(START, 100))
    built = scenario([admitted_student(late)])
    built.recorded = {late.key: recorded(days(START, 140))}
    assert compute_truth(built, days(START, 120)).figure("p1", "active").value == 1
    assert compute_truth(built, days(START, 140)).figure("p1", "active").value == 0


def test_version_2_counts_jobs_within_365_days_of_graduation():
    built = scenario([admitted_student(graduated(), placed(days(GRADUATION, 300)))])
    assert compute_truth(built, D, version=1).figure("p1", "employment_rate") == Figure(0, 1, Decimal(0))
    assert compute_truth(built, D, version=2).figure("p1", "employment_rate") == Figure(1, 1, Decimal(1))


def test_wage_medians_and_location_shares_wait_for_the_employment_window_in_every_cell():
    built = closed(scenario([admitted_student(graduated(), placed(days(GRADUATION, 10)), poor=True)]))
    before, after = compute_truth(built, days(GRADUATION, 179)), compute_truth(built, days(GRADUATION, 180))
    for metric in ("starting_wage_median", "placement_location_share.east", "cost_per_graduate"):
        assert before.figure("p1", metric).final is False, metric
        assert after.figure("p1", metric).final is True, metric
    poor = before.partnerships["p1"].figures.breakdowns["poor_household"]
    assert poor["true"]["starting_wage_median"].final is False
    assert poor["false"]["starting_wage_median"].final is True  # nobody there: its window concerns nobody


def test_a_student_still_in_training_keeps_the_placement_figures_of_the_cell_provisional():
    built = closed(scenario([admitted_student(graduated(), placed(days(GRADUATION, 10))), admitted_student()]))
    assert compute_truth(built, D).figure("p1", "sponsor_placement_rate").final is False


def test_a_funding_period_counts_its_exit_cohort_and_those_of_them_placed():
    built = closed(
        scenario(
            [
                admitted_student(graduated(date(2024, 11, 1)), placed(date(2025, 1, 10))),
                admitted_student(graduated(date(2024, 12, 1))),
                admitted_student(graduated(date(2025, 1, 15)), placed(date(2025, 2, 1))),
            ]
        ),
        on=date(2025, 1, 20),
    )
    built.partnerships[1].funding = [funding("f1", 120000, 2024)]
    built.partnerships[1].corrections = [
        EventCorrected("f1.fix", date(2025, 3, 1), "f1", {"amount_yuan": "90000"}, "audit")
    ]
    result = compute_truth(built, D)
    period = result.partnerships["p1"].figures.breakdowns["funding_period"]["2024-01-01..2024-12-31"]
    assert period["cost_per_graduate"] == Figure(Decimal(90000), 2, Decimal(45000))
    assert period["cost_per_placement"] == Figure(Decimal(90000), 1, Decimal(90000))
    assert result.figure("p1", "cost_per_placement") == Figure(Decimal(90000), 2, Decimal(45000))
    before = compute_truth(built, date(2025, 2, 28)).figure("p1", "cost_per_graduate")
    assert before.numerator == Decimal(120000)


def three_levels() -> Scenario:
    """prog (a programme with a class of its own) over p1 over p3; p2 also under prog."""
    built = scenario(
        [
            admitted_student(graduated(), cls="c4", partnership="prog"),
            admitted_student(graduated()),
            admitted_student(graduated(), cls="c5", partnership="p3"),
        ]
    )
    built.partnerships.append(
        Partnership("p3", "Three", "partnership", date(2022, 1, 1), date(2022, 1, 1), parent="p1")
    )
    built.classes += [klass("c4", partnership="prog"), klass("c5", partnership="p3", programme="g3")]
    return built


def test_a_roll_up_pools_every_level_below_it_and_its_own_classes_with_the_class_split():
    result = compute_truth(three_levels(), D)
    assert result.figure("prog", "graduates").value == 3
    assert result.figure("prog", "classes_opened").value == 5
    assert result.figure("p1", "graduates").value == 2
    assert result.partnerships["prog"].children == ("p1", "p2", "p3")
    assert set(result.partnerships["prog"].figures.breakdowns["class"]) == {"c1", "c2", "c3", "c4", "c5"}


def test_every_cell_answers_every_metric_and_empty_ones_read_zero_zero_null():
    result = compute_truth(scenario([admitted_student(home="Anshun")]), D)
    figures = result.partnerships["p1"].figures
    assert figures.breakdowns["poor_household"]["true"]["employment_rate"] == EMPTY
    assert figures.breakdowns["home_region"]["Anshun"]["starting_wage_median.east"] == EMPTY
    total = set(figures.total)
    costs = {"cost_per_graduate", "cost_per_placement"}
    assert set(figures.breakdowns["class"]["c1"]) == total - costs
    assert "fill_rate" not in figures.breakdowns["home_region"]["Anshun"]


def test_a_student_moved_to_another_partnership_counts_there_from_the_first_day_and_applied_where_applied():
    from simulation import facts as f

    move = f.TransferredToClass(key_of(), days(START, 60), "c1", "c3", days(START, 60))
    built = scenario([admitted_student(move)])
    before, after = compute_truth(built, days(START, 59)), compute_truth(built, days(START, 60))
    assert (before.figure("p1", "enrolled").value, before.figure("p2", "enrolled").value) == (1, 0)
    assert (after.figure("p1", "enrolled").value, after.figure("p2", "enrolled").value) == (0, 1)
    assert after.figure("p1", "admission_rate") == Figure(1, 1, Decimal(1))
