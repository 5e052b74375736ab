"""Training's own settings, beside the shared ServiceSettings."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class TrainingSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    operator_token: SecretStr | None = Field(
        default=None,
        validation_alias="CYCLE_OPERATOR_TOKEN",
        description="Guards POST /admin/import; unset means the import is refused to everyone",
    )
