"""Composition root of the query API: `create_app(settings)`; nothing runs at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.assessment.api import router
from services.assessment.settings import AssessmentSettings
from services.assessment.store import open_store


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    settings = settings or AssessmentSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = await open_store(settings.database_url, settings.db_schema)
        try:
            yield
        finally:
            await app.state.store.close()

    app = FastAPI(
        title="Assessment",
        version="1.0.0",
        lifespan=lifespan,
        description="Evaluation figures of every partnership: live, as of any date, replayable.",
    )
    app.state.settings = settings
    app.include_router(router)
    return app


def main() -> None:
    import uvicorn

    settings = AssessmentSettings()
    uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.http_port, log_level=settings.log_level)


if __name__ == "__main__":
    main()
