"""The bare FastAPI anchor: one endpoint that validates a body shaped like a command and answers like one, with no
database or broker behind it. `uvicorn --factory bench.bare_app:create_app`, the way the services run."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from fastapi import FastAPI
from pydantic import BaseModel


class FactIn(BaseModel):
    class_id: UUID
    home_region: str
    poor_household: bool
    occurred_on: date


class Recorded(BaseModel):
    event_id: UUID


def create_app() -> FastAPI:
    app = FastAPI(title="Bare anchor")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/facts", status_code=201)
    async def post_fact(body: FactIn) -> Recorded:
        return Recorded(event_id=uuid4())

    return app
