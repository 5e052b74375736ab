"""As-of answers kept in the query process, each with what tells whether it still holds."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple, cast
from uuid import UUID

from services.assessment.answer_rows import unpack
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure

Question = tuple[Hashable, ...]


class AsOfQuestion(NamedTuple):
    kind: str  # "partnership" or "rollup"
    pid: UUID
    as_of: AsOf
    versions: tuple[int, ...]

    @property
    def text(self) -> str:
        """Its key among the answers kept in PostgreSQL (closed_answers.py)."""
        return f"{self.kind}:{self.pid}:{self.as_of.day}:{self.as_of.cutoff}:{','.join(map(str, self.versions))}"


# A Figure's fields in order: scope, dimension, bucket, metric, version, numerator, denominator, value, final, as_of.
Fields = tuple[str, str, str, str, int, Decimal | None, Decimal | None, Decimal | None, bool, date]


@dataclass(frozen=True)
class Answer:
    """Its figures are kept as plain tuples of their fields (text, numbers, dates): the garbage collector stops
    tracking such tuples, where it walked every kept `Figure` at each full collection (issue 12: 100 to 200 ms once
    a few hundred answers were kept, in the middle of a query)."""

    stamp: int  # record writes committed before the records were read (store: `written`)
    digest: bytes  # of the stored records it was computed from
    fields: tuple[Fields, ...] | None  # None: those of `packed`, unpacked when first asked for (`kept`)
    # Bodies already answered from these figures, by format and filters: (body, media type), as api.py renders.
    bodies: dict[Hashable, tuple[bytes, str]] = field(default_factory=dict, compare=False, repr=False)
    packed: bytes = b""  # a closed answer as PostgreSQL keeps it (closed_answers.py), which JSON is written from
    array: bytes = b""  # and its figures as a JSON array, when it was kept with them

    @classmethod
    def of(cls, stamp: int, digest: bytes, figures: Iterable[Figure]) -> Answer:
        return cls(stamp, digest, cast(tuple[Fields, ...], tuple(map(tuple, figures))))  # a Figure's fields, in order

    @classmethod
    def closed(cls, stamp: int, packed: bytes, array: bytes | None = None) -> Answer:
        return cls(stamp, b"", None, packed=packed, array=array or b"")

    @cached_property
    def kept(self) -> tuple[Fields, ...]:
        return self.fields if self.fields is not None else unpack(self.packed)

    @property
    def figures(self) -> list[Figure]:
        return [Figure(*fields) for fields in self.kept]
