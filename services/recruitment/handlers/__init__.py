"""One handler per command: load, decide with the domain, save, emit through the outbox, answer.

`dispatch` is the one way in, for live requests and imported facts alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

from services.recruitment.handlers import classes, partnerships, students
from services.recruitment.handlers.context import Context
from services.recruitment.handlers.errors import translated
from shared.web.errors import Conflict
from shared.web.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
Answer = tuple[int, dict[str, Any]]
Handler = Callable[[Any, UnitOfWork, Context], Awaitable[Answer]]

HANDLERS: dict[str, Handler] = {
    "RegisterParty": partnerships.register_party,
    "SignPartnership": partnerships.sign_partnership,
    "AmendPartnership": partnerships.amend_partnership,
    "EndPartnership": partnerships.end_partnership,
    "AdmitMember": partnerships.admit_member,
    "RemoveMember": partnerships.remove_member,
    "SetTarget": partnerships.set_target,
    "RegisterProgramme": partnerships.register_programme,
    "RecordFunding": partnerships.record_funding,
    "OpenClass": classes.open_class,
    "CloseClass": classes.close_class,
    "SubmitApplication": students.submit_application,
    "DecideApplication": students.decide_application,
    "EnrolStudent": students.enrol_student,
    "CancelEnrolment": students.cancel_enrolment,
    "SignEmploymentIntent": students.sign_employment_intent,
    "ApplyExclusion": students.apply_exclusion,
    "RevokeExclusion": students.revoke_exclusion,
}


async def dispatch(command: Any, uow: UnitOfWork, ctx: Context) -> Answer:
    handler = HANDLERS[command.type]
    try:
        with translated():
            answer = await handler(command, uow, ctx)
    except asyncpg.UniqueViolationError as error:
        # Client-chosen ids (imports) that exist already, or a race the row locks did not cover.
        raise Conflict(f"{command.type}: a record with the same identity exists ({error.constraint_name})") from error
    for event in uow.emitted:  # envelopes carry no personal data, so they may be logged
        log.info("fact recorded", type=event.type, event_id=str(event.id), partnership_id=str(event.partnership_id))
    return answer
