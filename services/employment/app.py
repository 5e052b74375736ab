"""Composition root of the employment service: `uvicorn --factory services.employment.app:create_app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.employment.adapters.db.unit_of_work import PostgresEmploymentUnitOfWork
from services.employment.adapters.http import cloudevents, commands, imports, reads, records
from services.employment.adapters.kafka import CONSUMERS
from services.employment.application.handlers import HANDLERS
from shared.application.clock import Clock
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.web.corrections import corrections_router
from shared.web.runtime import build_app
from shared.web.stages import stage_service

SPEC = stage_service(Stage.EMPLOYMENT, Path(__file__).parent, HANDLERS, PostgresEmploymentUnitOfWork, CONSUMERS)
SOURCE = SPEC.source

DESCRIPTION = """
Offers, placements, further study, retention checks and household status of the graduates of ordered classes.

Employment learns who graduated, withdrew or was enrolled **only from events** (partnership, recruitment and
training topics). Graduate-only facts (offers, answers, placements, further study) for a student whose
graduation has not arrived yet are **held** (202) and applied in order when it arrives, or rejected when a
withdrawal or a cancelled enrolment arrives instead; see `/held-facts`. Students who withdrew get no jobs (409).
Whether an employer is the class's sponsor or a partner is decided by its unified social credit code.

Errors are problem details (RFC 9457, `application/problem+json`) with a `code`: 404 `not_found` unknown id;
409 `illegal_transition` a command that breaks the student's state machine (`detail` says why) or `conflict`;
422 `invalid_request` with the invalid `errors`, or `invalid_fact` for an impossible fact such as a future
`occurred_on`.
"""


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return build_app(
        SPEC,
        settings or ServiceSettings(),
        title="Employment service",
        description=DESCRIPTION.strip(),
        routers=[
            commands.router,
            reads.router,
            records.router,
            corrections_router(),
            imports.router(),
            cloudevents.router,
        ],
        clock=clock,
    )
