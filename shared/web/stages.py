"""The `ServiceSpec` of a stage service laid out as docs/architecture.md says, so each `app.py` names only what
differs: its stage, its handlers, its unit of work and what it learns from Kafka."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.application.pipeline import Handler
from shared.contracts.base import Stage
from shared.persistence.unit_of_work import PostgresUnitOfWork
from shared.web.runtime import ConsumerSpec, ServiceSpec


def stage_service(
    stage: Stage,
    package: Path,
    handlers: Mapping[type, Handler[Any]],
    unit_of_work: type[PostgresUnitOfWork],
    consumers: tuple[ConsumerSpec, ...] = (),
) -> ServiceSpec:
    """Named after its stage, the source of its events `/services/<name>`, its SQL in `package`/migrations."""
    return ServiceSpec(
        name=stage.value,
        stage=stage,
        source=f"/services/{stage.value}",
        migrations=package / "migrations",
        handlers=handlers,
        unit_of_work=unit_of_work,
        consumers=consumers,
    )
