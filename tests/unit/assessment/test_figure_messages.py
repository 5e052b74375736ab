"""The worker writes FiguresChanged records directly: they must be the records the CloudEvents codec writes."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from services.assessment.metrics.figures import Figure
from services.assessment.publishing import _IDS, SOURCE, FigureMessages, scope_label, scope_partnership
from shared.contracts.assessment import FigureChanged, FiguresChanged
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.messaging.codec import decode, encode

PID = UUID("59a00c04-eaa8-4708-bbfe-656379a59337")
MOMENT = datetime(2026, 11, 30, 1, 28, 10, 283139, tzinfo=UTC)


def through_the_codec(
    changes: list[tuple[Figure, bool]], generation: str
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The same event as a pydantic payload in an Envelope, encoded by shared/messaging/codec.py."""

    def number(value: Decimal | None, gone: bool) -> float | None:
        return None if gone or value is None else float(value)

    payload = FiguresChanged(
        figures=[
            FigureChanged(
                scope=scope_label(figure),
                metric=figure.metric,
                metric_version=figure.version,
                numerator=number(figure.numerator, gone),
                denominator=number(figure.denominator, gone),
                value=number(figure.value, gone),
                as_of=figure.as_of,
                final=False if gone else figure.final,
            )
            for figure, gone in changes
        ]
    )
    first = changes[0][0]
    unnamed = Envelope.wrap(
        payload,
        source=SOURCE,
        occurred_on=first.as_of,
        partnership_id=scope_partnership(first.scope),
        evidence=Evidence.SCHOOL_RECORD,
        recorded_at=MOMENT,
    )
    value = encode(unnamed).value  # the payload's bytes, whatever the event's id
    digest = hashlib.sha1(_IDS.bytes + f"{generation}|".encode() + value).digest()
    envelope = unnamed.model_copy(update={"id": UUID(bytes=digest[:16], version=5)})
    encoded = encode(envelope)
    return str(envelope.partnership_id).encode(), encoded.value, list(encoded.headers.items())


FIGURES = [
    Figure(f"partnership:{PID}", "home_region", "Bijie", "graduation_rate", 2, Decimal(3), Decimal(7),
           Decimal("0.4286"), False, date(2026, 6, 30)),
    Figure(f"rollup:{PID}", "total", "all", "median_wage", 1, None, Decimal(7), Decimal("3150.5000"), True,
           date(2026, 6, 30)),
    Figure(f"partnership:{PID}", "home_region", "毕节", "cost_per_graduate", 1, Decimal("123456789.12"),
           Decimal("0.0001"), Decimal("1234567891200.0000"), False, date(2025, 1, 1)),
    Figure(f"partnership:{PID}", "poor_household", "true", "admission_rate", 1, Decimal(0), Decimal(0), None, False,
           date(2026, 6, 30)),
]  # fmt: skip


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.metric}-{f.bucket}")
@pytest.mark.parametrize("gone", [False, True])
def test_a_figure_in_a_figures_message_is_byte_for_byte_what_the_codec_writes(figure: Figure, gone: bool) -> None:
    written = FigureMessages("g1", MOMENT).changed([(figure, gone)])
    assert written == through_the_codec([(figure, gone)], "g1")


def test_a_figures_message_of_many_figures_is_what_the_codec_writes_and_decodes_to_them() -> None:
    changes = [(figure, n == 1) for n, figure in enumerate(FIGURES[:2] + FIGURES[3:])]
    key, value, headers = FigureMessages("g7", MOMENT).changed(changes)
    assert (key, value, headers) == through_the_codec(changes, "g7")
    envelope = decode(headers, key, value)
    assert envelope.partnership_id == PID
    assert envelope.recorded_at == MOMENT
    assert isinstance(envelope.data, FiguresChanged)
    first = envelope.data.figures[0]
    assert (first.value, first.scope) == (0.4286, f"partnership:{PID}/home_region=Bijie")
    assert [f.value for f in envelope.data.figures[1:]] == [None, None]


def test_the_same_readings_are_the_same_event_and_other_readings_another() -> None:
    writer = FigureMessages("g1", MOMENT)
    again = FigureMessages("g1", datetime(2027, 1, 1, tzinfo=UTC))
    ids = [dict(m[2])["ce_id"] for m in (writer.changed([(FIGURES[0], False)]), again.changed([(FIGURES[0], False)]))]
    other = dict(writer.changed([(FIGURES[0], True)])[2])["ce_id"]
    assert ids[0] == ids[1] != other
