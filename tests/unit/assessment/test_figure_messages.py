"""The worker writes FigureChanged records directly: they must be the records the CloudEvents codec writes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid5

import pytest

from services.assessment.metrics.figures import Figure
from services.assessment.publishing import _IDS, SOURCE, figure_changed, scope_label, scope_partnership
from shared.contracts.assessment import FigureChanged
from shared.contracts.base import Evidence
from shared.contracts.envelope import Envelope
from shared.messaging.codec import decode, encode

PID = UUID("59a00c04-eaa8-4708-bbfe-656379a59337")
MOMENT = datetime(2026, 11, 30, 1, 28, 10, 283139, tzinfo=UTC)


def through_the_codec(figure: Figure, generation: str, removed: bool) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """What the worker wrote before: a pydantic payload in an Envelope, encoded by shared/messaging/codec.py."""

    def number(value: Decimal | None) -> float | None:
        return None if removed or value is None else float(value)

    payload = FigureChanged(
        scope=scope_label(figure),
        metric=figure.metric,
        metric_version=figure.version,
        numerator=number(figure.numerator),
        denominator=number(figure.denominator),
        value=number(figure.value),
        as_of=figure.as_of,
        final=False if removed else figure.final,
    )
    envelope = Envelope.wrap(
        payload,
        source=SOURCE,
        occurred_on=figure.as_of,
        partnership_id=scope_partnership(figure.scope),
        evidence=Evidence.SCHOOL_RECORD,
        event_id=uuid5(_IDS, f"{generation}|{payload.model_dump_json()}"),
        recorded_at=MOMENT,
    )
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
@pytest.mark.parametrize("removed", [False, True])
def test_a_figure_message_is_byte_for_byte_the_one_the_codec_writes(figure: Figure, removed: bool) -> None:
    assert figure_changed(figure, "g1", removed=removed, recorded_at=MOMENT) == through_the_codec(figure, "g1", removed)


def test_a_figure_message_decodes_to_its_figure() -> None:
    key, value, headers = figure_changed(FIGURES[0], "g7", recorded_at=MOMENT)
    envelope = decode(headers, key, value)
    assert envelope.partnership_id == PID
    assert envelope.recorded_at == MOMENT
    assert isinstance(envelope.data, FigureChanged)
    assert (envelope.data.value, envelope.data.scope) == (0.4286, f"partnership:{PID}/home_region=Bijie")
