"""Figure changes, target alerts and roll-up parts as Kafka messages."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from json.encoder import encode_basestring, encode_basestring_ascii
from uuid import UUID

import msgpack

from services.assessment.engine import RollupPart
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.tally import Tally
from services.assessment.metrics.targets import TargetStatus
from shared.contracts.assessment import FigureChanged, TargetBreached, TargetRecovered
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.messaging.codec import TYPE_PREFIX, encode

SOURCE = "/services/assessment"
_SOURCE_BYTES = SOURCE.encode()
_FIGURE_TYPE = f"{TYPE_PREFIX}{FigureChanged.type_name()}".encode()
_FIGURE_VERSION = str(FigureChanged.version).encode()
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


def figure_changed(
    figure: Figure, generation: str, removed: bool = False, recorded_at: datetime | None = None
) -> Message:
    """The FigureChanged event of a figure (see `FigureMessages`)."""
    return FigureMessages(generation, recorded_at or datetime.now(UTC)).changed(figure, removed)


class FigureMessages:
    """FigureChanged events of one flush, written straight to the bytes `shared.messaging.codec.encode` writes for
    them (tests/unit/assessment compares both): a flush publishes thousands, and the pydantic and CloudEvents objects
    cost more than everything else the worker does with a figure."""

    def __init__(self, generation: str, recorded_at: datetime) -> None:
        self.generation = generation
        self.time = _ce_time(recorded_at)

    def changed(self, figure: Figure, removed: bool = False) -> Message:
        if removed:
            numerator = denominator = value = "null"
            final = "false"
        else:
            numerator, denominator = _json_number(figure.numerator), _json_number(figure.denominator)
            value, final = _json_number(figure.value), "true" if figure.final else "false"
        scope, as_of, metric, version = scope_label(figure), _iso(figure.as_of), figure.metric, figure.version
        # The payload as the codec writes it (json.dumps), and as pydantic's model_dump_json writes it (compact,
        # UTF-8): the deterministic id is taken from the latter, so a re-publication of a reading is the same event.
        written = (
            f'{{"scope": {encode_basestring_ascii(scope)}, "metric": {encode_basestring_ascii(metric)}, '
            f'"metric_version": {version}, "numerator": {numerator}, "denominator": {denominator}, '
            f'"value": {value}, "as_of": "{as_of}", "final": {final}}}'
        )
        identity = (
            f'{self.generation}|{{"scope":{encode_basestring(scope)},"metric":{encode_basestring(metric)},'
            f'"metric_version":{version},"numerator":{numerator},"denominator":{denominator},'
            f'"value":{value},"as_of":"{as_of}","final":{final}}}'
        )
        partnership = _scope_partnership_bytes(figure.scope)
        headers = [
            ("ce_specversion", b"1.0"),
            ("ce_id", _uuid5_text(identity)),
            ("ce_source", _SOURCE_BYTES),
            ("ce_type", _FIGURE_TYPE),
            ("ce_time", self.time),
            ("content-type", b"application/json"),
            ("ce_partitionkey", partnership),
            ("ce_schemaversion", _FIGURE_VERSION),
            ("ce_occurredon", as_of.encode()),
            ("ce_evidence", _EVIDENCE),
        ]
        return partnership, written.encode(), headers


def _uuid5_text(name: str) -> bytes:
    """`str(uuid5(_IDS, name)).encode()` without the two UUID objects."""
    digest = bytearray(hashlib.sha1(_IDS.bytes + name.encode()).digest()[:16])
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


def _json_number(number: Decimal | None) -> str:
    return "null" if number is None else repr(float(number))


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
