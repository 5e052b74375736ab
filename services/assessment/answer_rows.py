"""An as-of answer's figures packed as PostgreSQL keeps a closed one (closed_answers.py): msgpack rows of a figure's
fields, its numbers as their exact text and its day as an ordinal. A JSON answer is written from the rows with
their numbers read straight to floats (the same floats as through Decimals: CPython converts a Decimal through its
text), which took a tenth of unpacking them to Decimals and converting those (issue 12: unpacking and writing a
closed answer's 824 figures were half of its time in the API)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import msgpack

if TYPE_CHECKING:
    from services.assessment.answers import Fields

# A figure's fields with its numbers as JSON writes them: scope, dimension, bucket, metric, version, numerator,
# denominator, value, final, as_of.
FloatFields = tuple[str, str, str, str, int, float | None, float | None, float | None, bool, date]


def pack(kept: Sequence[Fields]) -> bytes:
    rows = [
        [scope, dim, bucket, metric, version, _text(num), _text(den), _text(value), final, as_of.toordinal()]
        for scope, dim, bucket, metric, version, num, den, value, final, as_of in kept
    ]
    packed: bytes = msgpack.packb(rows, use_bin_type=True)
    return packed


def unpack(raw: bytes) -> tuple[Fields, ...]:
    days = _Days()
    return tuple(
        (scope, dim, bucket, metric, version, _number(num), _number(den), _number(value), final, days[day])
        for scope, dim, bucket, metric, version, num, den, value, final, day in msgpack.unpackb(raw, raw=False)
    )


def unpack_floats(raw: bytes) -> list[FloatFields]:
    """The figures as a JSON answer writes them."""
    days = _Days()
    return [
        (scope, dim, bucket, metric, version, _float(num), _float(den), _float(value), final, days[day])
        for scope, dim, bucket, metric, version, num, den, value, final, day in msgpack.unpackb(raw, raw=False)
    ]


class _Days(dict[int, date]):
    """Each day made once: an answer's figures are nearly all of one."""

    def __missing__(self, ordinal: int) -> date:
        found = self[ordinal] = date.fromordinal(ordinal)
        return found


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _float(text: str | None) -> float | None:
    return None if text is None else float(text)
