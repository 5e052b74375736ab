"""Learners and classes for the domain tests; no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from uuid import UUID, uuid4

from services.training.domain.learner import ClassRef, Learner, Phase

START = date(2025, 3, 3)
PARTNERSHIP = uuid4()


def a_class(partnership_id: UUID = PARTNERSHIP, closed_on: date | None = None) -> ClassRef:
    return ClassRef(uuid4(), partnership_id, closed_on)


def a_learner(phase: Phase = Phase.ACTIVE, **changes: object) -> Learner:
    learner = Learner(
        student_id=uuid4(),
        partnership_id=PARTNERSHIP,
        class_id=uuid4(),
        phase=Phase.ACTIVE,
        first_start_on=START,
        period_start_on=START,
        planned_end_on=date(2026, 1, 16),
        enrolment_event_id=uuid4(),
    )
    extra: Mapping[str, object] = {
        Phase.ON_BREAK: {"break_start_on": date(2025, 4, 7)},
        Phase.WITHDRAWN: {"last_day": date(2025, 5, 30)},
        Phase.GRADUATED: {"graduated_on": date(2026, 1, 16)},
    }.get(phase, {})
    return replace(learner, phase=phase, **{**extra, **changes})  # type: ignore[arg-type]  # test-only overrides
