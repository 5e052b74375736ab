"""The student's household poverty status, for any student whose enrolment stands (DOMAIN.md: the latest wins)."""

from __future__ import annotations

from services.employment.application.commands import UpdateHouseholdStatus
from services.employment.application.handlers.common import applied, dated, envelope, known_student
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from services.employment.domain import rules
from shared.application.context import Context
from shared.application.outcome import Outcome


async def update_household_status(command: UpdateHouseholdStatus, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = dated(command, ctx)
    student = await known_student(uow, command.student_id)
    updated = rules.update_household(student, command.poor_household, command.status)
    event = envelope(updated, student, command, ctx)
    await uow.records.add_household_update(updated, event)
    return applied(event, event.id)
