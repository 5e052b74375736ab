"""Handlers for applicants and students. Commands on one student are serialised by a row lock."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from services.recruitment.adapters.db import classes as class_rows
from services.recruitment.adapters.db import exclusions, parties
from services.recruitment.adapters.db import students as rows
from services.recruitment.commands import (
    ApplyExclusion,
    CancelEnrolment,
    DecideApplication,
    EnrolStudent,
    RevokeExclusion,
    SignEmploymentIntent,
    SubmitApplication,
)
from services.recruitment.commands.students import Applicant, StudentNamed
from services.recruitment.domain import exclusions as exclusion_rules
from services.recruitment.domain import students as rules
from services.recruitment.domain.students import Application
from services.recruitment.handlers.context import Context, found, recorded
from shared.contracts.recruitment import ApplicationSubmitted
from shared.web.errors import NotFound
from shared.web.unit_of_work import UnitOfWork

Answer = tuple[int, dict[str, Any]]


def _sealed(ctx: Context, student_id: UUID, applicant: Applicant) -> dict[str, bytes]:
    return {
        "national_id": ctx.vault.seal(student_id, "national_id", applicant.national_id),
        "name": ctx.vault.seal(student_id, "name", applicant.name),
        "hukou": ctx.vault.seal(student_id, "hukou", applicant.household_registration),
    }


async def _student_of_national_id(uow: UnitOfWork, ctx: Context, cmd: SubmitApplication) -> UUID:
    """A returning applicant (same national ID) keeps their student_id; their latest personal data is kept."""
    digest = ctx.vault.digest(cmd.applicant.national_id)
    existing = await rows.student_with_digest(uow.conn, digest)
    if existing is None:
        candidate = uuid4()
        sealed = _sealed(ctx, candidate, cmd.applicant)
        existing = await rows.add_student(uow.conn, candidate, digest, sealed, cmd.home_region, ctx.recorded_at)
        if existing == candidate:
            return candidate
    await rows.lock_student(uow.conn, existing)
    await rows.update_student(uow.conn, existing, _sealed(ctx, existing, cmd.applicant), cmd.home_region)
    return existing


async def submit_application(cmd: SubmitApplication, uow: UnitOfWork, ctx: Context) -> Answer:
    ordered_class = found(await class_rows.get(uow.conn, cmd.class_id), "class", cmd.class_id)
    student_id = await _student_of_national_id(uow, ctx, cmd)
    application_id = cmd.application_id or uuid4()
    submitted = ApplicationSubmitted(
        application_id=application_id,
        home_region=cmd.home_region,
        poor_household=cmd.poor_household,
        poor_household_verified_by=cmd.poor_household_verified_by,
        prior_education=cmd.prior_education,
        channel=cmd.channel,
    )
    earlier = await rows.applications_of(uow.conn, student_id)
    rules.submit(ordered_class, earlier, submitted, ctx.business_date(cmd))
    event = ctx.wrap(submitted, cmd, ordered_class.partnership_id, student_id=student_id, class_id=cmd.class_id)
    await rows.add_application(uow.conn, event, submitted)
    await uow.emit(event)
    return 201, recorded(event, application_id=application_id, student_id=student_id)


async def _application(uow: UnitOfWork, application_id: UUID) -> Application:
    student_id = found(await rows.student_of_application(uow.conn, application_id), "application", application_id)
    await rows.lock_student(uow.conn, student_id)
    return found(await rows.application(uow.conn, application_id), "application", application_id)


async def decide_application(cmd: DecideApplication, uow: UnitOfWork, ctx: Context) -> Answer:
    application = await _application(uow, cmd.application_id)
    decided = rules.decide(application, cmd.decision, cmd.reason, ctx.business_date(cmd))
    event = ctx.wrap(
        decided, cmd, application.partnership_id, student_id=application.student_id, class_id=application.class_id
    )
    await rows.add_decision(uow.conn, event, application.application_id, cmd.decision.value, cmd.reason)
    await uow.emit(event)
    return 201, recorded(event, application_id=cmd.application_id, student_id=application.student_id)


async def enrol_student(cmd: EnrolStudent, uow: UnitOfWork, ctx: Context) -> Answer:
    application = await _application(uow, cmd.application_id)
    ordered_class = found(
        await class_rows.get(uow.conn, application.class_id, lock=True), "class", application.class_id
    )
    enrolled = rules.enrol(
        application,
        ordered_class,
        await rows.live_enrolment(uow.conn, application.student_id),
        await class_rows.live_enrolments(uow.conn, application.class_id),
        cmd.start_on,
        cmd.planned_end_on,
        ctx.business_date(cmd),
    )
    event = ctx.wrap(
        enrolled, cmd, application.partnership_id, student_id=application.student_id, class_id=application.class_id
    )
    await rows.add_enrolment(uow.conn, event, enrolled)
    await uow.emit(event)
    return 201, recorded(event, enrolment_id=event.id, student_id=application.student_id, class_id=application.class_id)


async def _locked_student(uow: UnitOfWork, cmd: StudentNamed) -> UUID:
    """The student the command names, locked for the rest of the transaction."""
    student_id = cmd.student_id
    if student_id is None and cmd.application_id is not None:
        student_id = await rows.student_of_application(uow.conn, cmd.application_id)
    if student_id is None or not await rows.lock_student(uow.conn, student_id):
        raise NotFound(f"no student {cmd.student_id or f'with application {cmd.application_id}'}")
    return student_id


async def cancel_enrolment(cmd: CancelEnrolment, uow: UnitOfWork, ctx: Context) -> Answer:
    student_id = await _locked_student(uow, cmd)
    enrolment = rules.current_enrolment(student_id, await rows.live_enrolment(uow.conn, student_id))
    cancelled = rules.cancel(enrolment, cmd.reason, ctx.business_date(cmd))
    event = ctx.wrap(cancelled, cmd, enrolment.partnership_id, student_id=student_id, class_id=enrolment.class_id)
    await rows.mark_cancelled(uow.conn, event, enrolment.enrolment_id, cmd.reason)
    await uow.emit(event)
    return 201, recorded(event, enrolment_id=enrolment.enrolment_id, student_id=student_id)


async def sign_employment_intent(cmd: SignEmploymentIntent, uow: UnitOfWork, ctx: Context) -> Answer:
    student_id = await _locked_student(uow, cmd)
    enrolment = rules.current_enrolment(student_id, await rows.live_enrolment(uow.conn, student_id))
    employer = found(await parties.get(uow.conn, cmd.employer_id), "party", cmd.employer_id)
    signed = rules.sign_employment_intent(enrolment, employer, ctx.business_date(cmd))
    event = ctx.wrap(signed, cmd, enrolment.partnership_id, student_id=student_id, class_id=enrolment.class_id)
    await rows.add_intent(uow.conn, event, enrolment.enrolment_id, cmd.employer_id)
    await uow.emit(event)
    return 201, recorded(event, enrolment_id=enrolment.enrolment_id, student_id=student_id)


async def apply_exclusion(cmd: ApplyExclusion, uow: UnitOfWork, ctx: Context) -> Answer:
    student_id = await _locked_student(uow, cmd)
    enrolment = await rows.live_enrolment(uow.conn, student_id)
    standing = await exclusions.standing(uow.conn, student_id)
    applied, partnership_id = exclusion_rules.apply_exclusion(student_id, enrolment, standing, cmd.reason)
    class_id = enrolment.class_id if enrolment else None
    event = ctx.wrap(applied, cmd, partnership_id, student_id=student_id, class_id=class_id)
    await exclusions.add(uow.conn, event, cmd.reason)
    await uow.emit(event)
    return 201, recorded(event, exclusion_id=event.id, student_id=student_id)


async def revoke_exclusion(cmd: RevokeExclusion, uow: UnitOfWork, ctx: Context) -> Answer:
    student_id = await _locked_student(uow, cmd)
    standing = exclusion_rules.standing_exclusion(student_id, await exclusions.standing(uow.conn, student_id))
    revoked = exclusion_rules.revoke_exclusion(standing, cmd.reason, ctx.business_date(cmd))
    event = ctx.wrap(revoked, cmd, standing.partnership_id, student_id=student_id)
    await exclusions.mark_revoked(uow.conn, event, standing.event_id)
    await uow.emit(event)
    return 201, recorded(event, exclusion_id=standing.event_id, student_id=student_id)
