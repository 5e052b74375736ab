from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.training.domain import records, teaching
from services.training.domain.errors import Contradiction, IllegalMove, ImpossibleFact
from services.training.domain.learner import Phase
from services.training.domain.teaching import HoursLog
from shared.contracts.base import TaughtBy
from shared.contracts.training import InternshipOutcome, Module
from tests.unit.training.builders import a_class, a_learner

SCHOOL, BUREAU = uuid4(), uuid4()


def a_log(**changes: object) -> HoursLog:
    values: dict[str, object] = {
        "log_id": uuid4(),
        "class_id": uuid4(),
        "hours": Decimal("6"),
        "taught_by": TaughtBy.ENTERPRISE,
        "logged_by": SCHOOL,
        "logged_on": date(2025, 3, 10),
        **changes,
    }
    return HoursLog(**values)  # type: ignore[arg-type]  # test-only overrides


def test_a_plan_sums_its_modules_and_rounds_the_enterprise_share_half_up() -> None:
    modules = [
        Module(name="Knife skills", planned_hours=Decimal("1"), taught_by=TaughtBy.ENTERPRISE),
        Module(name="Food safety", planned_hours=Decimal("2"), taught_by=TaughtBy.SCHOOL),
        Module(name="Hygiene", planned_hours=Decimal("5"), taught_by=TaughtBy.SCHOOL),
    ]
    plan = teaching.agree_plan(a_class(), modules, date(2025, 3, 1))
    assert (plan.planned_hours, plan.enterprise_share) == (Decimal("8"), Decimal("0.1250"))
    assert teaching.verified_enterprise_share(Decimal("2"), Decimal("1")) == Decimal("0.6667")
    assert teaching.verified_enterprise_share(Decimal("0"), Decimal("0")) is None


def a_module(name: str) -> Module:
    return Module(name=name, planned_hours=Decimal("1"), taught_by=TaughtBy.ENTERPRISE)


def test_a_plan_names_each_module_once_and_the_refusal_names_each_repeated_one_once() -> None:
    modules = [a_module(name) for name in ("Knife skills", "Wok", "Knife skills", "Dim sum", "Wok", "Knife skills")]
    with pytest.raises(ImpossibleFact, match=r"more than once: \['Knife skills', 'Wok'\]$"):
        teaching.agree_plan(a_class(), modules, date(2025, 3, 1))


@pytest.mark.timeout(10)
def test_a_plan_of_fifty_thousand_modules_is_checked_in_linear_time() -> None:
    # Counting each name with list.count was quadratic: 2.5e9 comparisons here, far beyond the timeout.
    modules = [
        Module.model_construct(name=f"module {n}", planned_hours=Decimal("1"), taught_by=TaughtBy.SCHOOL)
        for n in range(50_000)
    ]
    assert teaching.agree_plan(a_class(), modules, date(2025, 3, 1)).planned_hours == Decimal(50_000)


def test_hours_are_logged_only_for_modules_of_the_agreed_plan_and_while_the_class_is_open() -> None:
    def log(classroom: object, planned: list[str] | None, on: date = date(2025, 3, 10)) -> object:
        return teaching.log_hours(
            classroom,  # type: ignore[arg-type]
            planned,
            log_id=uuid4(),
            module="Dim sum",
            hours=Decimal("2"),
            taught_by=TaughtBy.ENTERPRISE,
            logged_by=SCHOOL,
            logged_on=on,
        )

    assert log(a_class(), None) is not None
    with pytest.raises(Contradiction, match="not in the class's agreed plan"):
        log(a_class(), ["Knife skills"])
    with pytest.raises(IllegalMove, match="closed"):
        log(a_class(closed_on=date(2025, 3, 1)), None)


def test_the_logger_cannot_verify_its_own_hours() -> None:
    with pytest.raises(Contradiction, match="another party"):
        teaching.verify_hours(a_log(), Decimal("6"), SCHOOL, date(2025, 3, 12))


def test_a_verification_accepts_at_most_the_hours_logged_and_never_a_retracted_log() -> None:
    with pytest.raises(ImpossibleFact, match="exceeds"):
        teaching.verify_hours(a_log(), Decimal("6.5"), BUREAU, date(2025, 3, 12))
    with pytest.raises(IllegalMove, match="retracted"):
        teaching.verify_hours(a_log(retracted=True), Decimal("1"), BUREAU, date(2025, 3, 12))
    verified = teaching.verify_hours(a_log(), Decimal("5.5"), BUREAU, date(2025, 3, 12))
    assert (verified.hours_accepted, verified.verified_by) == (Decimal("5.5"), BUREAU)


def test_an_internship_starts_only_for_an_active_learner_without_another_open_one() -> None:
    terms = records.InternshipTerms(host_name="Host", related_to_major=True, monthly_pay=Decimal("2800"))
    learner = a_learner()
    started = records.start_internship(learner, 0, uuid4(), terms, date(2025, 5, 12))

    assert started.related_to_major is True
    with pytest.raises(IllegalMove, match="has not ended"):
        records.start_internship(learner, 1, uuid4(), terms, date(2025, 5, 12))
    with pytest.raises(IllegalMove, match="graduated"):
        records.start_internship(a_learner(Phase.GRADUATED), 0, uuid4(), terms, date(2026, 2, 1))


def test_an_internship_ends_once_and_not_before_it_started() -> None:
    internship = records.Internship(uuid4(), uuid4(), date(2025, 5, 12))
    graduate = a_learner(Phase.GRADUATED)

    ended = records.end_internship(graduate, internship, InternshipOutcome.COMPLETED, date(2025, 6, 30))
    assert ended.outcome is InternshipOutcome.COMPLETED
    with pytest.raises(ImpossibleFact):
        records.end_internship(graduate, internship, InternshipOutcome.COMPLETED, date(2025, 5, 1))
    with pytest.raises(IllegalMove, match="already ended"):
        records.end_internship(
            graduate,
            records.Internship(uuid4(), uuid4(), date(2025, 5, 12), date(2025, 6, 1)),
            InternshipOutcome.ENDED_EARLY,
            date(2025, 6, 30),
        )


def test_a_graduate_may_still_receive_a_certificate_but_a_cancelled_enrolment_may_not() -> None:
    awarded = records.award_certificate(
        a_learner(Phase.GRADUATED), uuid4(), "Cook", "level 4", "HRSS", date(2026, 3, 1)
    )
    assert awarded.level == "level 4"
    with pytest.raises(IllegalMove, match="cancelled"):
        records.award_certificate(a_learner(Phase.CANCELLED), uuid4(), "Cook", None, "HRSS", date(2026, 3, 1))
