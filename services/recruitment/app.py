"""The recruitment service: partnerships, classes and the students they recruit.

`uvicorn --factory services.recruitment.app:create_app`; nothing happens at import time.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.recruitment.adapters.db.unit_of_work import PostgresRecruitmentUnitOfWork
from services.recruitment.adapters.http import classes, cloudevents, exclusions, imports, partnerships, students
from services.recruitment.adapters.vault import vault_for
from services.recruitment.application.handlers import HANDLERS
from shared.application.clock import Clock
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.web.corrections import corrections_router
from shared.web.runtime import build_app
from shared.web.stages import stage_service

SPEC = stage_service(Stage.RECRUITMENT, Path(__file__).parent, HANDLERS, PostgresRecruitmentUnitOfWork)
SOURCE = SPEC.source

DESCRIPTION = """\
Records the partnership stage (agreements, members, programmes, ordered classes, targets, funding) and the
recruitment stage (applications, decisions, enrolments, employment intents, cancellations) plus exclusions, and
publishes each fact as an event through a transactional outbox: partnership events on `cycle.partnership`, student
events on `cycle.recruitment`, keyed by partnership id.

Personal data (name, national ID, household registration) is stored only here, sealed; every event and every answer
refers to students by a pseudonymous `student_id`.

Every command accepts an `Idempotency-Key`; a repeat returns the first answer and changes nothing. Refusals are
problem details (RFC 9457, `application/problem+json`): a command that breaks a state machine answers 409 with the
reason, an unknown id 404, an impossible fact (a future `occurred_on`) 422. Facts are never edited: correct or
retract them through `/events/{event_id}/corrections` and `/retractions`.
"""


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    vault_for(settings.national_id_key)  # a key too short to seal with stops the service here, not at a request
    routers = [module.router for module in (partnerships, classes, students, exclusions, imports, cloudevents)]
    return build_app(
        SPEC,
        settings,
        title="Cycle recruitment",
        description=DESCRIPTION,
        routers=[*routers, corrections_router()],
        clock=clock,
    )
