"""How often each turn of a student's story happens; the seed programme uses `REALISTIC`, tests use `EDGY`."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Mix:
    applicants_per_seat: float = 1.15
    rejected: float = 0.10
    waitlisted: float = 0.05
    cancelled: float = 0.025
    late_start: float = 0.08
    intent_signed: float = 0.8
    withdrawn_early: float = 0.035  # inside the 42-day qualifying period
    withdrawn_late: float = 0.045
    back_dated_withdrawal: float = 0.3  # of withdrawals: reported weeks after the last day
    restarted: float = 0.25  # of withdrawals
    break_taken: float = 0.06
    still_on_break: float = 0.3  # of breaks in classes still running
    transferred: float = 0.02
    overdue: float = 0.01  # still in training after the planned end
    excluded: float = 0.005
    exclusion_revoked: float = 0.25
    internship: float = 0.85
    internship_ended_early: float = 0.08
    certified: float = 0.88
    certificate_without_level: float = 0.25
    certificate_late: float = 0.02  # more than a year after graduation: does not count
    further_study: float = 0.04
    unplaced: float = 0.05
    placement_before_graduation: float = 0.08
    placement_outside_window: float = 0.04
    declined_offer: float = 0.25
    job_change: float = 0.14
    job_lost: float = 0.06
    check_missing: float = 0.08
    check_conflicting: float = 0.05
    wrong_relation_flag: float = 0.06
    placement_retracted: float = 0.015
    placement_corrected: float = 0.03
    certificate_corrected: float = 0.02
    certificate_retracted: float = 0.01
    application_corrected: float = 0.01
    household_before_start: float = 0.03
    household_lifted: float = 0.3
    reviews_per_year: float = 1.0
    hours_unverified: float = 0.05
    hours_reverified: float = 0.03
    hours_corrected: float = 0.01
    verification_retracted: float = 0.01


REALISTIC = Mix()

# Every turn often enough that ~150 students show each of them.
EDGY = replace(
    REALISTIC,
    rejected=0.15,
    waitlisted=0.12,
    cancelled=0.06,
    withdrawn_early=0.08,
    withdrawn_late=0.08,
    back_dated_withdrawal=0.5,
    restarted=0.35,
    break_taken=0.15,
    still_on_break=0.5,
    transferred=0.06,
    overdue=0.04,
    excluded=0.06,
    exclusion_revoked=0.5,
    internship_ended_early=0.2,
    certificate_without_level=0.4,
    certificate_late=0.08,
    further_study=0.15,
    unplaced=0.08,
    placement_before_graduation=0.12,
    placement_outside_window=0.08,
    declined_offer=0.35,
    job_change=0.25,
    job_lost=0.12,
    check_missing=0.15,
    check_conflicting=0.2,
    wrong_relation_flag=0.15,
    placement_retracted=0.08,
    placement_corrected=0.1,
    certificate_corrected=0.1,
    certificate_retracted=0.06,
    application_corrected=0.06,
    household_before_start=0.12,
    household_lifted=0.5,
    hours_unverified=0.12,
    hours_reverified=0.1,
    hours_corrected=0.06,
    verification_retracted=0.06,
)

# Scale runs keep the proportions but hold fewer progress reviews per student.
LEAN = replace(REALISTIC, reviews_per_year=0.5)
