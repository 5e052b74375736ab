"""Events any stage may publish. The envelope's `supersedes` names the event a correction or retraction targets."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from shared.contracts.base import EventPayload, Stage


class ExclusionReason(StrEnum):
    DEATH = "death"
    LONG_ILLNESS = "long_illness"
    MILITARY_SERVICE = "military_service"


class _AnyStageEvent(EventPayload):
    stage: ClassVar[Stage] = Stage.ANY


class EventCorrected(_AnyStageEvent):
    summary: ClassVar[str] = "New values for fields of the superseded event, applied to its business date."
    fields: dict[str, Any] = Field(min_length=1)
    reason: str


class EventRetracted(_AnyStageEvent):
    summary: ClassVar[str] = "The superseded event, and every fact that refers to it, is withdrawn."
    reason: str


class ExclusionApplied(_AnyStageEvent):
    summary: ClassVar[str] = "The student leaves every outcome numerator and denominator."
    reason: ExclusionReason


class ExclusionRevoked(_AnyStageEvent):
    summary: ClassVar[str] = "A previous exclusion of the student no longer applies."
    reason: str = ""
