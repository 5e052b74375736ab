"""Security settings of every service process (`shared.config.ServiceSettings` extends them), and the production
check that `build_app` runs before anything else.

In production a service refuses to start with a key anyone can read in this repository (the development
national-ID key of shared/config.py, the development signing key below), without a signing key of its own, or
with an empty operator secret.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SIGNING_KEY = "dev-only-token-signing-key-change-me-0123456789abcdef"
DEVELOPMENT_NATIONAL_ID_KEY = "dev-only-key-change-me-0123456789abcdef"  # ServiceSettings.national_id_key's default
MIN_KEY_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class UnsafeConfiguration(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("refusing to start in production: " + "; ".join(problems))
        self.problems = problems


class SecuritySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: Environment = Field(default=Environment.DEVELOPMENT, validation_alias="CYCLE_ENVIRONMENT")
    token_signing_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SIGNING_KEY), validation_alias="CYCLE_TOKEN_SIGNING_KEY"
    )
    token_lifetime_seconds: int = Field(default=300, ge=30, le=3600, validation_alias="CYCLE_TOKEN_LIFETIME_SECONDS")
    revocation_refresh_seconds: float = Field(
        default=2.0, gt=0, le=10, validation_alias="CYCLE_REVOCATION_REFRESH_SECONDS"
    )
    revocation_max_staleness_seconds: float = Field(
        default=30.0, gt=0, validation_alias="CYCLE_REVOCATION_MAX_STALENESS_SECONDS"
    )
    security_schema: str = Field(default="security", validation_alias="CYCLE_SECURITY_SCHEMA")
    audit_requests: bool = Field(default=True, validation_alias="CYCLE_AUDIT_REQUESTS")
    rate_limit: str = Field(default="200/second;6000/minute", validation_alias="CYCLE_RATE_LIMIT")
    lookup_rate_limit: str = Field(default="5/second;30/minute;500/day", validation_alias="CYCLE_LOOKUP_RATE_LIMIT")
    request_timeout_seconds: float = Field(default=30.0, gt=0, validation_alias="CYCLE_REQUEST_TIMEOUT_SECONDS")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, validation_alias="CYCLE_MAX_BODY_BYTES")

    @field_validator("rate_limit", "lookup_rate_limit")
    @classmethod
    def _a_rate_limit(cls, value: str) -> str:
        parse_many(value)  # "100/second;3000/minute"; raises ValueError on anything else
        return value

    @property
    def token_lifetime(self) -> timedelta:
        return timedelta(seconds=self.token_lifetime_seconds)

    @property
    def signing_key(self) -> bytes:
        return self.token_signing_key.get_secret_value().encode()


def production_problems(security: SecuritySettings, *, national_id_key: str, operator_token: str | None) -> list[str]:
    if security.environment is not Environment.PRODUCTION:
        return []
    problems = []
    if national_id_key == DEVELOPMENT_NATIONAL_ID_KEY:
        problems.append("CYCLE_NATIONAL_ID_KEY is the development key")
    signing_key = security.token_signing_key.get_secret_value()
    if signing_key == DEVELOPMENT_SIGNING_KEY:
        problems.append("CYCLE_TOKEN_SIGNING_KEY is not set")
    elif len(signing_key) < MIN_KEY_LENGTH:
        problems.append(f"CYCLE_TOKEN_SIGNING_KEY has fewer than {MIN_KEY_LENGTH} characters")
    if operator_token is not None and not operator_token.strip():
        problems.append("CYCLE_OPERATOR_TOKEN is empty")
    return problems


def refuse_unsafe(security: SecuritySettings, *, national_id_key: str, operator_token: str | None) -> None:
    """Call first thing in `create_app`: raises `UnsafeConfiguration` listing every problem at once."""
    problems = production_problems(security, national_id_key=national_id_key, operator_token=operator_token)
    if problems:
        raise UnsafeConfiguration(problems)
