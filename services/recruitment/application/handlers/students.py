"""Handlers for applicants and students. Commands on one student are serialised by a row lock."""

from __future__ import annotations

from uuid import UUID, uuid4

from services.recruitment.application.commands import students as commands
from services.recruitment.application.handlers.common import fact_event, found, stated
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork, Sealed
from services.recruitment.domain import students as rules
from services.recruitment.domain.errors import UnknownRecord
from services.recruitment.domain.students import Application
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.recruitment import ApplicationSubmitted


def _sealed(uow: RecruitmentUnitOfWork, student_id: UUID, applicant: commands.Applicant) -> Sealed:
    return {
        "national_id": uow.vault.seal(student_id, "national_id", applicant.national_id),
        "name": uow.vault.seal(student_id, "name", applicant.name),
        "hukou": uow.vault.seal(student_id, "hukou", applicant.household_registration),
    }


async def _student_of_national_id(
    uow: RecruitmentUnitOfWork, ctx: Context, cmd: commands.SubmitApplication
) -> tuple[UUID, bool]:
    """The applicant's student_id, and whether it is new. A returning applicant (same national ID) keeps their
    student_id; their latest personal data is kept. Most applicants are new, so adding comes first (one statement
    when it is): `add` finds the student a national ID already has."""
    digest = uow.vault.digest(cmd.applicant.national_id)
    candidate = uuid4()
    sealed = _sealed(uow, candidate, cmd.applicant)
    existing = await uow.students.add(candidate, digest, sealed, cmd.home_region, ctx.recorded_at)
    if existing == candidate:
        return candidate, True
    await uow.students.lock(existing)
    await uow.students.update(existing, _sealed(uow, existing, cmd.applicant), cmd.home_region)
    return existing, False


async def submit_application(cmd: commands.SubmitApplication, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    ordered_class = found(await uow.classes.get(cmd.class_id), "class", cmd.class_id)
    student_id, new = await _student_of_national_id(uow, ctx, cmd)
    application_id = cmd.application_id or uuid4()
    submitted = stated(ApplicationSubmitted, cmd, application_id=application_id)
    earlier = [] if new else await uow.students.applications_of(student_id)  # a new student has applied nowhere
    rules.submit(ordered_class, earlier, submitted, ctx.business_date(cmd.occurred_on))
    event = fact_event(ctx, submitted, cmd, ordered_class.partnership_id, student_id=student_id, class_id=cmd.class_id)
    await uow.students.add_application(event, submitted)
    return Outcome.recorded(event, application_id=application_id, student_id=student_id)


async def _application(uow: RecruitmentUnitOfWork, application_id: UUID) -> Application:
    student_id = found(await uow.students.student_of_application(application_id), "application", application_id)
    await uow.students.lock(student_id)
    return found(await uow.students.application(application_id), "application", application_id)


async def decide_application(cmd: commands.DecideApplication, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    application = await _application(uow, cmd.application_id)
    decided = rules.decide(application, cmd.decision, cmd.reason, ctx.business_date(cmd.occurred_on))
    event = fact_event(
        ctx, decided, cmd, application.partnership_id, student_id=application.student_id, class_id=application.class_id
    )
    await uow.students.add_decision(event, application.application_id, cmd.decision.value, cmd.reason)
    return Outcome.recorded(event, application_id=cmd.application_id, student_id=application.student_id)


async def enrol_student(cmd: commands.EnrolStudent, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    application = await _application(uow, cmd.application_id)
    ordered_class = found(await uow.classes.get(application.class_id, lock=True), "class", application.class_id)
    enrolled = rules.enrol(
        application,
        ordered_class,
        await uow.students.live_enrolment(application.student_id),
        await uow.classes.live_enrolments(application.class_id),
        cmd.start_on,
        cmd.planned_end_on,
        ctx.business_date(cmd.occurred_on),
    )
    event = fact_event(
        ctx, enrolled, cmd, application.partnership_id, student_id=application.student_id, class_id=application.class_id
    )
    await uow.students.add_enrolment(event, enrolled)
    return Outcome.recorded(
        event, enrolment_id=event.id, student_id=application.student_id, class_id=application.class_id
    )


async def locked_student(uow: RecruitmentUnitOfWork, cmd: commands.StudentNamed) -> UUID:
    """The student the command names, locked for the rest of the transaction."""
    student_id = cmd.student_id
    if student_id is None and cmd.application_id is not None:
        student_id = await uow.students.student_of_application(cmd.application_id)
    if student_id is None or not await uow.students.lock(student_id):
        raise UnknownRecord(f"no student {cmd.student_id or f'with application {cmd.application_id}'}")
    return student_id


async def cancel_enrolment(cmd: commands.CancelEnrolment, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    student_id = await locked_student(uow, cmd)
    enrolment = rules.current_enrolment(student_id, await uow.students.live_enrolment(student_id))
    cancelled = rules.cancel(enrolment, cmd.reason, ctx.business_date(cmd.occurred_on))
    event = fact_event(
        ctx, cancelled, cmd, enrolment.partnership_id, student_id=student_id, class_id=enrolment.class_id
    )
    await uow.students.mark_cancelled(event, enrolment.enrolment_id, cmd.reason)
    return Outcome.recorded(event, enrolment_id=enrolment.enrolment_id, student_id=student_id)


async def sign_employment_intent(
    cmd: commands.SignEmploymentIntent, uow: RecruitmentUnitOfWork, ctx: Context
) -> Outcome:
    student_id = await locked_student(uow, cmd)
    enrolment = rules.current_enrolment(student_id, await uow.students.live_enrolment(student_id))
    employer = found(await uow.parties.get(cmd.employer_id), "party", cmd.employer_id)
    signed = rules.sign_employment_intent(enrolment, employer, ctx.business_date(cmd.occurred_on))
    event = fact_event(ctx, signed, cmd, enrolment.partnership_id, student_id=student_id, class_id=enrolment.class_id)
    await uow.students.add_intent(event, enrolment.enrolment_id, cmd.employer_id)
    return Outcome.recorded(event, enrolment_id=enrolment.enrolment_id, student_id=student_id)
