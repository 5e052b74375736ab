"""Run a service's FastAPI app on a real port, in the test's event loop, and talk to it over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import httpx
import uvicorn
from fastapi import FastAPI

from shared.config import ServiceSettings
from shared.infra.net import free_port
from tests.support.waiting import eventually


@contextlib.asynccontextmanager
async def serving(
    create_app: Callable[[ServiceSettings], FastAPI], settings: ServiceSettings
) -> AsyncIterator[httpx.AsyncClient]:
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        try:

            async def healthy() -> bool:
                if task.done():
                    task.result()  # raises the start-up error
                with contextlib.suppress(httpx.TransportError):
                    return (await client.get("/health")).status_code == 200
                return False

            await eventually(healthy, timeout=60)
            yield client
        finally:
            server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, timeout=15)
