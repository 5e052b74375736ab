"""Figures answered as JSON without a model per figure: the body FastAPI writes for `FiguresOut`, byte for byte, at
a fraction of the cost (validating and serialising 824 `FigureOut` models took most of a live answer's time, and
decoding each row into a `Figure` much of the rest; issue 12)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes strings with
from typing import Generic, TypeVar

from services.assessment.metrics.figures import Figure

# dimension, bucket, metric, version, numerator, denominator, value, final, as_of: a figure's fields in
# `FigureOut`'s order after its scope (one scope per answer), its numbers already floats as FigureOut holds them.
FigureRow = tuple[str, str, str, int, float | None, float | None, float | None, bool, date]
Value = TypeVar("Value", bound=Hashable)


class Spellings(dict[Value, str], Generic[Value]):
    """What `spell` writes for each value (`spellings[value]`), up to `size` values kept: names of dimensions,
    buckets and metrics, most numbers and the dates recur from one figure, and one partnership, to the next. A
    value found costs a dictionary lookup and no Python call (issue 12: calls were half of writing an answer)."""

    def __init__(self, spell: Callable[[Value], str], size: int = 4096) -> None:
        super().__init__()
        self._spell, self._size = spell, size

    def __missing__(self, value: Value) -> str:
        found = self._spell(value)
        if value != 0:  # a zero is written with its sign, which 0.0 == -0.0 does not tell apart: never kept
            if len(self) >= self._size:
                self.clear()
            self[value] = found
        return found


def _number(value: float | None) -> str:
    return "null" if value is None else float.__repr__(value)


_day = Spellings[date](lambda day: f'"{day.isoformat()}"')
_numbers = Spellings[float | None](_number)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def row_of(f: Figure) -> FigureRow:
    return (f.dimension, f.bucket, f.metric, f.version, _float(f.numerator), _float(f.denominator), _float(f.value),
            f.final, f.as_of)  # fmt: skip


def _names(key: tuple[str, str, str, int]) -> str:
    dimension, bucket, metric, version = key
    return (
        f',"dimension":{encode_basestring(dimension)},"bucket":{encode_basestring(bucket)},'
        f'"metric":{encode_basestring(metric)},"version":{int(version)},"numerator":'
    )


_named = Spellings[tuple[str, str, str, int]](_names)  # what names a figure: the same few hundred in every answer


def _figure(head: str, row: FigureRow) -> str:
    """`head`: the figure's start up to its scope's quoted name."""
    dimension, bucket, metric, version, numerator, denominator, value, final, as_of = row
    return (
        f'{head}{_named[dimension, bucket, metric, version]}{_numbers[numerator]},"denominator":'
        f'{_numbers[denominator]},"value":{_numbers[value]},"final":{"true" if final else "false"},'
        f'"as_of":{_day[as_of]}}}'
    )


def _body(scope: str, generation: str, day: date | None, figures: Iterable[str]) -> bytes:
    """What FastAPI's JSONResponse renders for `FiguresOut(scope, generation, day, live, figures)`."""
    as_of = "null" if day is None else f'"{day.isoformat()}"'
    head = (
        f'{{"scope":{encode_basestring(scope)},"generation":{encode_basestring(generation)},"as_of":{as_of},'
        f'"live":{"true" if day is None else "false"},"figures":['
    )
    return (head + ",".join(figures) + "]}").encode()


def rows_body(scope: str, generation: str, day: date | None, rows: Iterable[FigureRow]) -> bytes:
    """The figures of one scope, each of `scope`."""
    head = '{"scope":' + encode_basestring(scope)
    return _body(scope, generation, day, [_figure(head, row) for row in rows])


def figures_body(scope: str, generation: str, day: date | None, found: Sequence[Figure]) -> bytes:
    """Figures each of its own scope (an answer's are all of `scope`)."""
    heads = Spellings[str](lambda of: '{"scope":' + encode_basestring(of))
    return _body(scope, generation, day, [_figure(heads[f.scope], row_of(f)) for f in found])
