"""The one registry from event type to model, schema version, upcasters and topic.

Producers, consumers, the AsyncAPI document and the tests all read it; nothing else lists event types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.contracts import assessment, corrections, employment, partnership, recruitment, training
from shared.contracts.base import EventPayload, Stage

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

STAGE_TOPICS: Mapping[Stage, str] = {
    Stage.PARTNERSHIP: "cycle.partnership",
    Stage.RECRUITMENT: "cycle.recruitment",
    Stage.TRAINING: "cycle.training",
    Stage.EMPLOYMENT: "cycle.employment",
}
FIGURES_TOPIC = "cycle.assessment.figures"
ALERTS_TOPIC = "cycle.assessment.alerts"


def dead_letter_topic(consumer_group: str, namespace: str = "") -> str:
    return f"{namespace}cycle.dlq.{consumer_group}"


class UnknownEventType(ValueError):
    pass


def _payload_classes() -> list[type[EventPayload]]:
    modules = (partnership, recruitment, training, employment, corrections, assessment)
    found = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, EventPayload)
        and value.__module__ == module.__name__
        and not value.__name__.startswith("_")
    ]
    return found


def _latest(classes: list[type[EventPayload]]) -> dict[str, type[EventPayload]]:
    latest: dict[str, type[EventPayload]] = {}
    for cls in classes:
        current = latest.get(cls.type_name())
        if current is None or cls.version > current.version:
            latest[cls.type_name()] = cls
    return latest


ALL_VERSIONS: tuple[type[EventPayload], ...] = tuple(_payload_classes())
EVENT_TYPES: Mapping[str, type[EventPayload]] = _latest(list(ALL_VERSIONS))

# (type, from_version) -> function giving the data of from_version + 1.
UPCASTERS: Mapping[tuple[str, int], Upcaster] = {
    ("ApplicationSubmitted", 1): recruitment.upcast_application_submitted_v1,
}


def model_for(type_name: str) -> type[EventPayload]:
    try:
        return EVENT_TYPES[type_name]
    except KeyError:
        raise UnknownEventType(f"unknown event type {type_name!r}") from None


def parse_payload(type_name: str, version: int, data: dict[str, Any]) -> EventPayload:
    """Validate `data` of any known version as the latest model, upcasting step by step."""
    model = model_for(type_name)
    if version > model.version or version < 1:
        raise UnknownEventType(f"{type_name} has no schema version {version} (latest {model.version})")
    for step in range(version, model.version):
        data = UPCASTERS[(type_name, step)](data)
    return model.model_validate(data)


def topic_for(type_name: str, emitter: Stage, namespace: str = "") -> str:
    """Stage events go to their stage's topic; any-stage events to the topic of the service that emits them.

    `namespace` prefixes every name, so tests and parallel environments get topics of their own.
    """
    stage = model_for(type_name).stage
    if stage is Stage.ASSESSMENT:
        return namespace + (ALERTS_TOPIC if type_name.startswith("Target") else FIGURES_TOPIC)
    return namespace + STAGE_TOPICS[emitter if stage is Stage.ANY else stage]


def stage_topics(namespace: str = "") -> list[str]:
    return [namespace + topic for topic in STAGE_TOPICS.values()]


def event_types_of(stage: Stage) -> list[type[EventPayload]]:
    return [cls for cls in EVENT_TYPES.values() if cls.stage is stage]
