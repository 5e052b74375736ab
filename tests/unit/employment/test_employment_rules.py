from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.employment.domain import rules
from services.employment.domain import student as states
from services.employment.domain.partnership import Partner
from services.employment.domain.student import EmploymentStatus, Gate, Placement, Student, evolve, gate
from services.employment.domain.training import TrainingStatus
from shared.contracts.employment import ContractType, EmployerRelation, EmployerType, Location, OfferAccepted
from shared.errors import Conflict, IllegalTransition, InvalidFact

SPONSOR_CODE = "91440101MA59UQ6X1D"
PARTNER_CODE = "91520500MA6DLY8T23"


def student(training=TrainingStatus.GRADUATED, **changes) -> Student:
    return replace(Student(uuid4(), uuid4(), uuid4(), training, graduated_on=date(2025, 6, 30)), **changes)


def terms(code=SPONSOR_CODE, start_on=date(2025, 7, 1)) -> rules.PlacementTerms:
    return rules.PlacementTerms(
        employer_name="Guangzhou Baiyun Electric",
        employer_credit_code=code,
        employer_type=EmployerType.STATE_OWNED,
        location=Location.EAST,
        related_to_training=True,
        monthly_wage=Decimal("5200.00"),
        contract_type=ContractType.FIXED_TERM,
        social_insurance=True,
        start_on=start_on,
    )


EMPLOYERS = rules.Employers(SPONSOR_CODE, (Partner(uuid4(), PARTNER_CODE, date(2025, 1, 1)),))


def placed(s: Student, **kwargs):
    placement_id = uuid4()
    event = rules.place(s, placement_id, terms(**kwargs), EMPLOYERS, id_taken=False)
    return event, evolve(s, event)


def test_a_graduate_is_placed_and_the_relation_comes_from_the_credit_code():
    event, after = placed(student())
    assert event.relation is EmployerRelation.SPONSOR
    assert (after.employment, after.current_placement_id) == (EmploymentStatus.PLACED, event.placement_id)
    partner_event, _ = placed(student(), code=PARTNER_CODE)
    assert partner_event.relation is EmployerRelation.PARTNER


def test_facts_for_a_student_still_in_training_are_held():
    assert gate(student(TrainingStatus.ENROLLED)) is Gate.HOLD
    assert gate(student()) is Gate.APPLY


@pytest.mark.parametrize("training", [TrainingStatus.WITHDRAWN, TrainingStatus.CANCELLED])
def test_a_student_who_withdrew_or_whose_enrolment_was_cancelled_gets_no_job(training):
    with pytest.raises(IllegalTransition, match="count"):
        gate(student(training))
    with pytest.raises(IllegalTransition):
        rules.place(student(training), uuid4(), terms(), EMPLOYERS, id_taken=False)


def test_a_student_still_in_training_cannot_be_placed_directly():
    with pytest.raises(IllegalTransition, match="not graduated"):
        rules.place(student(TrainingStatus.ENROLLED), uuid4(), terms(), EMPLOYERS, id_taken=False)


def test_a_placed_student_takes_a_later_job_without_an_end_and_the_latest_job_is_current():
    first, placed_student = placed(student())
    second, moved_on = placed(placed_student, start_on=date(2025, 11, 1))
    assert (moved_on.employment, moved_on.current_placement_id) == (EmploymentStatus.PLACED, second.placement_id)
    placement = Placement(second.placement_id, moved_on.student_id, second.start_on)
    ended = rules.end_employment(placement, date(2025, 12, 31), "moved")
    free = evolve(moved_on, ended)
    assert (free.employment, free.last_job_ended_on) == (EmploymentStatus.NOT_WORKING, date(2025, 12, 31))
    third, again = placed(free, start_on=date(2025, 12, 1))
    assert again.current_placement_id == third.placement_id, "a job may start before the last one ended"


def test_a_placement_id_names_one_placement():
    with pytest.raises(Conflict, match="already recorded"):
        rules.place(student(), uuid4(), terms(), EMPLOYERS, id_taken=True)


def test_a_retracted_current_job_gives_way_to_the_latest_standing_one():
    first, working = placed(student())
    second, moved_on = placed(working, start_on=date(2025, 11, 1))
    open_first = Placement(first.placement_id, working.student_id, first.start_on)
    back = states.placement_retracted(moved_on, second.placement_id, open_first)
    assert (back.employment, back.current_placement_id) == (EmploymentStatus.PLACED, first.placement_id)
    ended_first = replace(open_first, ended_on=date(2025, 10, 31))
    free = states.placement_retracted(moved_on, second.placement_id, ended_first)
    assert (free.employment, free.current_placement_id) == (EmploymentStatus.NOT_WORKING, None)
    assert states.placement_retracted(moved_on, first.placement_id, None) == moved_on, "not the current job"


