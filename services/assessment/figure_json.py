"""Figures answered as JSON without a model per figure: the JSON value FastAPI writes for `FiguresOut`, written by
orjson from plain dictionaries (validating and serialising 824 `FigureOut` models took most of a live answer's
time, decoding each row into a `Figure` much of the rest, and writing each figure as a Python string half of what
was left; issue 12). orjson spells a few numbers apart from Python's `json` (`1e16` for `1e+16`, `0.00001` for
`1e-05`): the same numbers to any JSON reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from services.assessment.answer_rows import FloatFields
from services.assessment.answers import Fields

# dimension, bucket, metric, version, numerator, denominator, value, final, as_of: a figure's fields in
# `FigureOut`'s order after its scope (one scope per answer), its numbers already floats as FigureOut holds them.
FigureRow = tuple[str, str, str, int, float | None, float | None, float | None, bool, date]


_floats: dict[Decimal, float] = {}
_FLOATS_KEPT = 1 << 16


def _float(value: Decimal | None) -> float | None:
    """`float(value)`, kept: CPython converts a Decimal through its text, and an answer's figures read a few values
    many times (0, 1, a rate shared by several cells). Equal Decimals (1 and 1.0) are the same float, but for -0 and
    0: a signed value is not kept."""
    if value is None:
        return None
    if value.is_signed():
        return float(value)
    found = _floats.get(value)
    if found is None:
        if len(_floats) >= _FLOATS_KEPT:
            _floats.clear()
        found = _floats[value] = float(value)
    return found


def _figures(scope: str, rows: Iterable[FigureRow]) -> list[dict[str, Any]]:
    """Each row, of `scope`, as `FigureOut` names its fields."""
    return [
        {"scope": scope, "dimension": dimension, "bucket": bucket, "metric": metric, "version": version,
         "numerator": numerator, "denominator": denominator, "value": value, "final": final, "as_of": as_of}
        for dimension, bucket, metric, version, numerator, denominator, value, final, as_of in rows
    ]  # fmt: skip


def _body(scope: str, generation: str, day: date | None, figures: list[dict[str, Any]] | orjson.Fragment) -> bytes:
    """`FiguresOut(scope, generation, day, live, figures)` as JSON."""
    answer = {"scope": scope, "generation": generation, "as_of": day, "live": day is None, "figures": figures}
    return orjson.dumps(answer)


def rows_body(scope: str, generation: str, day: date | None, rows: Iterable[FigureRow]) -> bytes:
    """The figures of one scope, each of `scope`."""
    return _body(scope, generation, day, _figures(scope, rows))


def figures_body(scope: str, generation: str, day: date | None, found: Iterable[Fields]) -> bytes:
    """Figures, or their fields as answers keep them (a `Figure` is a tuple of them), each of its own scope (an
    answer's are all of `scope`)."""
    return _body(scope, generation, day, _each_of_its_scope(found, _float))


def floats_body(scope: str, generation: str, day: date | None, found: Iterable[FloatFields]) -> bytes:
    """`figures_body` of fields whose numbers are floats already (answer_rows.unpack_floats)."""
    return _body(scope, generation, day, _each_of_its_scope(found, _as_is))


def figures_array(found: Iterable[Fields]) -> bytes:
    """The figures as the JSON array `figures_body` writes them in."""
    return orjson.dumps(_each_of_its_scope(found, _float))


def array_body(scope: str, generation: str, day: date | None, array: bytes) -> bytes:
    """`figures_body` of figures already written as a JSON array (`figures_array`)."""
    return _body(scope, generation, day, orjson.Fragment(array))


def _as_is(number: float | None) -> float | None:
    return number


def _each_of_its_scope(found: Iterable[Any], number: Callable[[Any], float | None]) -> list[dict[str, Any]]:
    return [
        {"scope": of, "dimension": dimension, "bucket": bucket, "metric": metric, "version": version,
         "numerator": number(numerator), "denominator": number(denominator), "value": number(value), "final": final,
         "as_of": as_of}
        for of, dimension, bucket, metric, version, numerator, denominator, value, final, as_of in found
    ]  # fmt: skip
