"""HTTP shapes of assessment's read side."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from services.assessment.metrics.figures import Figure
from services.assessment.metrics.targets import TargetStatus

CSV_COLUMNS = (
    "scope",
    "dimension",
    "bucket",
    "metric",
    "version",
    "numerator",
    "denominator",
    "value",
    "final",
    "as_of",
)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class FigureOut(BaseModel):
    scope: str
    dimension: str
    bucket: str
    metric: str
    version: int
    numerator: float | None
    denominator: float | None
    value: float | None
    final: bool
    as_of: date

    @classmethod
    def of(cls, figure: Figure) -> FigureOut:
        return cls(
            scope=figure.scope,
            dimension=figure.dimension,
            bucket=figure.bucket,
            metric=figure.metric,
            version=figure.version,
            numerator=_number(figure.numerator),
            denominator=_number(figure.denominator),
            value=_number(figure.value),
            final=figure.final,
            as_of=figure.as_of,
        )


class FiguresOut(BaseModel):
    scope: str
    generation: str
    as_of: date | None
    live: bool
    figures: list[FigureOut]


class RankedOut(BaseModel):
    rank: int
    scope: str
    numerator: float | None
    denominator: float | None
    value: float | None
    final: bool


class RankingOut(BaseModel):
    metric: str
    version: int
    ranking: list[RankedOut]


class TargetOut(BaseModel):
    target_id: str
    metric: str
    comparison: str
    goal: float
    class_id: str | None
    actual: float | None
    met: bool | None
    numerator: float | None = None
    denominator: float | None = None
    final: bool | None = Field(default=None, description="The measured figure's status; null when there is none")
    as_of: date = Field(description="The business date D: the target in force then, its figure as of D")

    @classmethod
    def of(cls, status: TargetStatus, as_of: date) -> TargetOut:
        target, figure = status.target, status.figure
        return cls(
            target_id=str(UUID(bytes=target.target_id)),
            metric=target.metric,
            comparison=target.comparison,
            goal=target.goal,
            class_id=target.class_id.hex() if target.class_id else None,
            actual=_number(status.actual),
            met=status.met,
            numerator=None if figure is None else _number(figure.numerator),
            denominator=None if figure is None else _number(figure.denominator),
            final=None if figure is None else figure.final,
            as_of=as_of,
        )


class SnapshotOut(BaseModel):
    period_kind: str
    period: str
    frozen: int


class HealthOut(BaseModel):
    status: str
    generation: str


def figures_csv(figures: list[Figure]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        writer.writerow(
            [
                f.scope,
                f.dimension,
                f.bucket,
                f.metric,
                f.version,
                "" if f.numerator is None else f.numerator.normalize(),
                "" if f.denominator is None else f.denominator.normalize(),
                "" if f.value is None else f.value,
                str(f.final).lower(),
                f.as_of.isoformat(),
            ]
        )
    return buffer.getvalue()
