"""The recruitment service: partnerships, classes and the students they recruit.

`uvicorn --factory services.recruitment.app:create_app`; nothing happens at import time.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from pydantic import SecretStr

from services.recruitment.adapters.http import admin, classes, exclusions, partnerships, students
from services.recruitment.adapters.http.common import RecruitmentState, install_validation_handler
from services.recruitment.adapters.vault import PersonalDataVault
from services.recruitment.handlers.context import SOURCE
from services.recruitment.handlers.corrections import on_corrected
from services.recruitment.handlers.retractions import on_retracted
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.web.routes import corrections_router
from shared.web.runtime import ServiceSpec, build_app

SPEC = ServiceSpec(name="recruitment", stage=Stage.RECRUITMENT, migrations=Path(__file__).parent / "migrations")

DESCRIPTION = """\
Records the partnership stage (agreements, members, programmes, ordered classes, targets, funding) and the
recruitment stage (applications, decisions, enrolments, employment intents, cancellations) plus exclusions, and
publishes each fact as an event through a transactional outbox: partnership events on `cycle.partnership`, student
events on `cycle.recruitment`, keyed by partnership id.

Personal data (name, national ID, household registration) is stored only here, sealed; every event and every answer
refers to students by a pseudonymous `student_id`.

Every command accepts an `Idempotency-Key`; a repeat returns the first answer and changes nothing. A command that
breaks a state machine answers 409 with the reason, an unknown id 404, an impossible fact (a future `occurred_on`)
422. Facts are never edited: correct or retract them through `/events/{event_id}/corrections` and `/retractions`.
"""


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    app = build_app(SPEC, settings, title="Cycle recruitment", description=DESCRIPTION)
    token = SecretStr(settings.operator_token) if settings.operator_token else None
    app.state.recruitment = RecruitmentState(vault=PersonalDataVault(settings.national_id_key), operator_token=token)
    install_validation_handler(app)
    for router in (partnerships.router, classes.router, students.router, exclusions.router, admin.router):
        app.include_router(router)
    app.include_router(corrections_router(SOURCE, on_retracted, on_corrected))
    return app
