"""Figure changes, target alerts and roll-up parts as Kafka messages."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid5

import msgpack

from services.assessment.engine import RollupPart
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.tally import Tally
from services.assessment.metrics.targets import TargetStatus
from shared.contracts.assessment import FigureChanged, TargetBreached, TargetRecovered
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.messaging.codec import encode

SOURCE = "/services/assessment"
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


def figure_changed(figure: Figure, generation: str, removed: bool = False) -> Message:
    payload = FigureChanged(
        scope=scope_label(figure),
        metric=figure.metric,
        metric_version=figure.version,
        numerator=None if removed else _float(figure.numerator),
        denominator=None if removed else _float(figure.denominator),
        value=None if removed else _float(figure.value),
        as_of=figure.as_of,
        final=False if removed else figure.final,
    )
    # Deterministic id: a re-publication of the same reading after a restart is recognisably the same event.
    identity = f"{generation}|{payload.model_dump_json()}"
    envelope = Envelope.wrap(
        payload,
        source=SOURCE,
        occurred_on=figure.as_of,
        partnership_id=scope_partnership(figure.scope),
        evidence=Evidence.SCHOOL_RECORD,
        event_id=uuid5(_IDS, identity),
        recorded_at=datetime.now(UTC),
    )
    return _message(envelope)


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
