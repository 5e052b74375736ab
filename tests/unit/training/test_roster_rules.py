from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

import pytest

from services.training.domain import roster
from services.training.domain.errors import Contradiction
from services.training.domain.learner import Learner, Phase
from services.training.domain.roster import Enrolment, Held, WaitsFor
from tests.unit.training.builders import PARTNERSHIP, START, a_class, a_learner


def an_enrolment(class_id: object = None, partnership_id: object = PARTNERSHIP) -> Enrolment:
    return Enrolment(uuid4(), uuid4(), class_id or uuid4(), partnership_id, START, date(2026, 1, 16))  # type: ignore[arg-type]


def test_an_enrolment_before_its_class_is_held_waiting_for_the_class() -> None:
    enrolment = an_enrolment()
    assert roster.enrol(None, None, enrolment) == Held(WaitsFor.CLASS, enrolment.class_id)


def test_an_enrolment_into_a_known_class_makes_an_active_learner_from_its_start() -> None:
    classroom = a_class()
    learner = roster.enrol(None, classroom, an_enrolment(classroom.class_id))

    assert isinstance(learner, Learner)
    assert (learner.phase, learner.first_start_on, learner.period_start_on) == (Phase.ACTIVE, START, START)


def test_an_enrolment_naming_another_partnership_than_its_class_contradicts_it() -> None:
    classroom = a_class()
    with pytest.raises(Contradiction, match="belongs to partnership"):
        roster.enrol(None, classroom, an_enrolment(classroom.class_id, partnership_id=uuid4()))


def test_a_second_enrolment_is_refused_unless_the_first_was_cancelled() -> None:
    classroom = a_class()
    enrolment = an_enrolment(classroom.class_id)
    with pytest.raises(Contradiction, match="already enrolled"):
        roster.enrol(a_learner(), classroom, enrolment)
    again = roster.enrol(a_learner(Phase.CANCELLED), classroom, enrolment)
    assert isinstance(again, Learner)
    assert again.phase is Phase.ACTIVE


def test_a_cancelled_enrolment_cannot_be_cancelled_again() -> None:
    cancelled = roster.cancel(a_learner(Phase.ON_BREAK))
    assert (cancelled.phase, cancelled.break_start_on) == (Phase.CANCELLED, None)
    with pytest.raises(Contradiction):
        roster.cancel(cancelled)


def test_a_corrected_start_moves_the_current_period_only_while_it_is_the_first() -> None:
    first = roster.correct_enrolment(a_learner(), date(2025, 3, 10), None)
    transferred = replace(a_learner(), period_start_on=date(2025, 5, 5))
    later = roster.correct_enrolment(transferred, date(2025, 3, 10), None)

    assert (first.first_start_on, first.period_start_on) == (date(2025, 3, 10), date(2025, 3, 10))
    assert (later.first_start_on, later.period_start_on) == (date(2025, 3, 10), date(2025, 5, 5))
