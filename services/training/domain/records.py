"""Facts recorded about a learner that do not move the state machine: internships, certificates, reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.training.domain.errors import IllegalMove
from services.training.domain.learner import IN_LEARNING, NOT_CANCELLED, Learner, Phase, not_before, require
from shared.contracts.training import (
    CertificateAwarded,
    InternshipEnded,
    InternshipOutcome,
    InternshipStarted,
    ProgressReviewHeld,
)


@dataclass(frozen=True)
class Internship:
    internship_id: UUID
    student_id: UUID
    start_on: date
    end_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class InternshipTerms:
    """Where the learner interns and for what pay; the StartInternship command carries them by inheriting them."""

    host_name: str
    host_credit_code: str | None = None
    related_to_major: bool
    monthly_pay: Decimal


def start_internship(
    learner: Learner, open_internships: int, internship_id: UUID, terms: InternshipTerms, start_on: date
) -> InternshipStarted:
    """An internship counts only when started before graduation (DOMAIN.md), so only an active learner starts one."""
    require(learner, frozenset({Phase.ACTIVE}), "start an internship")
    if open_internships:
        raise IllegalMove(f"student {learner.student_id} has an internship that has not ended")
    not_before(start_on, learner.period_start_on, "start_on", "the start of the current period")
    return InternshipStarted(
        internship_id=internship_id,
        host_name=terms.host_name,
        host_credit_code=terms.host_credit_code,
        related_to_major=terms.related_to_major,
        monthly_pay=terms.monthly_pay,
        start_on=start_on,
    )


def end_internship(
    learner: Learner, internship: Internship, outcome: InternshipOutcome, end_on: date
) -> InternshipEnded:
    """An internship may end after graduation; it was started before."""
    require(learner, NOT_CANCELLED, "end an internship")
    if internship.end_on is not None:
        raise IllegalMove(f"internship {internship.internship_id} already ended on {internship.end_on}")
    not_before(end_on, internship.start_on, "end_on", "the internship's start")
    return InternshipEnded(internship_id=internship.internship_id, outcome=outcome, end_on=end_on)


def award_certificate(
    learner: Learner, certificate_id: UUID, name: str, level: str | None, issuer: str, awarded_on: date
) -> CertificateAwarded:
    """Certification counts certificates awarded up to graduation + 365 days, so graduates may still receive one."""
    require(learner, NOT_CANCELLED, "award a certificate")
    not_before(awarded_on, learner.first_start_on, "awarded_on", "the student's first start")
    return CertificateAwarded(
        certificate_id=certificate_id, name=name, level=level, issuer=issuer, awarded_on=awarded_on
    )


def hold_review(learner: Learner, held_on: date, outcome: str, on_track: bool) -> ProgressReviewHeld:
    require(learner, IN_LEARNING, "hold a progress review")
    not_before(held_on, learner.period_start_on, "occurred_on", "the start of the current period")
    return ProgressReviewHeld(outcome=outcome, on_track=on_track)


Record = InternshipStarted | InternshipEnded | CertificateAwarded | ProgressReviewHeld
