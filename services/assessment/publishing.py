"""Figure changes, target alerts and roll-up parts as Kafka messages."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from uuid import UUID

import msgpack

from services.assessment.engine import RollupPart
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.tally import Tally
from services.assessment.metrics.targets import TargetStatus
from shared.contracts.assessment import FiguresChanged, TargetBreached, TargetRecovered
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.messaging.codec import TYPE_PREFIX, encode

SOURCE = "/services/assessment"
_SOURCE_BYTES = SOURCE.encode()
_FIGURES_TYPE = f"{TYPE_PREFIX}{FiguresChanged.type_name()}".encode()
_FIGURES_VERSION = str(FiguresChanged.version).encode()
_EVIDENCE = Evidence.SCHOOL_RECORD.value.encode()
_IDS = UUID("6f1c2d2e-6a55-4c57-9d8e-2b0f8f3c1a10")
Message = tuple[bytes, bytes, list[tuple[str, bytes]]]  # key, value, headers


def scope_label(figure: Figure) -> str:
    """`partnership:<id>` for the whole scope, `partnership:<id>/home_region=Bijie` for a breakdown."""
    return figure.scope if figure.dimension == "total" else f"{figure.scope}/{figure.dimension}={figure.bucket}"


def scope_partnership(scope: str) -> UUID:
    return UUID(scope.split(":", 1)[1].split("/", 1)[0])


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _message(envelope: Envelope) -> Message:
    encoded = encode(envelope)
    return str(envelope.partnership_id).encode(), encoded.value, list(encoded.headers.items())


class FigureMessages:
    """FiguresChanged events of one flush, written straight to the bytes `shared.messaging.codec.encode` writes for
    them (tests/unit/assessment compares both): a flush publishes tens of thousands of figures, and the pydantic and
    CloudEvents objects cost more than everything else the worker does with a figure."""

    def __init__(self, generation: str, recorded_at: datetime) -> None:
        self.generation = generation
        self.time = _ce_time(recorded_at)

    def changed(self, changes: Sequence[tuple[Figure, bool]]) -> Message:
        """One FiguresChanged of figures of one scope, each with whether it is gone (then it reads null). Its id is
        derived from what it says, so publishing the same readings again is the same event."""
        value = json.dumps({"figures": [_reading(figure, gone) for figure, gone in changes]}).encode()
        first = changes[0][0]
        partnership = _scope_partnership_bytes(first.scope)
        headers = [
            ("ce_specversion", b"1.0"),
            ("ce_id", _uuid5_text(self.generation.encode() + b"|" + value)),
            ("ce_source", _SOURCE_BYTES),
            ("ce_type", _FIGURES_TYPE),
            ("ce_time", self.time),
            ("content-type", b"application/json"),
            ("ce_partitionkey", partnership),
            ("ce_schemaversion", _FIGURES_VERSION),
            ("ce_occurredon", _iso(first.as_of).encode()),
            ("ce_evidence", _EVIDENCE),
        ]
        return partnership, value, headers


def _reading(figure: Figure, gone: bool) -> dict[str, object]:
    """A FigureChanged's fields in its order, as `model_dump(mode="json")` gives them."""
    return {
        "scope": scope_label(figure),
        "metric": figure.metric,
        "metric_version": figure.version,
        "numerator": None if gone else _float(figure.numerator),
        "denominator": None if gone else _float(figure.denominator),
        "value": None if gone else _float(figure.value),
        "as_of": _iso(figure.as_of),
        "final": not gone and figure.final,
    }


def _uuid5_text(name: bytes) -> bytes:
    """`str(uuid5(_IDS, name)).encode()` without the two UUID objects."""
    digest = bytearray(hashlib.sha1(_IDS.bytes + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}".encode()


@functools.lru_cache(maxsize=1 << 14)
def _scope_partnership_bytes(scope: str) -> bytes:
    return str(scope_partnership(scope)).encode()


@functools.lru_cache(maxsize=64)
def _iso(day: date) -> str:
    return day.isoformat()


def _ce_time(moment: datetime) -> bytes:
    text = moment.astimezone(UTC).isoformat()
    return (text.removesuffix("+00:00") + "Z").encode()


def target_alert(status: TargetStatus, partnership_id: UUID, figure_as_of: object) -> Message:
    kind = TargetRecovered if status.met else TargetBreached
    payload = kind(
        target_id=UUID(bytes=status.target.target_id),
        metric=status.target.metric,
        goal=status.target.goal,
        value=_float(status.actual),
    )
    envelope = Envelope.wrap(
        payload,
        source=SOURCE,
        occurred_on=figure_as_of,  # type: ignore[arg-type]
        partnership_id=partnership_id,
        evidence=Evidence.SCHOOL_RECORD,
    )
    return _message(envelope)


def pack_part(part: RollupPart) -> bytes:
    history = [[day, parent.bytes] for day, parent in part.history]
    tallies = [[number, tally.pack()] for number, tally in part.tallies.items()]
    packed: bytes = msgpack.packb([part.child.bytes, history, tallies], use_bin_type=True)
    return packed


def unpack_part(raw: bytes) -> RollupPart:
    child, history, tallies = msgpack.unpackb(raw, raw=False)
    return RollupPart(
        UUID(bytes=child),
        tuple((day, UUID(bytes=parent)) for day, parent in history),
        {number: Tally.unpack(packed) for number, packed in tallies},
    )
