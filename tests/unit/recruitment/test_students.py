from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from services.recruitment.domain import students as rules
from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact
from services.recruitment.domain.students import Phase
from shared.contracts.partnership import PartyRole
from shared.contracts.recruitment import ApplicationSubmitted, Decision, PoorHouseholdVerification
from tests.unit.recruitment.builders import DAY, application, decided, enrolment, ordered_class, party

START, END = date(2025, 9, 1), date(2027, 6, 30)


def submitted(application_id: UUID) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=application_id,
        home_region="Bijie",
        poor_household=True,
        poor_household_verified_by=PoorHouseholdVerification.POVERTY_REGISTRY,
        prior_education="junior secondary",
        channel="fair",
    )


def test_an_application_without_a_decision_is_undecided() -> None:
    assert application().phase is Phase.UNDECIDED


def test_the_latest_decision_by_business_date_wins_even_if_recorded_earlier() -> None:
    later_business_date = decided(Decision.ADMITTED, date(2025, 3, 5), datetime(2025, 3, 5, tzinfo=UTC))
    back_dated = decided(Decision.REJECTED, date(2025, 3, 2), datetime(2025, 3, 9, tzinfo=UTC))
    assert application(later_business_date, back_dated).phase is Phase.ADMITTED


def test_on_the_same_business_date_the_later_recorded_decision_wins() -> None:
    first = decided(Decision.WAITLISTED, DAY, datetime(2025, 3, 1, 9, tzinfo=UTC))
    second = decided(Decision.ADMITTED, DAY, datetime(2025, 3, 1, 10, tzinfo=UTC))
    assert application(second, first).phase is Phase.ADMITTED


def test_ties_in_date_and_time_are_broken_by_event_id() -> None:
    at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    low = decided(Decision.REJECTED, DAY, at, UUID(int=1))
    high = decided(Decision.ADMITTED, DAY, at, UUID(int=2))
    assert application(high, low).phase is Phase.ADMITTED


def test_a_second_open_application_to_the_same_class_is_a_duplicate() -> None:
    klass = ordered_class()
    earlier = application(klass=klass)
    with pytest.raises(DuplicateFact, match="already has application"):
        rules.submit(klass, [earlier], submitted(earlier.application_id), DAY)


def test_a_rejected_applicant_may_apply_again() -> None:
    klass = ordered_class()
    earlier = application(decided(Decision.REJECTED), klass=klass)
    assert rules.submit(klass, [earlier], submitted(earlier.application_id), DAY)


def test_no_one_applies_to_a_closed_class() -> None:
    klass = ordered_class(closed_on=DAY)
    with pytest.raises(IllegalMove, match="closed"):
        rules.submit(klass, [], submitted(application().application_id), DAY)


@pytest.mark.parametrize(
    "decision", [None, Decision.REJECTED, Decision.WAITLISTED], ids=["undecided", "rejected", "waitlisted"]
)
def test_only_an_admitted_application_enrols(decision: Decision | None) -> None:
    klass = ordered_class()
    app = application(*([decided(decision)] if decision else []), klass=klass)
    with pytest.raises(IllegalMove, match="only an admitted one enrols"):
        rules.enrol(app, klass, None, 0, START, END, DAY)


def test_an_admitted_application_enrols() -> None:
    klass = ordered_class()
    app = application(decided(Decision.ADMITTED), klass=klass)
    enrolled = rules.enrol(app, klass, None, 0, START, END, DAY)
    assert (enrolled.application_id, enrolled.start_on, enrolled.planned_end_on) == (app.application_id, START, END)


def test_enrolling_twice_is_refused() -> None:
    klass = ordered_class()
    app = application(decided(Decision.ADMITTED), klass=klass)
    app = application(decided(Decision.ADMITTED), klass=klass, enrolment=enrolment(app))
    with pytest.raises(IllegalMove, match="already enrolled"):
        rules.enrol(app, klass, None, 1, START, END, DAY)


def test_a_student_enrolled_elsewhere_cannot_enrol_again() -> None:
    klass = ordered_class()
    app = application(decided(Decision.ADMITTED), klass=klass)
    elsewhere = enrolment(application())
    with pytest.raises(IllegalMove, match="already enrolled in class"):
        rules.enrol(app, klass, elsewhere, 0, START, END, DAY)


def test_a_full_class_takes_no_more_students() -> None:
    klass = ordered_class(seats=2)
    app = application(decided(Decision.ADMITTED), klass=klass)
    with pytest.raises(IllegalMove, match="full"):
        rules.enrol(app, klass, None, 2, START, END, DAY)


def test_an_enrolment_cannot_precede_its_admission() -> None:
    klass = ordered_class()
    app = application(decided(Decision.ADMITTED, date(2025, 3, 10)), klass=klass)
    with pytest.raises(ImpossibleFact, match="precedes the admission"):
        rules.enrol(app, klass, None, 0, START, END, DAY)


def test_a_planned_end_must_follow_the_start() -> None:
    klass = ordered_class()
    app = application(decided(Decision.ADMITTED), klass=klass)
    with pytest.raises(ImpossibleFact, match="not after start_on"):
        rules.enrol(app, klass, None, 0, START, START, DAY)


def test_an_enrolled_application_cannot_be_decided_again() -> None:
    app = application(decided(Decision.ADMITTED))
    app = application(decided(Decision.ADMITTED), enrolment=enrolment(app))
    with pytest.raises(IllegalMove, match="can no longer change"):
        rules.decide(app, Decision.REJECTED, "", DAY)


def test_a_decision_cannot_precede_the_application() -> None:
    with pytest.raises(ImpossibleFact, match="precedes the application"):
        rules.decide(application(), Decision.ADMITTED, "", date(2025, 2, 1))


def test_cancelling_a_student_who_is_not_enrolled_is_refused() -> None:
    with pytest.raises(IllegalMove, match="not enrolled"):
        rules.current_enrolment(application().student_id, None)
    cancelled = enrolment(application(), cancelled_on=DAY)
    with pytest.raises(IllegalMove, match="not enrolled"):
        rules.current_enrolment(cancelled.student_id, cancelled)


def test_a_cancelled_application_stays_cancelled_and_can_not_enrol_again() -> None:
    klass = ordered_class()
    app = application(decided(Decision.ADMITTED), klass=klass)
    app = application(decided(Decision.ADMITTED), klass=klass, enrolment=enrolment(app, cancelled_on=DAY))
    assert app.phase is Phase.CANCELLED
    with pytest.raises(IllegalMove, match="cancelled"):
        rules.enrol(app, klass, None, 0, START, END, DAY)


def test_an_employment_intent_is_signed_once_with_an_enterprise() -> None:
    live = enrolment(application())
    assert rules.sign_employment_intent(live, party(PartyRole.ENTERPRISE), DAY)
    with pytest.raises(DuplicateFact, match="already signed"):
        rules.sign_employment_intent(enrolment(application(), intent=True), party(PartyRole.ENTERPRISE), DAY)
    with pytest.raises(ImpossibleFact, match="employer must be"):
        rules.sign_employment_intent(live, party(PartyRole.SCHOOL), DAY)
