"""Figure answers written without a model per figure (figure_json.py) and kept as-of answers (answers.py)."""

from __future__ import annotations

import gc
import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.responses import JSONResponse

from services.assessment.answer_rows import pack, unpack_floats
from services.assessment.answers import Answer
from services.assessment.api import _rendered
from services.assessment.figure_json import FigureRow, array_body, figures_array, figures_body, floats_body, rows_body
from services.assessment.metrics.figures import Figure
from services.assessment.schemas import FigureOut, FiguresOut, figures_csv

SCOPE = "partnership:5e0c2a36-3d59-4a4e-9d0b-6f3c1f1b2a10"
DAY = date(2026, 6, 30)


def _figure(bucket: str, numerator: Decimal | None, value: Decimal | None, *, metric: str = "m") -> Figure:
    return Figure(SCOPE, "class", bucket, metric, 2, numerator, None, value, False, DAY)


ODD = [
    _figure("", Decimal("0"), Decimal("-0")),  # a zero and a negative zero, each written with its sign
    _figure('quote " and \\ back', Decimal("-0"), Decimal("0")),
    _figure("tab\tnew\nline\x01 and 中文", Decimal("1E+16"), Decimal("0.00001")),
    _figure("big", Decimal("12345678901234567"), Decimal("0.0001")),
    _figure("third", Decimal("3"), Decimal("0.3333"), metric="ünïcode"),
    _figure("none", None, None),
]


def _as_fastapi_writes(day: date | None, found: list[Figure]) -> bytes:
    model = FiguresOut(
        scope=SCOPE, generation="g1", as_of=day, live=day is None, figures=[FigureOut.of(f) for f in found]
    )
    return JSONResponse(model.model_dump(mode="json")).body


def same_json(written: bytes, expected: bytes) -> bool:
    """The same JSON value, each zero with its sign (equal as numbers, told apart by a reader that prints them)."""

    def signed(value: Any) -> Any:
        if isinstance(value, float):
            return (value, math.copysign(1.0, value))
        if isinstance(value, dict):
            return [(k, signed(v)) for k, v in value.items()]
        return [signed(v) for v in value] if isinstance(value, list) else value

    return bool(signed(json.loads(written)) == signed(json.loads(expected)))


def test_odd_figures_are_written_as_the_json_value_fastapi_writes_keys_in_its_order_and_zeros_signed() -> None:
    for day in (None, DAY):
        assert same_json(figures_body(SCOPE, "g1", day, ODD), _as_fastapi_writes(day, ODD))


def test_numbers_written_again_from_the_floats_kept_are_the_same_in_any_order() -> None:
    """figure_json keeps each Decimal's float: a zero met after a negative zero (or before it) keeps its sign."""
    for found in (ODD, ODD[::-1], [*ODD, *ODD[::-1]]):
        assert same_json(figures_body(SCOPE, "g1", DAY, found), _as_fastapi_writes(DAY, found))
    assert not same_json(b'{"value":-0.0}', b'{"value":0.0}')
    assert not same_json(b'{"a":1,"b":2}', b'{"b":2,"a":1}')


def _row(f: Figure) -> FigureRow:
    """A figures row as the store reads it: its numbers floats."""
    numbers = (None if n is None else float(n) for n in (f.numerator, f.denominator, f.value))
    return (f.dimension, f.bucket, f.metric, f.version, *numbers, f.final, f.as_of)  # type: ignore[return-value]


def test_live_rows_are_written_as_the_same_figures_are() -> None:
    rows: list[FigureRow] = [_row(f) for f in ODD]
    assert rows_body(SCOPE, "g1", None, rows) == figures_body(SCOPE, "g1", None, ODD)


def test_a_figure_of_another_scope_is_written_with_its_own() -> None:
    other = Figure("rollup:x", "total", "", "m", 1, None, None, None, True, DAY)
    assert b'"scope":"rollup:x"' in figures_body(SCOPE, "g1", DAY, [*ODD, other])


def test_a_kept_answer_gives_its_figures_back_and_leaves_the_collector_nothing_to_walk() -> None:
    answer = Answer.of(7, b"digest", ODD)
    gc.collect()
    assert answer.figures == ODD
    assert not any(gc.is_tracked(fields) for fields in answer.kept)


def test_an_answer_is_rendered_from_the_fields_it_keeps_as_from_its_figures_in_each_format_and_filter() -> None:
    found = [*ODD, Figure(SCOPE, "total", "", "m", 1, Decimal(2), Decimal(3), Decimal("0.6667"), True, DAY)]
    kept = Answer.of(7, b"digest", found).kept
    for fmt, version, dimension in [("json", None, None), ("json", 2, None), ("json", 1, "total"), ("csv", 2, "class")]:
        chosen = [f for f in found if version in (None, f.version) and dimension in (None, f.dimension)]
        assert chosen, "each filter keeps some figures"
        body, media_type = _rendered(SCOPE, "g1", DAY, kept, fmt, version, dimension)
        assert (body, media_type) == _rendered(SCOPE, "g1", DAY, found, fmt, version, dimension)
        if fmt == "json":
            assert same_json(body, _as_fastapi_writes(DAY, chosen))
        else:
            assert body.decode() == figures_csv(chosen)


def test_a_closed_answer_is_written_from_its_packed_rows_as_from_its_figures() -> None:
    """A closed answer (answer_rows.py) is written without its Decimals: the same JSON value, zeros signed."""
    found = [*ODD, Figure(SCOPE, "total", "", "m", 1, Decimal(2), Decimal(3), Decimal("0.6667"), True, DAY)]
    packed = pack(Answer.of(7, b"digest", found).kept)
    floats = unpack_floats(packed)
    assert same_json(floats_body(SCOPE, "g1", DAY, floats), _as_fastapi_writes(DAY, found))
    assert same_json(floats_body(SCOPE, "g1", DAY, floats[::-1]), _as_fastapi_writes(DAY, found[::-1]))


def test_a_closed_answer_unpacks_its_figures_only_when_asked_for_them() -> None:
    kept = Answer.of(7, b"digest", ODD).kept
    closed = Answer.closed(8, pack(kept))
    assert closed.fields is None
    assert closed.kept == kept
    assert closed.figures == ODD


def test_a_closed_answer_kept_as_a_json_array_is_written_as_its_figures_are() -> None:
    kept = Answer.of(7, b"digest", ODD).kept
    assert array_body(SCOPE, "g1", DAY, figures_array(kept)) == figures_body(SCOPE, "g1", DAY, kept)
