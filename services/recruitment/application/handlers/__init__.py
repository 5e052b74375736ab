"""One handler per command: load through the unit of work, decide with the domain, save, return an Outcome.

The shared pipeline (shared/application/pipeline.py) opens the unit of work, runs the handler, writes the
events of its Outcome to the outbox and commits; live requests and imported facts alike come through it.
"""

from __future__ import annotations

from services.recruitment.application.commands import (
    AdmitMember,
    AmendPartnership,
    ApplyExclusion,
    CancelEnrolment,
    CloseClass,
    DecideApplication,
    EndPartnership,
    EnrolStudent,
    OpenClass,
    RecordFunding,
    RegisterParty,
    RegisterProgramme,
    RemoveMember,
    RevokeExclusion,
    SetTarget,
    SignEmploymentIntent,
    SignPartnership,
    SubmitApplication,
)
from services.recruitment.application.handlers import classes, exclusions, partnerships, students
from services.recruitment.application.handlers.corrections import on_corrected
from services.recruitment.application.handlers.retractions import on_retracted
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from shared.application.follow_ups import follow_up_handlers
from shared.application.pipeline import Handler

HANDLERS: dict[type, Handler[RecruitmentUnitOfWork]] = {
    RegisterParty: partnerships.register_party,
    SignPartnership: partnerships.sign_partnership,
    AmendPartnership: partnerships.amend_partnership,
    EndPartnership: partnerships.end_partnership,
    AdmitMember: partnerships.admit_member,
    RemoveMember: partnerships.remove_member,
    SetTarget: partnerships.set_target,
    RegisterProgramme: partnerships.register_programme,
    RecordFunding: partnerships.record_funding,
    OpenClass: classes.open_class,
    CloseClass: classes.close_class,
    SubmitApplication: students.submit_application,
    DecideApplication: students.decide_application,
    EnrolStudent: students.enrol_student,
    CancelEnrolment: students.cancel_enrolment,
    SignEmploymentIntent: students.sign_employment_intent,
    ApplyExclusion: exclusions.apply_exclusion,
    RevokeExclusion: exclusions.revoke_exclusion,
    **follow_up_handlers(on_corrected, on_retracted),
}
