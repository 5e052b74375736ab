"""Assessment settings: the shared service settings plus the worker's own knobs (environment variables)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import Field

from services.assessment.metrics.clock import AsOf, today_in_shanghai
from shared.config import ServiceSettings


class AssessmentSettings(ServiceSettings):
    generation: str = Field(default="g1", validation_alias="ASSESSMENT_GENERATION", pattern=r"^[a-z0-9_-]{1,40}$")
    flush_seconds: float = Field(default=1.0, validation_alias="ASSESSMENT_FLUSH_SECONDS")
    # How often the live tallies (what live answers are rendered from) are written; see streams/timers.py.
    live_seconds: float = Field(default=0.2, gt=0, validation_alias="ASSESSMENT_LIVE_SECONDS")
    # Pins the business date of live figures (tests and replays); unset means today in Asia/Shanghai.
    business_date: date | None = Field(default=None, validation_alias="ASSESSMENT_BUSINESS_DATE")
    session_timeout_seconds: float = Field(default=10.0, validation_alias="ASSESSMENT_SESSION_TIMEOUT_SECONDS")
    http_port: int = Field(default=8004, validation_alias="ASSESSMENT_HTTP_PORT")
    # Processes the API (and close-day) computes a large as-of answer in, split between them (computing.py); 0: in
    # a thread of its own process.
    compute_processes: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=0, le=64, validation_alias="ASSESSMENT_COMPUTE_PROCESSES"
    )
    # faust keeps table state and offsets here; memory:// tables still need the directory.
    data_dir: Path = Field(
        default_factory=lambda: Path(tempfile.gettempdir()) / "cycle-assessment", validation_alias="ASSESSMENT_DATA_DIR"
    )

    @property
    def db_schema(self) -> str:
        return f"assessment{self.schema_suffix}"

    @property
    def app_id(self) -> str:
        return f"{self.topic_namespace}assessment-{self.generation}"

    @property
    def rollup_topic(self) -> str:
        return f"{self.topic_namespace}cycle.assessment.rollup.{self.generation}"

    def live_as_of(self, now: datetime | None = None) -> AsOf:
        return AsOf.of(self.business_date or today_in_shanghai(now or datetime.now(UTC)))
