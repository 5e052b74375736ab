"""Exclusions remove a student from every outcome figure (DOMAIN.md, counting rules: who counts).

The student registry lives here, so recruitment records them; one exclusion stands at a time until revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact
from services.recruitment.domain.students import Enrolment
from shared.contracts.corrections import ExclusionApplied, ExclusionReason, ExclusionRevoked


@dataclass(frozen=True)
class Exclusion:
    event_id: UUID
    partnership_id: UUID
    reason: ExclusionReason
    applied_on: date


def apply_exclusion(
    student_id: UUID, enrolment: Enrolment | None, standing: Exclusion | None, reason: ExclusionReason
) -> tuple[ExclusionApplied, UUID]:
    """The exclusion and the partnership it is keyed by: that of the student's class.

    `enrolment` is the student's enrolment not cancelled; a student without one is in no outcome figure to leave.
    Transfers stay within a partnership (TransferredToClass), so the enrolment's partnership stays the student's.
    """
    if enrolment is None:
        raise IllegalMove(f"student {student_id} was never enrolled; there is no outcome to exclude them from")
    if standing is not None:
        raise DuplicateFact(f"student {student_id} is already excluded since {standing.applied_on}")
    return ExclusionApplied(reason=reason), enrolment.partnership_id


def standing_exclusion(student_id: UUID, standing: Exclusion | None) -> Exclusion:
    if standing is None:
        raise IllegalMove(f"student {student_id} has no standing exclusion")
    return standing


def revoke_exclusion(standing: Exclusion, reason: str, on: date) -> ExclusionRevoked:
    if on < standing.applied_on:
        raise ImpossibleFact(f"a revocation on {on} precedes the exclusion of {standing.applied_on}")
    return ExclusionRevoked(reason=reason)
