"""The dashboard page: the bundle `make dashboard` builds from `dashboard/` into `static/`, served as files.

The page holds no data; it reads the figures API and `/stream` from the browser with the user's bearer token, so
it is mounted outside the API's routers and needs no token itself.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
PATH = "/dashboard"


def mount_dashboard(app: FastAPI) -> None:
    @app.get(PATH, include_in_schema=False)
    async def dashboard_page() -> RedirectResponse:
        return RedirectResponse(f"{PATH}/")  # relative asset paths in index.html resolve under the slash

    app.mount(PATH, StaticFiles(directory=STATIC, html=True), name="dashboard")
