import importlib.util
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    KAFKA = "kafka"
    POSTGRES = "postgres"
    HTTP = "http"
    WORKER = "worker"


@dataclass(frozen=True)
class Component:
    """A process of the local stack. HTTP targets are uvicorn factories; workers run as `python -m`."""

    name: str
    kind: Kind
    target: str | None = None
    port: int | None = None
    # Runs as several processes behind its port when asked (`cycle up --processes`): a stage service, whose state is
    # all in PostgreSQL and whose relay and learners share their work safely (an advisory lock, a consumer group).
    scales_out: bool = False

    @property
    def module(self) -> str | None:
        return self.target.partition(":")[0] if self.target else None

    @property
    def is_service(self) -> bool:
        return self.kind in (Kind.HTTP, Kind.WORKER)


# Start order; `cycle down` stops them in reverse.
COMPONENTS: tuple[Component, ...] = (
    Component("kafka", Kind.KAFKA),
    Component("postgres", Kind.POSTGRES),
    Component("recruitment", Kind.HTTP, "services.recruitment.app:create_app", 8001, scales_out=True),
    Component("training", Kind.HTTP, "services.training.app:create_app", 8002, scales_out=True),
    Component("employment", Kind.HTTP, "services.employment.app:create_app", 8003, scales_out=True),
    Component("assessment-api", Kind.HTTP, "services.assessment.app:create_app", 8004),
    Component("assessment-worker", Kind.WORKER, "services.assessment.worker"),
)


def find_component(name: str) -> Component:
    for candidate in COMPONENTS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def importable(module: str) -> bool:
    """Whether `module` exists, without running it (find_spec imports only its parent packages)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False
