"""Employment's own settings beside the shared ServiceSettings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_NAME = "employment"


class EmploymentSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # Unset means the operator-only import is closed to everyone (403).
    operator_token: str | None = Field(default=None, validation_alias="CYCLE_OPERATOR_TOKEN")
