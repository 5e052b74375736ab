from dataclasses import replace
from datetime import date
from uuid import uuid4

from services.employment.domain.facts import effective
from services.employment.domain.training import Reaction, TrainingStatus, fold_training, reaction
from shared.contracts.recruitment import EnrollmentCancelled, StudentEnrolled
from shared.contracts.training import Graduated, Restarted, TransferredToClass, Withdrawn
from tests.unit.employment.facts import correction_of, fact, retraction_of

PARTNERSHIP, CLASS, OTHER_CLASS, STUDENT = uuid4(), uuid4(), uuid4(), uuid4()


def _fact(payload, **kwargs):
    return fact(
        payload, partnership_id=PARTNERSHIP, student_id=STUDENT, class_id=kwargs.pop("class_id", CLASS), **kwargs
    )


def enrolled():
    return _fact(StudentEnrolled(application_id=uuid4(), start_on=date(2025, 3, 1), planned_end_on=date(2025, 6, 30)))


def graduated(day=date(2025, 6, 30)):
    return _fact(Graduated(graduated_on=day))


def withdrawn(day=date(2025, 4, 10)):
    return _fact(Withdrawn(last_day=day, reason="family"))


def test_an_enrolled_student_is_in_training_in_the_class_of_the_enrolment():
    record = fold_training(effective([enrolled()]))
    assert record is not None
    assert (record.status, record.class_id, record.partnership_id) == (TrainingStatus.ENROLLED, CLASS, PARTNERSHIP)


def test_a_graduation_makes_the_student_a_graduate_on_its_date():
    record = fold_training(effective([enrolled(), graduated(date(2025, 7, 2))]))
    assert record is not None
    assert (record.status, record.graduated_on) == (TrainingStatus.GRADUATED, date(2025, 7, 2))


def test_an_enrolment_arriving_after_the_graduation_does_not_undo_it():
    record = fold_training(effective([graduated(), enrolled()]))
    assert record is not None
    assert record.status is TrainingStatus.GRADUATED


def test_a_graduation_alone_is_enough_to_know_the_student():
    record = fold_training(effective([graduated()]))
    assert record is not None
    assert (record.status, record.class_id) == (TrainingStatus.GRADUATED, CLASS)


def test_a_withdrawal_then_a_restart_puts_the_student_back_in_training_in_the_new_class():
    facts = [enrolled(), withdrawn(), _fact(Restarted(start_on=date(2025, 9, 1)), class_id=OTHER_CLASS)]
    record = fold_training(effective(facts))
    assert record is not None
    assert (record.status, record.class_id, record.withdrawn_last_day) == (TrainingStatus.ENROLLED, OTHER_CLASS, None)


def test_a_transfer_moves_the_student_to_the_new_class():
    facts = [enrolled()]
    facts.append(_fact(TransferredToClass(from_class_id=CLASS, to_class_id=OTHER_CLASS, start_on=date(2025, 4, 1))))
    record = fold_training(effective(facts))
    assert record is not None
    assert record.class_id == OTHER_CLASS


def test_a_cancelled_enrolment_counts_nowhere_even_after_a_graduation():
    record = fold_training(effective([enrolled(), graduated(), _fact(EnrollmentCancelled(reason="duplicate"))]))
    assert record is not None
    assert record.status is TrainingStatus.CANCELLED


def test_a_retracted_graduation_puts_the_student_back_in_training():
    graduation = graduated()
    record = fold_training(effective([enrolled(), graduation, retraction_of(graduation)]))
    assert record is not None
    assert (record.status, record.graduated_on) == (TrainingStatus.ENROLLED, None)


def test_a_retracted_withdrawal_no_longer_counts():
    withdrawal = withdrawn()
    record = fold_training(effective([enrolled(), withdrawal, retraction_of(withdrawal), graduated()]))
    assert record is not None
    assert record.status is TrainingStatus.GRADUATED


def test_a_retraction_that_overtakes_its_target_still_removes_it():
    enrolment, graduation = enrolled(), graduated()
    retraction = retraction_of(graduation)
    arrived_first = replace(retraction, seq=graduation.seq - 1)
    record = fold_training(effective([enrolment, arrived_first, graduation]))
    assert record is not None
    assert record.status is TrainingStatus.ENROLLED


