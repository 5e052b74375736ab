"""Generates the AsyncAPI 3.0 document from the registry: `python -m shared.contracts.asyncapi > docs/asyncapi.yaml`."""

from __future__ import annotations

import sys
from typing import Any

import yaml

from shared.contracts import envelope
from shared.contracts.base import EventPayload, Stage
from shared.contracts.registry import ALERTS_TOPIC, FIGURES_TOPIC, STAGE_TOPICS, event_types_of
from shared.messaging.codec import TYPE_PREFIX

_ANY_STAGE_EMITTERS = (Stage.RECRUITMENT, Stage.TRAINING, Stage.EMPLOYMENT)

CLOUDEVENTS_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 Kafka binding, binary mode: attributes as ce_ headers, data as the value.",
    "required": [
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_partitionkey",
        "ce_schemaversion",
        "ce_occurredon",
        "ce_evidence",
        "content-type",
    ],
    "properties": {
        "ce_specversion": {"const": "1.0"},
        "ce_id": {"type": "string", "format": "uuid", "description": "Event id, the idempotency key."},
        "ce_source": {"type": "string", "description": "The emitting service, e.g. /services/training."},
        "ce_type": {"type": "string", "description": f"'{TYPE_PREFIX}' + the event type."},
        "ce_time": {
            "type": "string",
            "format": "date-time",
            "description": "recorded_at: when the platform learned it.",
        },
        "ce_subject": {
            "type": "string",
            "description": "The student id, where the event concerns one student.",
        },
        "ce_partitionkey": {
            "type": "string",
            "format": "uuid",
            "description": "Partnership id; also the Kafka key.",
        },
        "ce_schemaversion": {
            "type": "string",
            "description": "Schema version of the data; older ones are upcast.",
        },
        "ce_occurredon": {
            "type": "string",
            "format": "date",
            "description": "Business date; may be in the past.",
        },
        "ce_evidence": {
            "type": "string",
            "enum": ["self_report", "school_record", "employer_confirmation", "social_insurance_record"],
        },
        "ce_studentid": {"type": "string", "format": "uuid"},
        "ce_classid": {"type": "string", "format": "uuid"},
        "ce_partyid": {"type": "string", "format": "uuid", "description": "The emitting party."},
        "ce_supersedes": {
            "type": "string",
            "format": "uuid",
            "description": "Event a correction or retraction targets.",
        },
        "content-type": {"const": "application/json"},
    },
}


def _message(model: type[EventPayload]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {
        "name": model.type_name(),
        "title": model.type_name(),
        "summary": model.summary,
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/CloudEventsHeaders"},
        "payload": schema,
        "x-schema-version": model.version,
    }


def _channel(topic: str, models: list[type[EventPayload]], description: str) -> dict[str, Any]:
    return {
        "address": topic,
        "description": description,
        "messages": {model.type_name(): {"$ref": f"#/components/messages/{model.type_name()}"} for model in models},
    }


def build() -> dict[str, Any]:
    any_stage = event_types_of(Stage.ANY)
    channels: dict[str, Any] = {}
    for stage, topic in STAGE_TOPICS.items():
        extra = any_stage if stage in _ANY_STAGE_EMITTERS else []
        channels[stage.value] = _channel(
            topic, event_types_of(stage) + extra, f"{stage.value} events, keyed by partnership id"
        )
    assessment = event_types_of(Stage.ASSESSMENT)
    channels["figures"] = _channel(
        FIGURES_TOPIC,
        [m for m in assessment if m.type_name() == "FiguresChanged"],
        "figure changes published by assessment, a scope's changes of one flush a record, keyed by partnership id"
        " (a roll-up's by its parent's); the API's event streams carry them a FigureChanged each",
    )
    channels["alerts"] = _channel(
        ALERTS_TOPIC,
        [m for m in assessment if m.type_name().startswith("Target")],
        "target breaches and recoveries",
    )
    models = [m for stage in Stage for m in event_types_of(stage)]
    messages = {m.type_name(): _message(m) for m in models}
    schemas: dict[str, Any] = {"CloudEventsHeaders": CLOUDEVENTS_HEADERS}
    for message in messages.values():
        schemas.update(message["payload"].pop("$defs", {}))
    operations = {
        f"receive{name.title()}": {"action": "receive", "channel": {"$ref": f"#/channels/{name}"}} for name in channels
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Ordered-class cycle events",
            "version": "1.0.0",
            "description": (envelope.__doc__ or "").strip(),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return str(yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=120))


if __name__ == "__main__":
    sys.stdout.write(render())
