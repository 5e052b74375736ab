"""Hand-worked cases of the employment, retention, roll-up and target rules of DOMAIN.md."""

from datetime import date
from decimal import Decimal

from simulation import facts as f
from simulation.ground_truth import compute_truth
from simulation.ground_truth.numbers import Figure
from simulation.scenario import EventRetracted, Funding, Reparented, Target
from tests.unit.simulation.tiny import (
    GRADUATION,
    START,
    admitted_student,
    checked,
    days,
    graduated,
    key,
    placed,
    scenario,
    truth,
    withdrawn,
)

D = date(2026, 11, 23)


def test_employment_counts_starts_up_to_graduation_plus_180_days_and_further_study_only_in_employment():
    students = [
        admitted_student(graduated(), placed(days(GRADUATION, 180))),
        admitted_student(graduated(), placed(days(GRADUATION, 181))),
        admitted_student(graduated(), f.FurtherStudyEntered(key(), date(2024, 9, 1), "College", date(2024, 9, 1))),
        admitted_student(withdrawn(days(START, 100)), placed(days(START, 130))),  # a leaver's job counts nowhere
    ]
    result = truth(students)
    assert result.figure("p1", "employment_rate") == Figure(2, 3, Decimal("0.6667"))
    assert result.figure("p1", "direct_employment_rate") == Figure(1, 3, Decimal("0.3333"))
    assert result.figure("p1", "placements").value == 1


def test_further_study_that_starts_after_d_is_not_yet_true():
    study = f.FurtherStudyEntered(key(), date(2026, 11, 1), "College", date(2027, 3, 1))
    late_graduate = admitted_student(graduated(date(2026, 10, 1)), study)
    assert truth([late_graduate]).figure("p1", "employment_rate") == Figure(0, 1, Decimal("0.0000"))


def test_one_placement_per_graduate_is_the_earliest_that_was_not_retracted():
    wrong = placed(days(GRADUATION, 5), employer="other", wage=9000)
    first = placed(days(GRADUATION, 10), wage=4000)
    second = placed(days(GRADUATION, 100), employer="other", wage=7000)
    changer = admitted_student(
        graduated(),
        wrong,
        EventRetracted(key(), wrong.occurred_on, wrong.key, "mistake"),
        first,
        f.EmploymentEnded(key(), days(GRADUATION, 90), first.key, days(GRADUATION, 90)),
        second,
    )
    result = truth([changer])
    assert result.figure("p1", "placements").value == 1
    assert result.figure("p1", "starting_wage_median").value == Decimal("4000.0000")


def test_sponsor_or_partner_is_decided_by_credit_code_not_by_the_flag():
    students = [
        admitted_student(graduated(), placed(days(GRADUATION, 10), employer="sponsor", relation="other")),
        admitted_student(graduated(), placed(days(GRADUATION, 10), employer="partner", relation="other")),
        admitted_student(graduated(), placed(days(GRADUATION, 10), employer="other", relation="sponsor")),
    ]
    assert truth(students).figure("p1", "sponsor_placement_rate") == Figure(2, 3, Decimal("0.6667"))


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values_and_shares_split_by_location():
    wages = [(4000, "east"), (4100, "east"), (4300, "home_region"), (5000, "elsewhere")]
    students = [admitted_student(graduated(), placed(days(GRADUATION, 10), wage=w, location=loc)) for w, loc in wages]
    result = truth(students)
    assert result.figure("p1", "starting_wage_median") == Figure(None, 4, Decimal("4200.0000"))
    assert result.figure("p1", "starting_wage_median.east").value == Decimal("4050.0000")
    assert result.figure("p1", "placement_location_share.east") == Figure(2, 4, Decimal("0.5000"))


def test_retention_counts_passed_checkpoints_and_a_missing_check_is_not_employed():
    job = placed(date(2024, 9, 1))
    missing = placed(date(2024, 9, 1))
    recent = placed(date(2026, 10, 1))  # its 90 days have not passed
    students = [
        admitted_student(graduated(), job, checked(job, 90)),
        admitted_student(graduated(), missing),
        admitted_student(graduated(date(2026, 7, 1)), recent),
    ]
    assert truth(students).figure("p1", "job_retention.90") == Figure(1, 2, Decimal("0.5000"))


def test_conflicting_checks_are_won_by_stronger_evidence_then_by_the_latest_recorded():
    a, b = placed(date(2024, 9, 1)), placed(date(2024, 9, 1))
    stronger = admitted_student(
        graduated(),
        a,
        checked(a, 90, employed=False, evidence="social_insurance_record"),
        checked(a, 90, employed=True, evidence="employer_confirmation"),
    )
    latest = admitted_student(
        graduated(),
        b,
        checked(b, 90, employed=True, evidence="self_report"),
        checked(b, 90, employed=False, evidence="self_report"),
    )
    assert truth([stronger, latest]).figure("p1", "job_retention.90") == Figure(0, 2, Decimal("0.0000"))


