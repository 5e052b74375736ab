"""A hand-worked cohort shared by the unit and broker tests; the expected figures are written in the tests.

Partnership P: class A (10 seats, programme X, sponsor SPONSOR-A, closed 2025-07-01) and class B (5 seats,
programme Y, sponsor SPONSOR-B, still open); partner enterprise PARTNER-1; funding 120,000 yuan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from shared.contracts.base import Evidence
from shared.contracts.corrections import EventRetracted, ExclusionApplied
from shared.contracts.employment import FurtherStudyEntered, HouseholdStatusUpdated
from shared.contracts.partnership import (
    ClassClosed,
    ClassOpened,
    FundingRecorded,
    MemberJoined,
    PartnershipSigned,
    TargetSet,
)
from shared.contracts.recruitment import EnrollmentCancelled
from shared.contracts.training import (
    BreakEnded,
    BreakStarted,
    CertificateAwarded,
    Graduated,
    InternshipEnded,
    InternshipStarted,
    Restarted,
    TrainingHoursLogged,
    TrainingHoursVerified,
    TransferredToClass,
    Withdrawn,
)
from tests.unit.assessment.builders import Script, at_noon

G = date(2025, 1, 15)


@dataclass
class Cohort:
    script: Script
    class_a: UUID = field(default_factory=uuid4)
    class_b: UUID = field(default_factory=uuid4)
    programme_x: UUID = field(default_factory=uuid4)
    programme_y: UUID = field(default_factory=uuid4)
    students: dict[str, UUID] = field(default_factory=dict)
    target_id: UUID = field(default_factory=uuid4)


def _open(script: Script, cohort: Cohort, class_id: UUID, programme: UUID, seats: int, sponsor: str) -> None:
    script.emit(
        ClassOpened(
            class_id=class_id,
            name="class",
            school_id=uuid4(),
            sponsor_id=uuid4(),
            sponsor_credit_code=sponsor,
            programme_id=programme,
            major="cooking",
            seats=seats,
            cohort_year=2024,
            planned_start=date(2024, 3, 1),
            planned_end=date(2025, 1, 15),
            hiring_commitment=seats,
        ),
        date(2024, 1, 5),
        class_id=class_id,
    )


def _hours(
    script: Script,
    class_id: UUID,
    hours: int,
    taught_by: str,
    logger: UUID,
    verifications: list[tuple[UUID, int, date]],
) -> None:
    log = uuid4()
    script.emit(
        TrainingHoursLogged(log_id=log, module="m", hours=Decimal(hours), taught_by=taught_by, logged_by=logger),
        date(2024, 5, 1),
        class_id=class_id,
    )
    for verifier, accepted, on in verifications:
        script.emit(
            TrainingHoursVerified(log_id=log, hours_accepted=Decimal(accepted), verified_by=verifier),
            on,
            class_id=class_id,
        )


def scripted_cohort(partnership_id: UUID | None = None, parent_id: UUID | None = None) -> Cohort:
    script = Script(partnership_id=partnership_id or uuid4())
    c = Cohort(script)
    s = c.students
    script.emit(PartnershipSigned(name="P", valid_from=date(2024, 1, 1), parent_id=parent_id), date(2024, 1, 1))
    script.emit(
        MemberJoined(
            party_id=uuid4(),
            party_name="Partner",
            party_role="enterprise",
            region="east",
            locality="Guangzhou",
            credit_code="PARTNER-1",
        ),
        date(2024, 1, 2),
    )
    _open(script, c, c.class_a, c.programme_x, 10, "SPONSOR-A")
    _open(script, c, c.class_b, c.programme_y, 5, "SPONSOR-B")
    script.emit(
        FundingRecorded(
            funding_id=uuid4(),
            amount_yuan=Decimal(120000),
            source="fiscal_poverty_alleviation",
            period_start=date(2024, 1, 1),
            period_end=date(2025, 12, 31),
        ),
        date(2024, 1, 3),
    )
    script.emit(
        TargetSet(target_id=c.target_id, metric="employment_rate", comparison="at_least", goal=0.9), date(2024, 1, 3)
    )
    school, enterprise = uuid4(), uuid4()
    _hours(script, c.class_a, 30, "enterprise", enterprise, [(school, 30, date(2024, 5, 2))])
    _hours(
        script,
        c.class_a,
        50,
        "school",
        school,
        [(enterprise, 45, date(2024, 5, 2)), (enterprise, 40, date(2024, 5, 3))],
    )
    _hours(script, c.class_a, 20, "enterprise", enterprise, [(enterprise, 20, date(2024, 5, 2))])
    _hours(script, c.class_b, 10, "enterprise", enterprise, [(school, 10, date(2024, 5, 2))])

    a, b = c.class_a, c.class_b
    # S8's placement arrives before the student's enrolment and graduation (out of order).
    s["S8"] = uuid4()
    s1 = s["S1"] = script.enrol(a, "Bijie", poor=True)
    script.emit(
        InternshipStarted(
            internship_id=(i1 := uuid4()),
            host_name="H",
            related_to_major=True,
            monthly_pay=Decimal(1000),
            start_on=date(2024, 10, 1),
        ),
        date(2024, 10, 1),
        student=s1,
    )
    script.emit(
        InternshipEnded(internship_id=i1, outcome="completed", end_on=date(2024, 12, 1)), date(2024, 12, 1), student=s1
    )
    script.emit(
        CertificateAwarded(
            certificate_id=uuid4(), name="Chef", level="3", issuer="Bureau", awarded_on=date(2025, 1, 10)
        ),
        date(2025, 1, 10),
        student=s1,
    )
    script.emit(Graduated(graduated_on=G), G, student=s1)
    _, p1 = script.place(s1, date(2025, 2, 1), code="SPONSOR-A", wage=5000, employer_type="state_owned")
    script.check(s1, p1, 90, date(2025, 5, 2))
    script.check(s1, p1, 180, date(2025, 7, 31))
    script.check(s1, p1, 365, date(2026, 2, 1))

    s2 = s["S2"] = script.enrol(a, "Anshun")
    script.emit(
        CertificateAwarded(
            certificate_id=uuid4(), name="Attendance", level=None, issuer="School", awarded_on=date(2025, 1, 10)
        ),
        date(2025, 1, 10),
        student=s2,
    )
    script.emit(
        InternshipStarted(
            internship_id=(i2 := uuid4()),
            host_name="H",
            related_to_major=True,
            monthly_pay=Decimal(1000),
            start_on=date(2025, 2, 1),
        ),
        date(2025, 2, 1),
        student=s2,
    )
    script.emit(
        InternshipEnded(internship_id=i2, outcome="completed", end_on=date(2025, 2, 20)), date(2025, 2, 20), student=s2
    )
    script.emit(Graduated(graduated_on=G), G, student=s2)
    _, p2 = script.place(
        s2, date(2025, 3, 1), code="OTHER", wage=3000, location="home_region", related=False, relation="sponsor"
    )
    script.check(s2, p2, 90, date(2025, 5, 30), evidence=Evidence.SELF_REPORT)
    script.check(
        s2,
        p2,
        90,
        date(2025, 5, 30),
        employed=False,
        evidence=Evidence.SOCIAL_INSURANCE_RECORD,
        recorded=at_noon(date(2025, 5, 29)),
    )

    s3 = s["S3"] = script.enrol(a, "Bijie", poor=False)
    script.emit(
        HouseholdStatusUpdated(poor_household=True), date(2024, 2, 20), student=s3, recorded=at_noon(date(2024, 5, 1))
    )
    script.emit(Withdrawn(last_day=date(2024, 3, 20), reason="family"), date(2024, 3, 20), student=s3)

    s4 = s["S4"] = script.enrol(b, "Qiannan", poor=True)
    script.emit(BreakStarted(start_on=date(2024, 4, 1)), date(2024, 4, 1), student=s4)
    script.emit(BreakEnded(end_on=date(2024, 6, 1)), date(2024, 6, 1), student=s4)
    script.emit(Withdrawn(last_day=date(2024, 6, 10), reason="health"), date(2024, 6, 10), student=s4)

    s5 = s["S5"] = script.enrol(b, "Anshun")
    script.emit(Withdrawn(last_day=date(2024, 4, 11), reason="financial"), date(2024, 4, 11), student=s5)

    s6 = s["S6"] = script.enrol(a, "Bijie")
    script.emit(
        TransferredToClass(from_class_id=a, to_class_id=b, start_on=date(2024, 6, 1)), date(2024, 6, 1), student=s6
    )
    script.emit(Graduated(graduated_on=G), G, student=s6)
    script.emit(FurtherStudyEntered(institution="College", start_on=date(2025, 3, 1)), date(2025, 3, 1), student=s6)

    s7 = s["S7"] = script.enrol(a, "Anshun")
    script.emit(Withdrawn(last_day=date(2024, 3, 10), reason="family"), date(2024, 3, 10), student=s7)
    script.emit(Restarted(start_on=date(2024, 9, 1)), date(2024, 9, 1), student=s7, class_id=a)
    script.emit(Graduated(graduated_on=date(2025, 6, 30)), date(2025, 6, 30), student=s7)
    script.place(s7, date(2026, 3, 1), code="OTHER", wage=6000)

    s8 = s["S8"]
    script.place(s8, date(2024, 12, 20), code="PARTNER-1", wage=4000, on=date(2024, 12, 20))
    p8 = _placement_of(script, s8)
    script.check(s8, p8, 90, date(2025, 3, 20))
    script.check(s8, p8, 180, date(2025, 6, 18), same=False)
    script.emit(
        CertificateAwarded(
            certificate_id=uuid4(), name="Chef", level="2", issuer="Bureau", awarded_on=date(2026, 2, 1)
        ),
        date(2026, 2, 1),
        student=s8,
    )
    _enrol_existing(script, s8, a, "Bijie")
    script.emit(Graduated(graduated_on=G), G, student=s8)

    s9 = s["S9"] = script.enrol(a, "Bijie")
    script.emit(Graduated(graduated_on=G), G, student=s9)
    script.emit(ExclusionApplied(reason="military_service"), date(2025, 9, 1), student=s9)

    s10 = s["S10"] = script.enrol(a, "Qiannan")
    script.emit(Graduated(graduated_on=G), G, student=s10)
    placed10, p10 = script.place(s10, date(2025, 2, 1), code="SPONSOR-A", wage=9000)
    script.check(s10, p10, 90, date(2025, 5, 2))
    script.emit(EventRetracted(reason="entered by mistake"), date(2025, 6, 1), student=s10, supersedes=placed10.id)

    s["S11"] = script.enrol(a, "Bijie")
    s12 = s["S12"] = script.enrol(b, "Qiannan")
    script.emit(BreakStarted(start_on=date(2025, 5, 1)), date(2025, 5, 1), student=s12)
    s14 = s["S14"] = script.enrol(a, "Bijie")
    script.emit(EnrollmentCancelled(reason="changed mind"), date(2024, 3, 5), student=s14)
    s["S15"] = script.enrol(a, "Bijie", decision="rejected", enrol=False)
    s["S16"] = script.enrol(a, "Bijie", decision="waitlisted", enrol=False)
    script.emit(ClassClosed(class_id=a), date(2025, 7, 1), class_id=a)
    return c


def _placement_of(script: Script, student: UUID) -> UUID:
    placed = [e for e in script.events if e.type == "Placed" and e.student_id == student]
    return placed[-1].data.placement_id  # type: ignore[attr-defined]


def _enrol_existing(script: Script, student: UUID, class_id: UUID, region: str) -> None:
    from shared.contracts.recruitment import ApplicationDecided, ApplicationSubmitted, StudentEnrolled

    application = uuid4()
    script.emit(
        ApplicationSubmitted(
            application_id=application,
            home_region=region,
            poor_household=False,
            poor_household_verified_by="poverty_registry",
            prior_education="junior",
            channel="school",
        ),
        date(2024, 1, 10),
        student=student,
        class_id=class_id,
    )
    script.emit(
        ApplicationDecided(application_id=application, decision="admitted"),
        date(2024, 2, 1),
        student=student,
        class_id=class_id,
    )
    script.emit(
        StudentEnrolled(application_id=application, start_on=date(2024, 3, 1), planned_end_on=date(2025, 1, 15)),
        date(2024, 3, 1),
        student=student,
        class_id=class_id,
    )


__all__ = ["G", "Cohort", "datetime", "scripted_cohort"]
