"""CloudEvents 1.0 Kafka binding, binary mode: attributes in `ce_` headers, the payload as JSON in the value.

The SDK does the header mapping; this module maps our `Envelope` onto CloudEvents attributes and extensions.
A record whose headers are the ones `encode` writes is read without the SDK (`_as_encoded`): its checks, for those
headers, are the spec's rules the SDK applies (required attributes present and not empty, version 1.0, JSON data,
a subject not empty, a time with its zone: `Envelope` parses it), and every consumer reads every record, so the
SDK's general path (any header, a time parsed by dateutil, every attribute validated) was most of decoding one.
Any other record goes through the SDK.
`encode` writes, without building the SDK's event, the headers and value the SDK's `to_binary` writes for an
envelope (tests/unit/contracts/test_codec.py compares them); building and validating that event was most of
writing an import's outbox rows.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

from shared.contracts.envelope import Envelope
from shared.contracts.registry import UnknownEventType, parse_payload

TYPE_PREFIX = "cycle."
_FORMAT = JSONFormat()
_OPTIONAL_REFS = ("student_id", "class_id", "party_id", "supersedes")
_TRACEPARENT = "traceparent"  # the CloudEvents distributed-tracing extension


class UndecodableEvent(ValueError):
    """A record that is not a valid event of ours; consumers send it to their dead-letter topic."""


def _extension(field: str) -> str:
    return field.replace("_", "")


_JSON = "application/json"
_REQUIRED = ("id", "source", "type")
_ENCODED_ATTRIBUTES = ("specversion", "id", "source", "type", "time", "partitionkey", "schemaversion", "occurredon",
                       "evidence", "subject", _TRACEPARENT, *map(_extension, _OPTIONAL_REFS))  # fmt: skip
_ENCODED_HEADERS = frozenset({"content-type", *("ce_" + name for name in _ENCODED_ATTRIBUTES)})
_REF_ATTRIBUTES = tuple((field, _extension(field)) for field in _OPTIONAL_REFS)  # each with its attribute


def to_attributes(envelope: Envelope) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(envelope.id),
        "source": envelope.source,
        "type": TYPE_PREFIX + envelope.type,
        "time": envelope.recorded_at,
        "datacontenttype": "application/json",
        "partitionkey": str(envelope.partnership_id),
        "schemaversion": str(envelope.version),
        "occurredon": envelope.occurred_on.isoformat(),
        "evidence": envelope.evidence.value,
    }
    if envelope.student_id is not None:
        attributes["subject"] = str(envelope.student_id)
    for field in _OPTIONAL_REFS:
        value = getattr(envelope, field)
        if value is not None:
            attributes[_extension(field)] = str(value)
    if envelope.traceparent is not None:
        attributes[_TRACEPARENT] = envelope.traceparent
    return attributes


def encode(envelope: Envelope) -> kafka.KafkaMessage:
    headers = {name: value.encode() for name, value in encoded_headers(envelope).items()}
    return kafka.KafkaMessage(headers=headers, key=str(envelope.partnership_id), value=encoded_value(envelope))


def encoded_headers(envelope: Envelope) -> dict[str, str]:
    """The headers the SDK's `kafka.to_binary` writes for the envelope, as text, in its order. Its attributes are
    the SDK's valid ones but for an empty source, which the SDK is left to refuse."""
    if not envelope.source:
        event = CloudEvent(attributes=to_attributes(envelope), data=envelope.data_json())  # raises
        return {name: value.decode() for name, value in kafka.to_binary(event, _FORMAT).headers.items()}
    attributes = to_attributes(envelope)
    time = attributes["time"].isoformat()
    attributes["time"] = time.removesuffix("+00:00") + "Z" if time.endswith("+00:00") else time
    return {"content-type" if name == "datacontenttype" else "ce_" + name: value for name, value in attributes.items()}


def encoded_value(envelope: Envelope) -> bytes:
    """The value the SDK writes: the payload as JSON (`data_json` holds only JSON types)."""
    return json.dumps(envelope.data_json()).encode()


def kafka_headers(message: kafka.KafkaMessage) -> list[tuple[str, bytes]]:
    return list(message.headers.items())


def _as_encoded(message: kafka.KafkaMessage) -> tuple[dict[str, Any], Any] | None:
    """The attributes and data of a record with the headers `encode` writes, as the SDK reads them; None for any
    other record, and for one whose required attributes, time or data the SDK would fill in, refuse or read as
    text."""
    attributes: dict[str, Any] = {}
    for name, raw in message.headers.items():
        name = name.lower()
        if name not in _ENCODED_HEADERS:
            return None
        attributes["datacontenttype" if name == "content-type" else name[3:]] = raw.decode()
    if attributes.get("specversion") != "1.0" or attributes.get("datacontenttype", _JSON) != _JSON:
        return None
    if not all(attributes.get(name) for name in _REQUIRED) or attributes.get("subject") == "":
        return None
    try:
        attributes["time"] = time = datetime.fromisoformat(attributes["time"])
    except (KeyError, ValueError):
        return None
    if time.tzinfo is None:
        return None
    if message.key is not None:
        key = message.key
        attributes["partitionkey"] = key.decode() if isinstance(key, bytes) else key
    try:
        return attributes, json.loads(message.value.decode()) if message.value else None
    except ValueError:  # not UTF-8, or not JSON: the SDK reads it as text
        return None


def _through_sdk(message: kafka.KafkaMessage) -> tuple[dict[str, Any], Any]:
    event = kafka.from_binary(message, _FORMAT)
    return event.get_attributes(), event.get_data()


def decode(headers: Iterable[tuple[str, bytes]], key: bytes | None, value: bytes | None) -> Envelope:
    """Envelope of a record, its payload upcast to the latest schema version; UndecodableEvent otherwise."""
    message = kafka.KafkaMessage(headers=dict(headers), key=key, value=value or b"")
    try:
        attributes, data = _as_encoded(message) or _through_sdk(message)
        if not isinstance(data, dict):
            raise UndecodableEvent("the value is not a JSON object")
        type_name = sys.intern(str(attributes["type"]).removeprefix(TYPE_PREFIX))  # kept by every fact of the type
        payload = parse_payload(type_name, int(attributes["schemaversion"]), data)
        refs = {f: UUID(attributes[name]) for f, name in _REF_ATTRIBUTES if name in attributes}
        return Envelope(
            id=UUID(attributes["id"]),
            type=type_name,
            version=payload.version,
            source=attributes["source"],
            occurred_on=date.fromisoformat(attributes["occurredon"]),
            recorded_at=attributes["time"],
            partnership_id=UUID(attributes["partitionkey"]),
            evidence=attributes["evidence"],
            traceparent=attributes.get(_TRACEPARENT),
            data=payload,
            **refs,
        )
    except UndecodableEvent:
        raise
    except (KeyError, ValueError, TypeError, UnknownEventType, ValidationError) as error:
        raise UndecodableEvent(f"{type(error).__name__}: {error}") from error
    except Exception as error:  # the SDK raises its own exception tree for malformed attributes
        raise UndecodableEvent(f"{type(error).__name__}: {error}") from error
