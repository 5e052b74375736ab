"""Composition root of the training service: `uvicorn --factory services.training.app:create_app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.training.adapters.db.unit_of_work import PostgresTrainingUnitOfWork
from services.training.adapters.http import cloudevents
from services.training.adapters.http.commands import commands_router
from services.training.adapters.http.imports import imports_router
from services.training.adapters.http.reads import reads_router
from services.training.adapters.kafka import ROSTER
from services.training.application.handlers import HANDLERS
from shared.application.clock import Clock
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.web.corrections import corrections_router
from shared.web.runtime import build_app
from shared.web.stages import stage_service

SPEC = stage_service(Stage.TRAINING, Path(__file__).parent, HANDLERS, PostgresTrainingUnitOfWork, (ROSTER,))

DESCRIPTION = """\
Training records what happens to each learner between enrolment and exit, and publishes it on `cycle.training`.

It learns its roster only from events: classes from `ClassOpened` / `ClassClosed` (partnership topic) and learners
from `StudentEnrolled` / `EnrollmentCancelled` (recruitment topic). An enrolment read before its class is held and
applied when the class arrives (`GET /held-facts`).

Per learner: `active -> on_break -> active`, transfers to another class (of any partnership: the learner moves
with it), `active | on_break -> withdrawn -> (restart) active`, `active -> graduated` (final). A command that breaks
this is 409 with the reason; an unknown student or class is 404; a cancelled enrolment is 409. Business dates may be
past, never future (422). Refusals are RFC 9457 problem details. Send `Idempotency-Key` to make a command safe to
repeat.
"""


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    routers = [commands_router(), reads_router(), corrections_router(), imports_router(), cloudevents.router]
    return build_app(
        SPEC,
        settings or ServiceSettings(),
        title="Training service",
        description=DESCRIPTION,
        routers=routers,
        clock=clock,
    )
