"""A security schema of the test's own on the shared database, and a pool beside it (as a service has)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from shared.persistence.database import drop_schema
from shared.security.settings import SecuritySettings


@pytest.fixture
async def security_settings(database_url: str, test_id: str) -> AsyncIterator[SecuritySettings]:
    settings = SecuritySettings(CYCLE_SECURITY_SCHEMA=f"security_t{test_id}")
    yield settings
    await drop_schema(database_url, settings.security_schema)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    assert created is not None
    yield created
    await created.close()
