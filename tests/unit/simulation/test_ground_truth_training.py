"""Hand-worked cases of the recruitment and training rules of DOMAIN.md, checked against the ground truth."""

from datetime import date
from decimal import Decimal

from simulation import facts as f
from simulation.ground_truth.numbers import Figure, half_up, rate
from simulation.scenario import EventCorrected, ExclusionApplied, ExclusionRevoked
from tests.unit.simulation.tiny import (
    GRADUATION,
    START,
    admitted_student,
    applied,
    days,
    decided,
    enrolled,
    graduated,
    key,
    student,
    truth,
    withdrawn,
)

D = date(2026, 11, 23)


def total(students, metric, as_of=D, partnership="p1"):
    return truth(students, as_of).figure(partnership, metric)


def test_rates_round_half_up_to_four_places_and_are_null_without_a_denominator():
    assert rate(1, 3).value == Decimal("0.3333")
    assert rate(2, 3).value == Decimal("0.6667")
    assert rate(1, 32).value == Decimal("0.0313")  # banker's rounding would give 0.0312
    assert half_up(Decimal("0.00005")) == Decimal("0.0001")
    assert rate(0, 0) == Figure(0, 0, None)


def test_admission_counts_applications_by_their_latest_decision_and_waitlisted_is_undecided():
    students = [
        admitted_student(),
        student(applied(), decided("rejected")),
        student(applied(), decided("waitlisted")),
        student(applied(), decided("waitlisted"), decided("admitted", on=days(START, -10))),
        admitted_student(f.EnrollmentCancelled(key(), days(START, -2), "changed her mind")),
    ]
    assert total(students, "admission_rate") == Figure(3, 4, Decimal("0.7500"))


def test_a_cancelled_enrolment_counts_nowhere_but_its_application_stays_admitted():
    cancelled = admitted_student(f.EnrollmentCancelled(key(), days(START, 3), "did not come"))
    result = truth([cancelled, admitted_student()])
    assert result.figure("p1", "enrolled").value == 1
    assert result.figure("p1", "admission_rate").value == Decimal("1.0000")


def test_a_withdrawal_inside_the_qualifying_period_leaves_retention_and_completion_but_stays_enrolled():
    inside = admitted_student(withdrawn(days(START, 40)))  # 41 days in learning
    on_day_42 = admitted_student(withdrawn(days(START, 41)))  # day 42 completes the period
    graduate = admitted_student(graduated())
    result = truth([inside, on_day_42, graduate])
    assert result.figure("p1", "enrolled").value == 3
    assert result.figure("p1", "retention_in_training") == Figure(1, 2, Decimal("0.5000"))
    assert result.figure("p1", "completion_rate") == Figure(1, 2, Decimal("0.5000"))
    assert result.figure("p1", "fill_rate") == Figure(3, 20, Decimal("0.1500"))


def test_break_days_do_not_count_towards_the_qualifying_period():
    # In learning 1..10 Sep, on a break 11..20 Sep (it ends on the 21st), back 21 Sep..11 Oct: 10 + 21 = 31 days.
    left = admitted_student(
        f.BreakStarted(key(), days(START, 10), days(START, 10)),
        f.BreakEnded(key(), days(START, 20), days(START, 20)),
        withdrawn(days(START, 40)),
    )
    assert total([left, admitted_student(graduated())], "retention_in_training").denominator == 1


def test_the_qualifying_period_does_not_apply_to_a_restarted_period():
    restarted = admitted_student(
        withdrawn(days(START, 10)),
        f.Restarted(key(), days(START, 60), "c1", days(START, 60)),
        withdrawn(days(START, 70)),
    )
    back = admitted_student(withdrawn(days(START, 10)), f.Restarted(key(), days(START, 60), "c1", days(START, 60)))
    result = truth([restarted, back])
    assert result.figure("p1", "retention_in_training") == Figure(1, 2, Decimal("0.5000"))
    assert result.figure("p1", "completion_rate") == Figure(0, 1, Decimal("0.0000"))
    assert result.figure("p1", "active").value == 1


def test_active_and_on_break_follow_the_break_dates_and_nobody_leaves_at_the_planned_end():
    on_break = admitted_student(
        f.BreakStarted(key(), date(2024, 3, 1), date(2024, 3, 1)),
        f.BreakEnded(key(), date(2024, 4, 1), date(2024, 4, 1)),
    )
    assert total([on_break], "on_break", date(2024, 3, 1)).value == 1
    assert total([on_break], "on_break", date(2024, 3, 31)).value == 1
    assert total([on_break], "active", date(2024, 4, 1)).value == 1
    assert total([on_break], "enrolled_now", D).value == 1  # still active long after the planned end


