"""One handler per command: load through the unit of work, decide with the domain, save, return an Outcome.

The shared pipeline (shared/application/pipeline.py) opens the unit of work, runs the handler, writes the
events of its Outcome to the outbox and commits; live requests and imported facts alike come through it.
"""

from __future__ import annotations

from services.recruitment.application.commands import partnerships as partnership_commands
from services.recruitment.application.commands import students as student_commands
from services.recruitment.application.handlers import classes, exclusions, partnerships, students
from services.recruitment.application.handlers.corrections import on_corrected
from services.recruitment.application.handlers.retractions import on_retracted
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from shared.application.follow_ups import follow_up_handlers
from shared.application.pipeline import Handler

HANDLERS: dict[type, Handler[RecruitmentUnitOfWork]] = {
    partnership_commands.RegisterParty: partnerships.register_party,
    partnership_commands.SignPartnership: partnerships.sign_partnership,
    partnership_commands.AmendPartnership: partnerships.amend_partnership,
    partnership_commands.EndPartnership: partnerships.end_partnership,
    partnership_commands.AdmitMember: partnerships.admit_member,
    partnership_commands.RemoveMember: partnerships.remove_member,
    partnership_commands.SetTarget: partnerships.set_target,
    partnership_commands.RegisterProgramme: partnerships.register_programme,
    partnership_commands.RecordFunding: partnerships.record_funding,
    partnership_commands.OpenClass: classes.open_class,
    partnership_commands.CloseClass: classes.close_class,
    student_commands.SubmitApplication: students.submit_application,
    student_commands.DecideApplication: students.decide_application,
    student_commands.EnrolStudent: students.enrol_student,
    student_commands.CancelEnrolment: students.cancel_enrolment,
    student_commands.SignEmploymentIntent: students.sign_employment_intent,
    student_commands.ApplyExclusion: exclusions.apply_exclusion,
    student_commands.RevokeExclusion: exclusions.revoke_exclusion,
    **follow_up_handlers(on_corrected, on_retracted),
}
