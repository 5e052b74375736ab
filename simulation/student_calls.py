"""The HTTP command for each fact of a student, as a school's or an employer's system would send it."""

from __future__ import annotations

from simulation import facts as f
from simulation.calls import EMPLOYMENT, RECRUITMENT, TRAINING, Call, follow_up_call
from simulation.ids import Ids
from simulation.scenario import EventCorrected, EventRetracted, ExclusionApplied, ExclusionRevoked, Party, Student


def _recruitment(fact: object, student: Student, ids: Ids) -> Call | None:
    application = f"/applications/{ids.of(student.facts[0].key)}"
    match fact:
        case f.ApplicationSubmitted():
            person = student.person
            return Call.of(
                RECRUITMENT,
                "/applications",
                fact.key,
                learn=("student_id", student.key),
                application_id=ids.of(fact.key),
                class_id=ids.of(fact.class_key),
                applicant={
                    "name": person.name,
                    "national_id": person.national_id,
                    "household_registration": person.household_registration,
                },
                home_region=fact.home_region,
                poor_household=fact.poor_household,
                poor_household_verified_by=fact.poor_household_verified_by,
                prior_education=fact.prior_education,
                channel=fact.channel,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.ApplicationDecided():
            return Call.of(
                RECRUITMENT,
                f"{application}/decisions",
                fact.key,
                decision=fact.decision,
                reason=fact.reason,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.StudentEnrolled():
            return Call.of(
                RECRUITMENT,
                f"{application}/enrolment",
                fact.key,
                start_on=fact.start_on,
                planned_end_on=fact.planned_end_on,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
    base = f"/students/{ids.student(student.key)}"
    match fact:
        case f.EmploymentIntentSigned():
            return Call.of(
                RECRUITMENT,
                f"{base}/employment-intent",
                fact.key,
                employer_id=ids.of(fact.employer),
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.EnrollmentCancelled():
            return Call.of(
                RECRUITMENT,
                f"{base}/cancellation",
                fact.key,
                reason=fact.reason,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case ExclusionApplied():
            return Call.of(
                RECRUITMENT,
                f"{base}/exclusions",
                fact.key,
                reason=fact.reason,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case ExclusionRevoked():
            return Call.of(
                RECRUITMENT,
                f"{base}/exclusions/revocation",
                fact.key,
                reason=fact.reason,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
    return None


def _training(fact: object, student: Student, ids: Ids, parties: dict[str, Party]) -> Call | None:
    base = f"/students/{ids.student(student.key)}"
    match fact:
        case f.ProgressReviewHeld():
            return Call.of(
                TRAINING,
                f"{base}/progress-reviews",
                fact.key,
                outcome=fact.outcome,
                on_track=fact.on_track,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.BreakStarted():
            return Call.of(
                TRAINING, f"{base}/breaks", fact.key, start_on=fact.start_on, reason=fact.reason, evidence=fact.evidence
            )
        case f.BreakEnded():
            return Call.of(TRAINING, f"{base}/breaks/current/end", fact.key, end_on=fact.end_on, evidence=fact.evidence)
        case f.TransferredToClass():
            return Call.of(
                TRAINING,
                f"{base}/transfers",
                fact.key,
                to_class_id=ids.of(fact.to_class),
                start_on=fact.start_on,
                evidence=fact.evidence,
            )
        case f.Restarted():
            return Call.of(
                TRAINING,
                f"{base}/restarts",
                fact.key,
                start_on=fact.start_on,
                class_id=ids.of(fact.class_key),
                evidence=fact.evidence,
            )
        case f.Withdrawn():
            return Call.of(
                TRAINING,
                f"{base}/withdrawal",
                fact.key,
                last_day=fact.last_day,
                reason=fact.reason,
                evidence=fact.evidence,
            )
        case f.Graduated():
            return Call.of(
                TRAINING, f"{base}/graduation", fact.key, graduated_on=fact.graduated_on, evidence=fact.evidence
            )
        case f.InternshipStarted():
            host = parties[fact.host]
            return Call.of(
                TRAINING,
                f"{base}/internships",
                fact.key,
                host_name=host.name,
                host_credit_code=host.credit_code,
                related_to_major=fact.related_to_major,
                monthly_pay=fact.monthly_pay,
                start_on=fact.start_on,
                internship_id=ids.of(fact.key),
                evidence=fact.evidence,
            )
        case f.InternshipEnded():
            return Call.of(
                TRAINING,
                f"{base}/internships/{ids.of(fact.internship)}/end",
                fact.key,
                outcome=fact.outcome,
                end_on=fact.end_on,
                evidence=fact.evidence,
            )
        case f.CertificateAwarded():
            return Call.of(
                TRAINING,
                f"{base}/certificates",
                fact.key,
                name=fact.name,
                level=fact.level,
                issuer=fact.issuer,
                awarded_on=fact.awarded_on,
                certificate_id=ids.of(fact.key),
                evidence=fact.evidence,
            )
    return None


def _employment(fact: object, student: Student, ids: Ids, parties: dict[str, Party]) -> Call | None:
    base = f"/students/{ids.student(student.key)}"
    match fact:
        case f.JobOffered():
            employer = parties[fact.employer]
            return Call.of(
                EMPLOYMENT,
                f"{base}/offers",
                fact.key,
                learn=("subject_id", fact.key),
                employer_name=employer.name,
                employer_credit_code=employer.credit_code,
                monthly_wage=fact.monthly_wage,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.OfferAccepted():
            return Call.of(
                EMPLOYMENT,
                f"/offers/{ids.learned[fact.offer]}/answer",
                fact.key,
                answer="accepted",
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.OfferDeclined():
            return Call.of(
                EMPLOYMENT,
                f"/offers/{ids.learned[fact.offer]}/answer",
                fact.key,
                answer="declined",
                reason=fact.reason,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.Placed():
            employer = parties[fact.employer]
            return Call.of(
                EMPLOYMENT,
                f"{base}/placements",
                fact.key,
                learn=("subject_id", fact.key),
                employer_name=employer.name,
                employer_credit_code=employer.credit_code,
                relation=fact.relation,
                employer_type=fact.employer_type,
                location=fact.location,
                related_to_training=fact.related_to_training,
                monthly_wage=fact.monthly_wage,
                contract_type=fact.contract_type,
                social_insurance=fact.social_insurance,
                start_on=fact.start_on,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.FurtherStudyEntered():
            return Call.of(
                EMPLOYMENT,
                f"{base}/further-study",
                fact.key,
                institution=fact.institution,
                start_on=fact.start_on,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.RetentionChecked():
            return Call.of(
                EMPLOYMENT,
                f"/placements/{ids.learned[fact.placement]}/retention-checks",
                fact.key,
                checkpoint_days=fact.checkpoint_days,
                still_employed=fact.still_employed,
                same_employer=fact.same_employer,
                monthly_wage=fact.monthly_wage,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.EmploymentEnded():
            return Call.of(
                EMPLOYMENT,
                f"/placements/{ids.learned[fact.placement]}/end",
                fact.key,
                last_day=fact.last_day,
                reason=fact.reason,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
        case f.HouseholdStatusUpdated():
            return Call.of(
                EMPLOYMENT,
                f"{base}/household-status",
                fact.key,
                poor_household=fact.poor_household,
                status=fact.status,
                occurred_on=fact.occurred_on,
                evidence=fact.evidence,
            )
    return None


def student_call(fact: object, student: Student, ids: Ids, parties: dict[str, Party]) -> Call:
    if isinstance(fact, EventCorrected | EventRetracted):
        return follow_up_call(fact, ids)
    call = (
        _recruitment(fact, student, ids)
        or _training(fact, student, ids, parties)
        or _employment(fact, student, ids, parties)
    )
    if call is None:
        raise TypeError(f"no command records a {type(fact).__name__}")
    return call
