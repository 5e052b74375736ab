from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.training.domain import learner as rules
from services.training.domain.errors import IllegalMove, ImpossibleFact
from services.training.domain.learner import Phase
from shared.contracts.training import WithdrawalReason
from tests.unit.training.builders import START, a_class, a_learner

FAMILY = WithdrawalReason.FAMILY


def test_a_break_takes_an_active_learner_on_break_and_its_end_brings_them_back() -> None:
    learner = a_learner()
    started = rules.start_break(learner, date(2025, 4, 7), "harvest")
    on_break = rules.evolve(learner, started)
    back = rules.evolve(on_break, rules.end_break(on_break, date(2025, 4, 21)))

    assert (on_break.phase, on_break.break_start_on) == (Phase.ON_BREAK, date(2025, 4, 7))
    assert (back.phase, back.break_start_on) == (Phase.ACTIVE, None)


def test_a_break_must_end_after_the_day_it_started() -> None:
    on_break = a_learner(Phase.ON_BREAK)
    with pytest.raises(ImpossibleFact, match="after the day the break started"):
        rules.end_break(on_break, on_break.break_start_on)  # type: ignore[arg-type]  # set for on_break


def test_a_learner_on_break_may_withdraw_but_must_end_the_break_before_graduating() -> None:
    on_break = a_learner(Phase.ON_BREAK)

    assert rules.withdraw(on_break, date(2025, 4, 10), FAMILY).last_day == date(2025, 4, 10)
    with pytest.raises(IllegalMove, match="end the break first"):
        rules.graduate(on_break, date(2025, 12, 19))


@pytest.mark.parametrize("phase", [Phase.WITHDRAWN, Phase.GRADUATED])
def test_a_second_exit_is_an_illegal_move(phase: Phase) -> None:
    exited = a_learner(phase)
    with pytest.raises(IllegalMove, match="second exit"):
        rules.withdraw(exited, date(2026, 2, 1), FAMILY)
    with pytest.raises(IllegalMove, match="second exit"):
        rules.graduate(exited, date(2026, 2, 1))


def test_every_move_of_a_cancelled_enrolment_is_refused_with_the_reason() -> None:
    cancelled = a_learner(Phase.CANCELLED)
    moves = [
        lambda: rules.start_break(cancelled, date(2025, 4, 7), ""),
        lambda: rules.withdraw(cancelled, date(2025, 4, 7), FAMILY),
        lambda: rules.graduate(cancelled, date(2025, 12, 19)),
        lambda: rules.transfer(cancelled, a_class(), date(2025, 5, 5)),
    ]
    for move in moves:
        with pytest.raises(IllegalMove, match="was cancelled"):
            move()


def test_a_transfer_starts_a_new_period_in_another_class_of_the_same_partnership() -> None:
    learner = a_learner()
    target = a_class()
    moved = rules.evolve(learner, rules.transfer(learner, target, date(2025, 5, 5)), target)

    assert (moved.class_id, moved.period_start_on, moved.first_start_on) == (target.class_id, date(2025, 5, 5), START)


def test_a_transfer_to_a_class_of_another_partnership_moves_the_learner_to_that_partnership() -> None:
    learner = a_learner()
    target = a_class(partnership_id=uuid4())

    moved = rules.evolve(learner, rules.transfer(learner, target, date(2025, 5, 5)), target)

    assert (moved.partnership_id, moved.class_id) == (target.partnership_id, target.class_id)
    assert (moved.first_start_on, moved.period_start_on) == (START, date(2025, 5, 5)), "the 42-day clock stays"


def test_a_transfer_to_a_closed_class_is_refused() -> None:
    with pytest.raises(IllegalMove, match="closed"):
        rules.transfer(a_learner(), a_class(closed_on=date(2025, 5, 1)), date(2025, 5, 5))


def test_a_restart_follows_a_withdrawal_and_starts_after_the_last_day_in_learning() -> None:
    withdrawn = a_learner(Phase.WITHDRAWN)
    elsewhere = a_class(partnership_id=uuid4())
    restarted = rules.evolve(withdrawn, rules.restart(withdrawn, elsewhere, date(2025, 9, 1)), elsewhere)

    assert (restarted.phase, restarted.last_day, restarted.period_start_on) == (Phase.ACTIVE, None, date(2025, 9, 1))
    assert (restarted.partnership_id, restarted.class_id) == (elsewhere.partnership_id, elsewhere.class_id)
    with pytest.raises(ImpossibleFact, match="after the last day"):
        rules.restart(withdrawn, a_class(), date(2025, 5, 30))
    with pytest.raises(IllegalMove, match="is active"):
        rules.restart(a_learner(), a_class(), date(2025, 9, 1))


def test_an_exit_dated_before_the_current_period_is_impossible() -> None:
    with pytest.raises(ImpossibleFact, match="before the start of the current period"):
        rules.withdraw(a_learner(), date(2025, 3, 2), FAMILY)
