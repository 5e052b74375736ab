"""Composition root of the query API: `create_app(settings)`; nothing runs at import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from services.assessment.api import router
from services.assessment.closed_answers import answers_kept
from services.assessment.computing import computers
from services.assessment.dashboard.routes import mount_dashboard
from services.assessment.freshness import watch_freshness
from services.assessment.memberships import keep_learning, membership_learner
from services.assessment.settings import AssessmentSettings
from services.assessment.store import open_store
from shared.observability.logs import configure_logging
from shared.observability.metrics import install_observability
from shared.security.access import PostgresMembershipDirectory
from shared.security.runtime import open_identity
from shared.security.settings import refuse_unsafe
from shared.web.auth import install_auth, secured
from shared.web.collector import freeze_startup_objects
from shared.web.edge import install_edge
from shared.web.problems import install_problem_handlers

OPEN_PATHS = ("/health",)
KEEPING_SECONDS = 5  # how long a stopping API waits for the closed answers it gave to be kept


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    settings = settings or AssessmentSettings()
    refuse_unsafe(settings, national_id_key=settings.national_id_key, operator_token=settings.operator_token)
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = await open_store(settings.database_url, settings.db_schema)
        computers.configure(settings.compute_processes)
        pool = app.state.store.pool
        app.state.memberships = PostgresMembershipDirectory(pool)  # its own, learned by the task below
        learner = membership_learner(settings, settings.db_schema, pool)
        try:
            async with open_identity(settings, settings.database_url, pool) as identity:
                app.state.identity = identity
                tasks = [
                    asyncio.create_task(computers.start(), name="as-of processes"),
                    asyncio.create_task(watch_freshness(app.state.store, settings)),
                    asyncio.create_task(keep_learning(learner, settings), name=learner.group),
                ]
                try:
                    freeze_startup_objects()
                    yield
                finally:
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    with suppress(TimeoutError):  # answers not kept are computed again
                        await asyncio.wait_for(answers_kept(), KEEPING_SECONDS)
        finally:
            await asyncio.to_thread(computers.close)
            await app.state.store.close()

    app = FastAPI(
        title="Assessment",
        version="1.0.0",
        lifespan=lifespan,
        description="Evaluation figures of every partnership: live, as of any date, replayable.",
    )
    app.state.settings = settings
    install_problem_handlers(app)
    install_auth(app)
    install_edge(app, settings)
    install_observability(app, "assessment")
    app.include_router(secured(router, open_paths=OPEN_PATHS))
    mount_dashboard(app)
    return app


def main() -> None:
    import uvicorn

    settings = AssessmentSettings()
    uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.http_port, log_level=settings.log_level)


if __name__ == "__main__":
    main()