def test_a_corrected_graduation_date_applies_and_the_last_correction_wins():
    graduation = graduated(date(2025, 6, 30))
    facts = [enrolled(), graduation, correction_of(graduation, graduated_on="2025-07-05")]
    facts.append(correction_of(graduation, graduated_on="2025-07-06"))
    record = fold_training(effective(facts))
    assert record is not None
    assert record.graduated_on == date(2025, 7, 6)


def test_a_retracted_correction_leaves_the_original_value():
    graduation = graduated(date(2025, 6, 30))
    correction = correction_of(graduation, graduated_on="2025-07-05")
    record = fold_training(effective([enrolled(), graduation, correction, retraction_of(correction)]))
    assert record is not None
    assert record.graduated_on == date(2025, 6, 30)


def test_no_student_fact_left_means_nothing_is_known():
    enrolment = enrolled()
    assert fold_training(effective([enrolment, retraction_of(enrolment)])) is None


def test_a_graduation_releases_held_facts_and_a_withdrawal_or_cancellation_rejects_them():
    assert reaction(TrainingStatus.ENROLLED, TrainingStatus.GRADUATED) is Reaction.APPLY_HELD
    assert reaction(None, TrainingStatus.GRADUATED) is Reaction.APPLY_HELD
    assert reaction(TrainingStatus.ENROLLED, TrainingStatus.WITHDRAWN) is Reaction.REJECT_HELD
    assert reaction(TrainingStatus.ENROLLED, TrainingStatus.CANCELLED) is Reaction.REJECT_HELD
    assert reaction(TrainingStatus.GRADUATED, TrainingStatus.GRADUATED) is Reaction.NONE
    assert reaction(TrainingStatus.WITHDRAWN, TrainingStatus.ENROLLED) is Reaction.NONE


def test_a_transfer_to_a_class_of_another_partnership_moves_the_student_to_that_partnership():
    elsewhere, enrolment = uuid4(), enrolled()
    moved = TransferredToClass(from_class_id=CLASS, to_class_id=OTHER_CLASS, start_on=date(2025, 4, 1))
    transfer = fact(moved, partnership_id=elsewhere, student_id=STUDENT, class_id=OTHER_CLASS)
    record = fold_training(effective([enrolment, transfer, graduated()]))
    assert record is not None
    assert (record.partnership_id, record.class_id, record.status) == (elsewhere, OTHER_CLASS, TrainingStatus.GRADUATED)


def test_a_restart_in_a_class_of_another_partnership_moves_the_student_to_that_partnership():
    elsewhere, enrolment, withdrawal = uuid4(), enrolled(), withdrawn()
    restart = fact(
        Restarted(start_on=date(2025, 9, 1)), partnership_id=elsewhere, student_id=STUDENT, class_id=OTHER_CLASS
    )
    record = fold_training(effective([enrolment, withdrawal, restart]))
    assert record is not None
    assert (record.partnership_id, record.class_id, record.status) == (elsewhere, OTHER_CLASS, TrainingStatus.ENROLLED)


def test_facts_from_two_partnerships_count_in_the_order_they_happened_not_the_order_they_arrived():
    """The old and the new partnership's events travel on different partitions, so they may arrive out of order."""
    elsewhere, day, enrolment = uuid4(), date(2025, 4, 10), enrolled()
    enrolment = replace(enrolment, occurred_on=date(2025, 3, 1))
    left = fact(
        Withdrawn(last_day=day, reason="family"), partnership_id=PARTNERSHIP, student_id=STUDENT, occurred_on=day
    )
    back = fact(Restarted(start_on=date(2025, 5, 1)), partnership_id=PARTNERSHIP, student_id=STUDENT, class_id=CLASS)
    back = replace(back, occurred_on=date(2025, 5, 1))
    moved = TransferredToClass(from_class_id=CLASS, to_class_id=OTHER_CLASS, start_on=date(2025, 6, 2))
    transfer = fact(
        moved, partnership_id=elsewhere, student_id=STUDENT, class_id=OTHER_CLASS, occurred_on=moved.start_on
    )
    graduation = fact(
        Graduated(graduated_on=date(2025, 12, 19)),
        partnership_id=elsewhere,
        student_id=STUDENT,
        class_id=OTHER_CLASS,
        occurred_on=date(2025, 12, 19),
    )
    arrived = [replace(f, seq=n) for n, f in enumerate([enrolment, transfer, graduation, left, back])]
    record = fold_training(effective(arrived))
    assert record is not None
    assert (record.status, record.partnership_id, record.class_id) == (TrainingStatus.GRADUATED, elsewhere, OTHER_CLASS)
