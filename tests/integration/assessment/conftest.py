from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.assessment.store import AssessmentStore, open_store
from shared.config import ServiceSettings
from shared.persistence.database import drop_schema
from tests.integration.assessment.support import assessment_settings


@pytest.fixture
async def assessment_store(service_settings: ServiceSettings) -> AsyncIterator[AssessmentStore]:
    settings = assessment_settings(service_settings)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        yield store
    finally:
        await store.close()
        await drop_schema(settings.database_url, settings.db_schema)