def test_withdrawn_counts_from_the_day_after_the_last_day_and_a_late_report_leaves_earlier_days_unchanged():
    late = admitted_student(withdrawn(date(2024, 1, 10), reported=date(2024, 2, 20)))
    assert total([late], "active", date(2024, 1, 10)).value == 1
    assert total([late], "active", date(2024, 2, 1)).value == 1  # not known until the school reported it
    assert total([late], "active", date(2024, 2, 20)).value == 0


def test_a_transfer_moves_the_student_to_the_new_class_from_its_first_day():
    moved = admitted_student(f.TransferredToClass(key(), date(2024, 1, 5), "c1", "c2", date(2024, 1, 10)))
    before = truth([moved], date(2024, 1, 9)).partnerships["p1"].figures.breakdowns["class"]
    after = truth([moved], date(2024, 1, 10)).partnerships["p1"].figures.breakdowns["class"]
    assert before["c1"]["enrolled"].value == 1
    assert before["c2"]["enrolled"].value == 0
    assert after["c1"]["enrolled"].value == 0
    assert after["c2"]["enrolled"].value == 1


def test_poor_status_is_the_one_at_first_start_even_when_the_update_was_recorded_later():
    corrected_before = admitted_student(graduated(), f.HouseholdStatusUpdated(key(), days(START, -3), True))
    lifted_after = admitted_student(graduated(), f.HouseholdStatusUpdated(key(), days(START, 90), False), poor=True)
    result = truth([corrected_before, lifted_after])
    assert result.figure("p1", "poor_household_share") == Figure(2, 2, Decimal("1.0000"))
    assert set(result.partnerships["p1"].figures.breakdowns["poor_household"]) == {"true", "false"}


def test_an_exclusion_leaves_outcomes_but_not_enrolment_and_revoking_restores_the_student():
    excluded = admitted_student(withdrawn(days(START, 100)), ExclusionApplied(key(), date(2024, 3, 1), "death"))
    revoked = admitted_student(
        withdrawn(days(START, 100)),
        ExclusionApplied(key(), date(2024, 3, 1), "long_illness"),
        ExclusionRevoked(key(), date(2024, 4, 1), "wrong student"),
    )
    result = truth([excluded, revoked, admitted_student(graduated())])
    assert result.figure("p1", "enrolled").value == 3
    assert result.figure("p1", "completion_rate") == Figure(1, 2, Decimal("0.5000"))


def test_certification_needs_a_level_awarded_by_graduation_plus_365_days_and_follows_corrections():
    def certificate(level, on):
        return f.CertificateAwarded(key(), on, "Welder", level, "Bureau", on)

    plain = certificate(None, days(GRADUATION, -10))
    students = [
        admitted_student(graduated(), certificate("Level 4", days(GRADUATION, 365))),
        admitted_student(graduated(), certificate("Level 4", days(GRADUATION, 366))),
        admitted_student(
            graduated(), plain, EventCorrected(key(), plain.occurred_on, plain.key, {"level": "Level 5"}, "left out")
        ),
        admitted_student(graduated(), certificate(None, days(GRADUATION, -10))),
    ]
    assert total(students, "certification_rate") == Figure(2, 4, Decimal("0.5000"))


def test_an_internship_counts_when_completed_and_started_before_graduation():
    def internship(start, outcome):
        started = f.InternshipStarted(key(), start, "sponsor", True, Decimal(2000), start)
        return started, f.InternshipEnded(key(), days(start, 30), started.key, outcome, days(start, 30))

    students = [
        admitted_student(*internship(days(GRADUATION, -60), "completed"), graduated()),
        admitted_student(*internship(days(GRADUATION, -60), "ended_early"), graduated()),
        admitted_student(graduated()),
    ]
    assert total(students, "internship_rate") == Figure(1, 3, Decimal("0.3333"))


def test_a_corrected_home_region_moves_the_application_and_the_student():
    wrong = applied(home="Zunyi")
    fixed = student(
        wrong,
        decided(),
        enrolled(),
        EventCorrected(key(), wrong.occurred_on, wrong.key, {"home_region": "Bijie"}, "typo"),
    )
    regions = truth([fixed]).partnerships["p1"].figures.breakdowns["home_region"]
    assert set(regions) == {"Bijie"}
