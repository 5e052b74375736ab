"""Composition root of the training service: `uvicorn --factory services.training.app:create_app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.training.adapters.admin import admin_router
from services.training.adapters.http import commands_router
from services.training.adapters.http_reads import reads_router
from services.training.adapters.kafka import roster_handler
from services.training.adapters.problems import install_problems
from services.training.handlers.common import SOURCE
from services.training.handlers.retractions import undo_retracted
from services.training.settings import TrainingSettings
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.web.routes import corrections_router
from shared.web.runtime import ConsumerSpec, ServiceSpec, build_app

SPEC = ServiceSpec(
    name="training",
    stage=Stage.TRAINING,
    migrations=Path(__file__).parent / "migrations",
    consumers=(ConsumerSpec("roster", (Stage.PARTNERSHIP, Stage.RECRUITMENT), roster_handler),),
)

DESCRIPTION = """\
Training records what happens to each learner between enrolment and exit, and publishes it on `cycle.training`.

It learns its roster only from events: classes from `ClassOpened` / `ClassClosed` (partnership topic) and learners
from `StudentEnrolled` / `EnrollmentCancelled` (recruitment topic). An enrolment read before its class is held and
applied when the class arrives (`GET /held-facts`).

Per learner: `active -> on_break -> active`, transfers within the partnership, `active | on_break -> withdrawn ->
(restart) active`, `active -> graduated` (final). A command that breaks this is 409 with the reason; an unknown
student or class is 404; a cancelled enrolment is 409. Business dates may be past, never future (422).
Send `Idempotency-Key` to make a command safe to repeat.
"""


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    token = TrainingSettings().operator_token
    app = build_app(SPEC, settings, title="Training service", description=DESCRIPTION)
    install_problems(app)
    app.include_router(commands_router())
    app.include_router(reads_router())
    app.include_router(corrections_router(SOURCE, undo_retracted))
    app.include_router(admin_router(token.get_secret_value() if token else None))
    return app
