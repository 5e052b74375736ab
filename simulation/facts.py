"""A student's facts, one dataclass per event of shared/DOMAIN.md, each with the stage service that records it.

References to other facts (`offer`, `placement`, `internship`, the corrected `target`) are scenario keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from simulation.scenario import (
    EMPLOYER_CONFIRMATION,
    SCHOOL_RECORD,
    SELF_REPORT,
    EventCorrected,
    EventRetracted,
    ExclusionApplied,
    ExclusionRevoked,
)

RECRUITMENT = "recruitment"
TRAINING = "training"
EMPLOYMENT = "employment"


@dataclass(frozen=True, slots=True)
class ApplicationSubmitted:
    key: str
    occurred_on: date
    class_key: str
    home_region: str
    poor_household: bool
    poor_household_verified_by: str
    prior_education: str
    channel: str
    evidence: str = SELF_REPORT


@dataclass(frozen=True, slots=True)
class ApplicationDecided:
    key: str
    occurred_on: date
    decision: str  # admitted | rejected | waitlisted
    reason: str = ""
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class StudentEnrolled:
    key: str
    occurred_on: date
    class_key: str
    start_on: date
    planned_end_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class EmploymentIntentSigned:
    key: str
    occurred_on: date
    employer: str  # party key
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class EnrollmentCancelled:
    key: str
    occurred_on: date
    reason: str
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class ProgressReviewHeld:
    key: str
    occurred_on: date
    outcome: str
    on_track: bool = True
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class BreakStarted:
    key: str
    occurred_on: date
    start_on: date
    reason: str = ""
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class BreakEnded:
    key: str
    occurred_on: date
    end_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class TransferredToClass:
    key: str
    occurred_on: date
    from_class: str
    to_class: str
    start_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class Restarted:
    key: str
    occurred_on: date
    class_key: str
    start_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class Withdrawn:
    key: str
    occurred_on: date
    last_day: date
    reason: str  # family | health | financial | employment | discipline | other
    reported_late: bool = False  # the school reports it weeks later: the driver posts it after everything else
    reported_on: date | None = None  # when the school reported it (its recorded_at day)
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class InternshipStarted:
    key: str
    occurred_on: date
    host: str  # party key
    related_to_major: bool
    monthly_pay: Decimal
    start_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class InternshipEnded:
    key: str
    occurred_on: date
    internship: str
    outcome: str  # completed | ended_early
    end_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class CertificateAwarded:
    key: str
    occurred_on: date
    name: str
    level: str | None
    issuer: str
    awarded_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class Graduated:
    key: str
    occurred_on: date
    graduated_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class JobOffered:
    key: str
    occurred_on: date
    employer: str
    monthly_wage: Decimal
    evidence: str = EMPLOYER_CONFIRMATION


@dataclass(frozen=True, slots=True)
class OfferAccepted:
    key: str
    occurred_on: date
    offer: str
    evidence: str = EMPLOYER_CONFIRMATION


@dataclass(frozen=True, slots=True)
class OfferDeclined:
    key: str
    occurred_on: date
    offer: str
    reason: str = ""
    evidence: str = SELF_REPORT


@dataclass(frozen=True, slots=True)
class Placed:
    key: str
    occurred_on: date
    employer: str  # party key; its credit code decides sponsor/partner, whatever `relation` says
    relation: str  # sponsor | partner | other, as the school reported it
    employer_type: str
    location: str  # east | home_region | elsewhere
    related_to_training: bool
    monthly_wage: Decimal
    contract_type: str
    social_insurance: bool
    start_on: date
    evidence: str = EMPLOYER_CONFIRMATION


@dataclass(frozen=True, slots=True)
class FurtherStudyEntered:
    key: str
    occurred_on: date
    institution: str
    start_on: date
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class RetentionChecked:
    key: str
    occurred_on: date
    placement: str
    checkpoint_days: int
    still_employed: bool
    same_employer: bool
    monthly_wage: Decimal | None
    evidence: str = EMPLOYER_CONFIRMATION


@dataclass(frozen=True, slots=True)
class EmploymentEnded:
    key: str
    occurred_on: date
    placement: str
    last_day: date
    reason: str = ""
    evidence: str = EMPLOYER_CONFIRMATION


@dataclass(frozen=True, slots=True)
class HouseholdStatusUpdated:
    key: str
    occurred_on: date
    poor_household: bool
    status: str = ""
    evidence: str = SCHOOL_RECORD


STAGE_OF: dict[type, str] = {
    ApplicationSubmitted: RECRUITMENT,
    ApplicationDecided: RECRUITMENT,
    StudentEnrolled: RECRUITMENT,
    EmploymentIntentSigned: RECRUITMENT,
    EnrollmentCancelled: RECRUITMENT,
    ProgressReviewHeld: TRAINING,
    BreakStarted: TRAINING,
    BreakEnded: TRAINING,
    TransferredToClass: TRAINING,
    Restarted: TRAINING,
    Withdrawn: TRAINING,
    InternshipStarted: TRAINING,
    InternshipEnded: TRAINING,
    CertificateAwarded: TRAINING,
    Graduated: TRAINING,
    JobOffered: EMPLOYMENT,
    OfferAccepted: EMPLOYMENT,
    OfferDeclined: EMPLOYMENT,
    Placed: EMPLOYMENT,
    FurtherStudyEntered: EMPLOYMENT,
    RetentionChecked: EMPLOYMENT,
    EmploymentEnded: EMPLOYMENT,
    HouseholdStatusUpdated: EMPLOYMENT,
    ExclusionApplied: RECRUITMENT,
    ExclusionRevoked: RECRUITMENT,
    # Corrections and retractions go to the service that recorded their target.
    EventCorrected: "",
    EventRetracted: "",
}

StudentFact = (
    ApplicationSubmitted
    | ApplicationDecided
    | StudentEnrolled
    | EmploymentIntentSigned
    | EnrollmentCancelled
    | ProgressReviewHeld
    | BreakStarted
    | BreakEnded
    | TransferredToClass
    | Restarted
    | Withdrawn
    | InternshipStarted
    | InternshipEnded
    | CertificateAwarded
    | Graduated
    | JobOffered
    | OfferAccepted
    | OfferDeclined
    | Placed
    | FurtherStudyEntered
    | RetentionChecked
    | EmploymentEnded
    | HouseholdStatusUpdated
    | ExclusionApplied
    | ExclusionRevoked
    | EventCorrected
    | EventRetracted
)