def test_a_placement_ends_once_and_not_before_it_started():
    placement = Placement(uuid4(), uuid4(), date(2025, 7, 1))
    with pytest.raises(InvalidFact):
        rules.end_employment(placement, date(2025, 6, 30), "")
    with pytest.raises(IllegalTransition, match="already ended"):
        rules.end_employment(replace(placement, ended_on=date(2025, 9, 1)), date(2025, 9, 2), "")


def test_further_study_is_for_a_graduate_who_is_not_working_and_not_studying():
    entered = rules.enter_further_study(student(), "Guangzhou Railway Polytechnic", date(2025, 9, 1))
    studying = evolve(student(), entered)
    assert studying.employment is EmploymentStatus.IN_FURTHER_STUDY
    with pytest.raises(IllegalTransition, match="already in further study"):
        rules.enter_further_study(studying, "Another college", date(2025, 9, 1))
    _, working = placed(student())
    with pytest.raises(IllegalTransition, match="EmploymentEnded"):
        rules.enter_further_study(working, "Another college", date(2025, 9, 1))
    event, placed_after_study = placed(studying)
    assert placed_after_study.current_placement_id == event.placement_id


def test_an_offer_is_answered_once_and_not_before_it_was_made():
    offer = rules.Offer(uuid4(), uuid4(), rules.OfferStatus.OFFERED, date(2025, 6, 20))
    assert isinstance(rules.answer_offer(offer, True, "", date(2025, 6, 21)), OfferAccepted)
    with pytest.raises(InvalidFact):
        rules.answer_offer(offer, False, "", date(2025, 6, 19))
    with pytest.raises(IllegalTransition, match="already accepted"):
        rules.answer_offer(replace(offer, status=rules.OfferStatus.ACCEPTED), False, "", date(2025, 6, 22))


def test_offers_are_for_graduates_only():
    with pytest.raises(IllegalTransition):
        rules.offer_job(student(TrainingStatus.ENROLLED), uuid4(), "Employer", SPONSOR_CODE, Decimal("5000"))


PLACEMENT = Placement(uuid4(), uuid4(), date(2025, 7, 1))


def answer(k=90, still=True, same=True) -> rules.RetentionAnswer:
    return rules.RetentionAnswer(k, still, same, Decimal("5400.00"))


def test_a_retention_check_is_at_one_of_the_partnership_check_points_on_or_after_its_date():
    check = rules.check_retention(PLACEMENT, (90, 180, 365), answer(90), date(2025, 9, 29))
    assert (check.checkpoint_days, check.still_employed) == (90, True)
    assert rules.due_on(date(2025, 7, 1), 90) == date(2025, 9, 29)
    with pytest.raises(InvalidFact, match="not a check-point"):
        rules.check_retention(PLACEMENT, (90, 180, 365), answer(120), date(2026, 1, 1))
    with pytest.raises(InvalidFact, match="falls on 2025-09-29"):
        rules.check_retention(PLACEMENT, (90, 180, 365), answer(90), date(2025, 9, 28))


def test_a_check_cannot_say_same_employer_without_being_employed():
    with pytest.raises(InvalidFact, match="same_employer"):
        rules.check_retention(PLACEMENT, (90,), answer(still=False, same=True), date(2025, 10, 1))


def test_a_check_that_contradicts_the_ending_is_still_recorded_for_the_evidence_rules_to_weigh():
    ended = replace(PLACEMENT, ended_on=date(2025, 8, 31))
    check = rules.check_retention(ended, (90,), answer(90, still=True, same=True), date(2025, 10, 1))
    assert (check.still_employed, check.same_employer) == (True, True)


def test_household_status_is_recorded_for_any_known_student_except_a_cancelled_one():
    assert rules.update_household(student(TrainingStatus.ENROLLED), False, "lifted").poor_household is False
    assert rules.update_household(student(TrainingStatus.WITHDRAWN), True, "").poor_household is True
    with pytest.raises(IllegalTransition):
        rules.update_household(student(TrainingStatus.CANCELLED), True, "")
