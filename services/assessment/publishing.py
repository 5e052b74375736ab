"""Figure changes, target alerts and roll-up parts as Kafka messages."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime
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
    """The FigureChanged event of a figure, written straight to the bytes `shared.messaging.codec.encode` writes for
    it (tests/unit/assessment compares both): a flush publishes thousands, and the pydantic and CloudEvents objects
    cost more than everything else the worker does with a figure."""
    numbers = (
        [None, None, None] if removed else [_float(figure.numerator), _float(figure.denominator), _float(figure.value)]
    )
    scope, as_of, final = (
        scope_label(figure),
        figure.as_of.isoformat(),
        "false" if removed else _json_bool(figure.final),
    )
    numerator, denominator, value = (_json_number(n) for n in numbers)
    # The payload as the codec writes it (json.dumps), and as pydantic's model_dump_json writes it (compact, UTF-8):
    # the deterministic id is taken from the latter, so a re-publication of the same reading is the same event.
    written = (
        f'{{"scope": {encode_basestring_ascii(scope)}, "metric": {encode_basestring_ascii(figure.metric)}, '
        f'"metric_version": {figure.version}, "numerator": {numerator}, "denominator": {denominator}, '
        f'"value": {value}, "as_of": "{as_of}", "final": {final}}}'
    )
    identity = (
        f'{generation}|{{"scope":{encode_basestring(scope)},"metric":{encode_basestring(figure.metric)},'
        f'"metric_version":{figure.version},"numerator":{numerator},"denominator":{denominator},'
        f'"value":{value},"as_of":"{as_of}","final":{final}}}'
    )
    partnership = _scope_partnership_text(figure.scope)
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", _uuid5_text(identity)),
        ("ce_source", _SOURCE_BYTES),
        ("ce_type", _FIGURE_TYPE),
        ("ce_time", _ce_time(recorded_at or datetime.now(UTC))),
        ("content-type", b"application/json"),
        ("ce_partitionkey", partnership.encode()),
        ("ce_schemaversion", _FIGURE_VERSION),
        ("ce_occurredon", as_of.encode()),
        ("ce_evidence", _EVIDENCE),
    ]
    return partnership.encode(), written.encode(), headers


def _uuid5_text(name: str) -> bytes:
    """`str(uuid5(_IDS, name)).encode()` without the two UUID objects."""
    digest = bytearray(hashlib.sha1(_IDS.bytes + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}".encode()


@functools.lru_cache(maxsize=1 << 14)
def _scope_partnership_text(scope: str) -> str:
    return str(scope_partnership(scope))


def _json_number(number: float | None) -> str:
    return "null" if number is None else repr(number)


def _json_bool(flag: bool) -> str:
    return "true" if flag else "false"


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
