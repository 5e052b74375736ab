"""DOMAIN.md: a transfer or restart moves the student to the new class, its partnership, programme and cohort from
the first day; the old period is neither a leaver nor in any denominator. Training keys the transfer, and every
later fact about the student, by the new partnership (issue 14), so the student's facts sit in two records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.assessment.engine import LiveEngine
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, rollup_figures
from shared.contracts.training import TransferredToClass, Withdrawn
from tests.unit.assessment.builders import Script, records_of

MOVE = date(2024, 6, 1)


def total(found: list[Figure], scope: str, metric: str) -> Decimal | None:
    [f] = [f for f in found if f.scope == scope and f.dimension == "total" and f.metric == metric]
    return f.value


def moved() -> tuple[Script, Script, object]:
    first, second = Script(), Script()
    first.sign()
    second.sign()
    old, new = first.open_class(), second.open_class()
    student = first.enrol(old, "Bijie", poor=True)
    second.emit(
        TransferredToClass(from_class_id=old, to_class_id=new, start_on=MOVE),
        MOVE,
        student=student,
        partnership_id=second.partnership_id,
    )
    return first, second, student


def test_a_student_moved_to_another_partnership_counts_there_from_the_transfer_and_no_longer_in_the_first():
    first, second, _ = moved()
    records = records_of(first.events + second.events)
    a, b = f"partnership:{first.partnership_id}", f"partnership:{second.partnership_id}"
    before = figures(records, AsOf.of(date(2024, 5, 31)))
    after = figures(records, AsOf.of(date(2024, 6, 1)))
    assert (total(before, a, "enrolled"), total(before, b, "enrolled")) == (1, 0)
    assert (total(after, a, "enrolled"), total(after, b, "enrolled")) == (0, 1)
    assert total(after, b, "poor_household_share") == 1  # the status at the first start, from the first record
    assert total(after, a, "admission_rate") == 1  # the application stays where it was made


def test_the_qualifying_period_runs_from_the_first_start_in_the_first_partnership():
    first, second, student = moved()
    # 2024-03-01 .. 2024-06-20: 112 days in learning, so not a withdrawal inside the qualifying period
    second.emit(
        Withdrawn(last_day=date(2024, 6, 20), reason="family"),
        date(2024, 6, 20),
        student=student,
        partnership_id=second.partnership_id,
    )
    found = figures(records_of(first.events + second.events), AsOf.of(date(2024, 12, 31)))
    assert total(found, f"partnership:{second.partnership_id}", "completion_rate") == 0
    assert total(found, f"partnership:{first.partnership_id}", "completion_rate") is None


def test_the_live_engine_moves_the_student_too_when_both_partnerships_are_on_its_partitions():
    first, second, _ = moved()
    records = records_of(first.events + second.events)
    as_of = AsOf.of(date(2024, 12, 31))
    engine = LiveEngine(as_of)
    for record in records:
        engine.update(record)
    for script in (first, second):
        pid = script.partnership_id
        expected = figures(records, as_of, 1) + figures(records, as_of, 2)
        mine = sorted((f for f in expected if f.scope == f"partnership:{pid}"), key=lambda f: f.key)
        assert sorted(engine.figures(pid), key=lambda f: f.key) == mine


def test_a_roll_up_over_both_partnerships_counts_the_student_once():
    parent = Script()
    parent.sign(kind="alliance")
    first, second, _ = moved()
    from shared.contracts.partnership import PartnershipAmended

    for script in (first, second):
        script.emit(PartnershipAmended(parent_id=parent.partnership_id), date(2024, 1, 2))
    records = records_of(parent.events + first.events + second.events)
    found = rollup_figures(records, parent.partnership_id, AsOf.of(date(2024, 12, 31)))
    assert total(found, f"rollup:{parent.partnership_id}", "enrolled") == 1
