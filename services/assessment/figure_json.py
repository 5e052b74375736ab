"""Figures answered as JSON without a model per figure: the body FastAPI writes for `FiguresOut`, byte for byte, at
a fraction of the cost (validating and serialising 824 `FigureOut` models took most of a live answer's time, and
decoding each row into a `Figure` much of the rest; issue 12)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes strings with

from services.assessment.metrics.figures import Figure

# scope, dimension, bucket, metric, version, numerator, denominator, value, final, as_of (ISO): a figure's fields
# in `FigureOut`'s order, its numbers already floats as FigureOut holds them.
FigureRow = tuple[str, str, str, str, int, float | None, float | None, float | None, bool, str]


def _number(value: float | None) -> str:
    return "null" if value is None else float.__repr__(value)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def row_of(f: Figure) -> FigureRow:
    return (f.scope, f.dimension, f.bucket, f.metric, f.version, _float(f.numerator), _float(f.denominator),
            _float(f.value), f.final, f.as_of.isoformat())  # fmt: skip


def _figure(row: FigureRow) -> str:
    scope, dimension, bucket, metric, version, numerator, denominator, value, final, as_of = row
    return (
        f'{{"scope":{encode_basestring(scope)},"dimension":{encode_basestring(dimension)},'
        f'"bucket":{encode_basestring(bucket)},"metric":{encode_basestring(metric)},"version":{int(version)},'
        f'"numerator":{_number(numerator)},"denominator":{_number(denominator)},"value":{_number(value)},'
        f'"final":{"true" if final else "false"},"as_of":"{as_of}"}}'
    )


def rows_body(scope: str, generation: str, day: date | None, rows: Iterable[FigureRow]) -> bytes:
    """What FastAPI's JSONResponse renders for `FiguresOut(scope, generation, day, live, figures)`."""
    as_of = "null" if day is None else f'"{day.isoformat()}"'
    head = (
        f'{{"scope":{encode_basestring(scope)},"generation":{encode_basestring(generation)},"as_of":{as_of},'
        f'"live":{"true" if day is None else "false"},"figures":['
    )
    return (head + ",".join(_figure(row) for row in rows) + "]}").encode()


def figures_body(scope: str, generation: str, day: date | None, found: Sequence[Figure]) -> bytes:
    return rows_body(scope, generation, day, (row_of(f) for f in found))