def test_same_employer_retention_follows_every_later_checkpoint_up_to_k():
    job = placed(date(2024, 8, 1))
    changed_at_365 = admitted_student(
        graduated(), job, checked(job, 90), checked(job, 180), checked(job, 365, same=False)
    )
    other = placed(date(2024, 8, 1))
    lost_at_90 = admitted_student(graduated(), other, checked(other, 90, employed=False, same=False))
    result = truth([changed_at_365, lost_at_90])
    assert result.figure("p1", "same_employer_retention.180") == Figure(1, 1, Decimal("1.0000"))
    assert result.figure("p1", "same_employer_retention.365") == Figure(0, 1, Decimal("0.0000"))
    assert result.figure("p1", "job_retention.365") == Figure(1, 2, Decimal("0.5000"))


def test_households_lifted_counts_poor_graduates_employed_at_their_180_day_check():
    a, b, c = placed(date(2024, 8, 1)), placed(date(2024, 8, 1)), placed(date(2024, 8, 1))
    students = [
        admitted_student(graduated(), a, checked(a, 180), poor=True),
        admitted_student(graduated(), b, checked(b, 180, employed=False), poor=True),
        admitted_student(graduated(), c, checked(c, 180)),
    ]
    assert truth(students).figure("p1", "households_lifted").value == 1


def test_a_retracted_placement_takes_its_checks_with_it():
    job = placed(date(2024, 8, 1))
    student = admitted_student(
        graduated(), job, checked(job, 90), EventRetracted(key(), job.occurred_on, job.key, "wrong student")
    )
    result = truth([student])
    assert result.figure("p1", "placements").value == 0
    assert result.figure("p1", "job_retention.90") == Figure(0, 0, None)


def test_roll_ups_pool_students_and_never_average_medians():
    students = [
        admitted_student(graduated(), placed(days(GRADUATION, 10), wage=1000)),
        admitted_student(graduated(), placed(days(GRADUATION, 10), wage=3000)),
        admitted_student(graduated(), placed(days(GRADUATION, 10), wage=5000), cls="c3", partnership="p2"),
    ]
    result = truth(students)
    assert result.figure("p1", "starting_wage_median").value == Decimal("2000.0000")
    assert result.figure("prog", "starting_wage_median").value == Decimal("3000.0000")
    assert result.figure("prog", "classes_opened").value == 3
    assert result.partnerships["prog"].children == ("p1", "p2")


def test_roll_ups_use_the_parent_on_d():
    moving = scenario([admitted_student(cls="c3", partnership="p2")])
    moving.partnerships[2].parent = None
    moving.partnerships[2].amendments.append(Reparented("am", date(2024, 6, 1), "prog"))
    assert compute_truth(moving, date(2024, 5, 31)).figure("prog", "enrolled").value == 0
    assert compute_truth(moving, date(2024, 6, 1)).figure("prog", "enrolled").value == 1


def test_targets_take_the_latest_goal_are_met_inclusively_and_null_without_a_figure():
    built = scenario([admitted_student(graduated(), placed(days(GRADUATION, 10)))])
    built.partnerships[1].targets = [
        Target("t1", "employment_rate", "at_least", 0.5, date(2022, 1, 1)),
        Target("t2", "employment_rate", "at_least", 1.0, date(2023, 1, 1)),
        Target("t3", "same_employer_retention.365", "at_least", 0.5, date(2023, 1, 1)),
        Target("t4", "fill_rate", "at_most", 0.1, date(2023, 1, 1), class_key="c1"),
    ]
    targets = {t.metric: t for t in compute_truth(built, D).partnerships["p1"].targets}
    assert (targets["employment_rate"].goal, targets["employment_rate"].met) == (1.0, True)
    assert targets["same_employer_retention.365"].met is None
    assert targets["fill_rate"].met is True


def test_cost_per_outcome_divides_recorded_funding_by_graduates_and_placements():
    built = scenario([admitted_student(graduated(), placed(days(GRADUATION, 10))), admitted_student(graduated())])
    built.partnerships[1].funding = [
        Funding(
            "f1", Decimal(10000), "fiscal_poverty_alleviation", date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 1)
        ),
        Funding("f2", Decimal(5000), "enterprise", date(2027, 1, 1), date(2027, 12, 31), date(2027, 1, 5)),
    ]
    result = compute_truth(built, D)
    assert result.figure("p1", "cost_per_graduate") == Figure(Decimal(10000), 2, Decimal("5000.0000"))
    assert result.figure("p1", "cost_per_placement").value == Decimal("10000.0000")
