from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.security.settings import DEVELOPMENT_NATIONAL_ID_KEY, SecuritySettings

LogFormat = Literal["json", "console"]  # CYCLE_LOG_FORMAT (shared/observability/logs.py)


class InfraSettings(BaseSettings):
    """Where the broker, the database and the local state live; unset addresses mean "start our own"."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str | None = Field(default=None, validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    state_dir: Path = Field(default=Path(".run"), validation_alias="CYCLE_STATE_DIR")
    cache_dir: Path = Field(default=Path(".cache"), validation_alias="CYCLE_CACHE_DIR")
    topic_partitions: int = Field(default=12, validation_alias="CYCLE_TOPIC_PARTITIONS")
    # Processes of each stage service on its port (shared/infra/serve.py); `cycle up --processes` sets it too.
    service_processes: int = Field(default=1, ge=1, le=64, validation_alias="CYCLE_SERVICE_PROCESSES")


class ServiceSettings(SecuritySettings):
    """What every service process needs, its security settings included; the same names are used in
    docker-compose.yml. The security schema is shared by every service of one deployment: `security` plus the
    schema suffix unless CYCLE_SECURITY_SCHEMA names another."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    database_url: str = Field(default="postgresql://postgres@127.0.0.1:5432/postgres", validation_alias="DATABASE_URL")
    topic_namespace: str = Field(default="", validation_alias="CYCLE_TOPIC_NAMESPACE")
    topic_partitions: int = Field(default=12, validation_alias="CYCLE_TOPIC_PARTITIONS")
    schema_suffix: str = Field(default="", validation_alias="CYCLE_SCHEMA_SUFFIX")
    national_id_key: str = Field(default=DEVELOPMENT_NATIONAL_ID_KEY, validation_alias="CYCLE_NATIONAL_ID_KEY")
    operator_token: str | None = Field(default=None, validation_alias="CYCLE_OPERATOR_TOKEN")
    log_level: str = Field(default="info", validation_alias="CYCLE_LOG_LEVEL")
    log_format: LogFormat = Field(default="json", validation_alias="CYCLE_LOG_FORMAT")
    outbox_alert: int = Field(default=1_000, ge=1, validation_alias="CYCLE_OUTBOX_ALERT")
    outbox_limit: int = Field(default=100_000, ge=1, validation_alias="CYCLE_OUTBOX_LIMIT")
    lag_alert: int = Field(default=10_000, ge=1, validation_alias="CYCLE_LAG_ALERT")

    @model_validator(mode="after")
    def _security_schema_of_the_deployment(self) -> Self:
        if "security_schema" not in self.model_fields_set:
            self.security_schema = f"security{self.schema_suffix}"
        return self
