"""Counting rules of DOMAIN.md, one small hand-worked case each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from services.assessment.facts import fact_of
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure, half_up, median
from services.assessment.metrics.scope import figures, rollup_figures
from services.assessment.records import Applied, Record, RecordKey, RecordKind
from shared.contracts.corrections import EventCorrected, EventRetracted, ExclusionApplied, ExclusionRevoked
from shared.contracts.partnership import ClassClosed, ClassOpened, PartnershipSigned
from shared.contracts.training import Graduated, Restarted, Withdrawn
from tests.unit.assessment.builders import Script, at_noon, records_of


def total(found: list[Figure], metric: str) -> Figure:
    [match] = [f for f in found if f.metric == metric and f.dimension == "total"]
    return match


def values(found: list[Figure], metric: str) -> tuple:
    f = total(found, metric)
    return f.numerator, f.denominator, f.value


def opened(script: Script, seats: int = 10) -> object:
    class_id = uuid4()
    script.emit(
        ClassOpened(
            class_id=class_id,
            name="c",
            school_id=uuid4(),
            sponsor_id=uuid4(),
            sponsor_credit_code="S",
            programme_id=uuid4(),
            major="m",
            seats=seats,
            cohort_year=2024,
            planned_start=date(2024, 3, 1),
            planned_end=date(2025, 1, 15),
            hiring_commitment=1,
        ),
        date(2024, 1, 5),
    )
    return class_id


def test_a_back_dated_withdrawal_leaves_earlier_as_of_figures_unchanged() -> None:
    script = Script()
    class_id = opened(script)
    student = script.enrol(class_id, "Bijie")
    script.emit(
        Withdrawn(last_day=date(2024, 5, 31), reason="family"),
        date(2024, 5, 31),
        student=student,
        recorded=at_noon(date(2024, 8, 1)),
    )
    records = records_of(script.events)
    before = figures(records, AsOf.of(date(2024, 7, 15)))
    after = figures(records, AsOf.of(date(2024, 8, 15)))
    assert values(before, "active") == (Decimal(1), None, Decimal(1))
    assert values(after, "active") == (Decimal(0), None, Decimal(0))
    # 2024-03-01..2024-05-31 is 92 days in learning: a leaver, not a qualifying-period withdrawal
    assert values(after, "completion_rate") == (Decimal(0), Decimal(1), Decimal("0"))


def test_withdrawn_counts_from_the_day_after_the_last_day() -> None:
    script = Script()
    student = script.enrol(opened(script), "Bijie")
    script.emit(Withdrawn(last_day=date(2024, 5, 31), reason="family"), date(2024, 5, 31), student=student)
    records = records_of(script.events)
    assert values(figures(records, AsOf.of(date(2024, 5, 31))), "active")[2] == 1
    assert values(figures(records, AsOf.of(date(2024, 6, 1))), "active")[2] == 0


def test_a_restarted_period_has_no_qualifying_period() -> None:
    script = Script()
    student = script.enrol(opened(script), "Bijie")
    script.emit(Withdrawn(last_day=date(2024, 3, 5), reason="family"), date(2024, 3, 5), student=student)
    script.emit(Restarted(start_on=date(2024, 9, 1)), date(2024, 9, 1), student=student)
    script.emit(Withdrawn(last_day=date(2024, 9, 10), reason="family"), date(2024, 9, 10), student=student)
    found = figures(records_of(script.events), AsOf.of(date(2024, 12, 1)))
    assert values(found, "retention_in_training") == (Decimal(0), Decimal(1), Decimal(0))
    assert values(found, "completion_rate") == (Decimal(0), Decimal(1), Decimal(0))


def test_a_retraction_removes_the_placement_and_its_checks_and_a_resend_restores_only_the_placement() -> None:
    script = Script()
    student = script.enrol(opened(script), "Bijie")
    script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
    placed, placement = script.place(student, date(2025, 2, 1), code="X", wage=4000)
    script.check(student, placement, 90, date(2025, 5, 2))
    script.emit(EventRetracted(reason="wrong"), date(2025, 6, 1), student=student, supersedes=placed.id)
    as_of = AsOf.of(date(2025, 12, 31))
    found = figures(records_of(script.events), as_of)
    assert values(found, "placements")[2] == 0
    assert values(found, "employment_rate") == (Decimal(0), Decimal(1), Decimal(0))
    script.emit(placed.data, date(2025, 7, 1), student=student)  # sent again, as a new event
    found = figures(records_of(script.events), as_of)
    assert values(found, "placements")[2] == 1
    assert values(found, "job_retention.90") == (Decimal(0), Decimal(1), Decimal(0))


def test_corrections_apply_field_by_field_from_when_they_are_recorded() -> None:
    script = Script()
    student = script.enrol(opened(script), "Bijie")
    graduated = script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
    placed, _ = script.place(student, date(2025, 2, 1), code="X", wage=4000, location="east")
    script.emit(
        EventCorrected(fields={"monthly_wage": "4500.00"}, reason="payslip"),
        date(2025, 3, 1),
        student=student,
        supersedes=placed.id,
    )
    script.emit(
        EventCorrected(fields={"location": "elsewhere"}, reason="address"),
        date(2025, 3, 2),
        student=student,
        supersedes=placed.id,
    )
    script.emit(
        EventCorrected(fields={"graduated_on": "2024-12-20"}, reason="register"),
        date(2025, 3, 3),
        student=student,
        supersedes=graduated.id,
    )
    records = records_of(script.events)
    before = figures(records, AsOf.of(date(2025, 2, 15)))
    after = figures(records, AsOf.of(date(2025, 3, 5)))
    assert values(before, "starting_wage_median") == (None, Decimal(1), Decimal("4000"))
    assert values(after, "starting_wage_median") == (None, Decimal(1), Decimal("4500"))
    assert values(after, "placement_location_share.elsewhere")[2] == 1
    assert values(after, "graduates")[2] == 1


def test_an_exclusion_removes_the_student_from_outcomes_whatever_its_date_and_revoking_restores() -> None:
    script = Script()
    student = script.enrol(opened(script), "Bijie")
    script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
    script.emit(
        ExclusionApplied(reason="death"), date(2025, 12, 1), student=student, recorded=at_noon(date(2025, 3, 1))
    )
    records = records_of(script.events)
    excluded = figures(records, AsOf.of(date(2025, 6, 1)))
    assert values(excluded, "graduates")[2] == 0
    assert values(excluded, "enrolled")[2] == 1  # still enrolled: exclusions touch outcomes only
    script.emit(ExclusionRevoked(reason="error"), date(2025, 12, 2), student=student)
    restored = figures(records_of(script.events), AsOf.of(date(2025, 12, 31)))
    assert values(restored, "graduates")[2] == 1


def test_a_redelivered_event_changes_nothing_and_a_differing_copy_is_a_conflict() -> None:
    script = Script()
    student = script.enrol(opened(script), "Bijie")
    graduated = script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
    record = Record(RecordKey(script.partnership_id, RecordKind.STUDENT, student))
    fact = fact_of(graduated)
    assert fact is not None
    assert record.apply(fact) is Applied.NEW
    assert record.apply(fact) is Applied.DUPLICATE
    other = fact_of(graduated.model_copy(update={"data": Graduated(graduated_on=date(2025, 2, 1))}))
    assert other is not None
    assert record.apply(other) is Applied.CONFLICT
    assert record.facts == [fact]


def test_figures_turn_final_when_classes_are_closed_and_windows_have_passed() -> None:
    script = Script()
    class_id = opened(script)
    student = script.enrol(class_id, "Bijie")
    script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
    _, placement = script.place(student, date(2025, 2, 1), code="X", wage=4000)
    script.emit(ClassClosed(class_id=class_id), date(2025, 1, 20))
    records = records_of(script.events)
    early = figures(records, AsOf.of(date(2025, 6, 1)))
    assert total(early, "completion_rate").final
    assert not total(early, "employment_rate").final  # G + 180 = 2025-07-14
    late = figures(records, AsOf.of(date(2025, 7, 14)))
    assert total(late, "employment_rate").final
    assert not total(late, "certification_rate").final  # G + 365
    assert not total(late, "job_retention.365").final  # start + 365
    assert total(figures(records, AsOf.of(date(2026, 2, 1))), "job_retention.365").final


def test_rounding_is_half_up_to_four_places_and_medians_average_the_middle_pair() -> None:
    from collections import Counter
    from fractions import Fraction

    assert half_up(Fraction(1, 8)) == Decimal("0.1250")
    assert half_up(Fraction(5, 100000)) == Decimal("0.0001")
    assert half_up(Fraction(2, 3)) == Decimal("0.6667")
    assert median(Counter({300: 1, 100: 1, 200: 1, 400: 1})) == 250
    assert median(Counter({300: 2, 100: 1})) == 300


def test_roll_ups_pool_students_never_average_rates() -> None:
    parent = uuid4()
    first, second = Script(), Script()
    for script, graduates, students in ((first, 1, 1), (second, 1, 3)):
        script.emit(PartnershipSigned(name="p", valid_from=date(2024, 1, 1), parent_id=parent), date(2024, 1, 1))
        class_id = opened(script)
        for index in range(students):
            student = script.enrol(class_id, "Bijie")
            if index < graduates:
                script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
                script.place(student, date(2025, 2, 1), code="X", wage=1000 * (students + index))
            else:
                script.emit(Graduated(graduated_on=date(2025, 1, 15)), date(2025, 1, 15), student=student)
    records = records_of(first.events + second.events)
    found = rollup_figures(records, parent, AsOf.of(date(2025, 12, 31)))
    # 2 placed of 4 graduates (pooled), not the mean of 1/1 and 1/3
    assert values(found, "employment_rate") == (Decimal(2), Decimal(4), Decimal("0.5"))
    assert values(found, "starting_wage_median") == (None, Decimal(2), Decimal("2000"))
    assert total(found, "employment_rate").scope == f"rollup:{parent}"
