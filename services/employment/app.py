"""Composition root of the employment service: `uvicorn --factory services.employment.app:create_app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.employment.adapters import admin, http, reads, reads_records
from services.employment.adapters.corrections import apply_correction
from services.employment.adapters.kafka import UPSTREAM_STAGES, upstream_handler
from services.employment.adapters.retractions import undo
from services.employment.handlers import SOURCE
from services.employment.settings import SERVICE_NAME, EmploymentSettings
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.web.routes import corrections_router
from shared.web.runtime import ConsumerSpec, ServiceSpec, build_app

SPEC = ServiceSpec(
    name=SERVICE_NAME,
    stage=Stage.EMPLOYMENT,
    migrations=Path(__file__).parent / "migrations",
    consumers=(ConsumerSpec("upstream", UPSTREAM_STAGES, upstream_handler),),
)

DESCRIPTION = """
Offers, placements, further study, retention checks and household status of the graduates of ordered classes.

Employment learns who graduated, withdrew or was enrolled **only from events** (partnership, recruitment and
training topics). Graduate-only facts (offers, answers, placements, further study) for a student whose
graduation has not arrived yet are **held** (202) and applied in order when it arrives, or rejected when a
withdrawal or a cancelled enrolment arrives instead; see `/held-facts`. Students who withdrew get no jobs (409).
Whether an employer is the class's sponsor or a partner is decided by its unified social credit code.

Errors: 404 unknown id; 409 a command that breaks the student's state machine (`detail` says why); 422 field
errors of an invalid payload, or `{"code": "invalid_fact"}` for an impossible fact such as a future `occurred_on`.
"""


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    app = build_app(SPEC, settings or ServiceSettings(), title="Employment service", description=DESCRIPTION.strip())
    app.state.operator_token = EmploymentSettings().operator_token
    for router in (
        http.router,
        reads.router,
        reads_records.router,
        corrections_router(SOURCE, undo, apply_correction),
        admin.router,
    ):
        app.include_router(router)
    return app
