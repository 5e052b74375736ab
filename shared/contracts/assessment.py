"""Events the assessment service publishes: figure changes and target alerts."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Code, EventPayload, Stage


class _AssessmentEvent(EventPayload):
    stage: ClassVar[Stage] = Stage.ASSESSMENT


class FigureChanged(_AssessmentEvent):
    summary: ClassVar[str] = "A figure of a scope moved; numerator and denominator are the pooled sums."
    scope: str
    metric: Code
    metric_version: int
    numerator: float | None
    denominator: float | None
    value: float | None
    as_of: date
    final: bool


class FiguresChanged(_AssessmentEvent):
    summary: ClassVar[str] = (
        "Figures of one scope that moved at one flush of the assessment worker, a FigureChanged each (at most 1,000 a"
        " message; a figure that is gone reads null and provisional). What the figures topic carries: one record per"
        " scope rather than one per figure, since an event moves ten to twenty figures."
    )
    figures: list[FigureChanged] = Field(min_length=1, max_length=1_000)


class TargetBreached(_AssessmentEvent):
    summary: ClassVar[str] = "A target's figure no longer meets its goal."
    target_id: UUID
    metric: Code
    goal: float
    value: float | None


class TargetRecovered(_AssessmentEvent):
    summary: ClassVar[str] = "A breached target's figure meets its goal again."
    target_id: UUID
    metric: Code
    goal: float
    value: float | None
