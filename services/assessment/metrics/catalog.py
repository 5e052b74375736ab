"""Metric versions, metric codes and breakdown dimensions (DOMAIN.md, "Metrics")."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class MetricVersion:
    number: int
    employment_window_days: int
    default_checkpoints: tuple[int, ...] = (90, 180, 365)
    qualifying_days: int = 42
    certification_window_days: int = 365
    households_checkpoint_days: int = 180


VERSIONS: dict[int, MetricVersion] = {
    1: MetricVersion(1, employment_window_days=180),
    2: MetricVersion(2, employment_window_days=365),
}
CURRENT_VERSION = 1


class Dimension(StrEnum):
    TOTAL = "total"
    CLASS = "class"
    PROGRAMME = "programme"
    HOME_REGION = "home_region"
    COHORT_YEAR = "cohort_year"
    POOR_HOUSEHOLD = "poor_household"
    FUNDING_PERIOD = "funding_period"


Bucket = tuple[Dimension, str]
TOTAL: Bucket = (Dimension.TOTAL, "")
UNKNOWN = "unknown"


LOCATIONS = ("east", "home_region", "elsewhere")


class Shape(StrEnum):
    RATE = "rate"  # numerator / denominator
    COUNT = "count"  # the numerator; no denominator
    MEDIAN = "median"  # median of pooled values; the denominator is how many
    RATIO = "ratio"  # like a rate, but yuan per outcome


CLASS_METRICS = frozenset(
    {
        "classes_opened",
        "classes_open",
        "classes_closed",
        "seats",
        "fill_rate",
        "enterprise_teaching_share",
    }
)
# DOMAIN.md: class-level figures have no poor-household or home-region split.
CLASS_DIMENSIONS = frozenset({Dimension.TOTAL, Dimension.CLASS, Dimension.PROGRAMME, Dimension.COHORT_YEAR})
# DOMAIN.md: cost per outcome has no poor-household or class split; funding belongs to a scope and a period.
COST_METRICS = frozenset({"cost_per_graduate", "cost_per_placement"})
# Every graduate may still move these until the employment window has passed (DOMAIN.md, "Final when").
PLACEMENT_METRICS = (
    "placements",
    "sponsor_placement_rate",
    "major_matched_rate",
    "state_owned_placements",
    "state_owned_share",
    "starting_wage_median",
    *(f"starting_wage_median.{location}" for location in LOCATIONS),
    *(f"placement_location_share.{location}" for location in LOCATIONS),
)


def metric_shapes(checkpoints: tuple[int, ...]) -> dict[str, Shape]:
    shapes: dict[str, Shape] = {
        "classes_opened": Shape.COUNT,
        "classes_open": Shape.COUNT,
        "classes_closed": Shape.COUNT,
        "seats": Shape.COUNT,
        "fill_rate": Shape.RATE,
        "admission_rate": Shape.RATE,
        "enrolled": Shape.COUNT,
        "active": Shape.COUNT,
        "on_break": Shape.COUNT,
        "enrolled_now": Shape.COUNT,
        "poor_household_share": Shape.RATE,
        "retention_in_training": Shape.RATE,
        "completion_rate": Shape.RATE,
        "graduates": Shape.COUNT,
        "certification_rate": Shape.RATE,
        "enterprise_teaching_share": Shape.RATE,
        "internship_rate": Shape.RATE,
        "employment_rate": Shape.RATE,
        "direct_employment_rate": Shape.RATE,
        "placements": Shape.COUNT,
        "sponsor_placement_rate": Shape.RATE,
        "major_matched_rate": Shape.RATE,
        "state_owned_placements": Shape.COUNT,
        "state_owned_share": Shape.RATE,
        "starting_wage_median": Shape.MEDIAN,
        "households_lifted": Shape.COUNT,
        "cost_per_graduate": Shape.RATIO,
        "cost_per_placement": Shape.RATIO,
    }
    for location in LOCATIONS:
        shapes[f"starting_wage_median.{location}"] = Shape.MEDIAN
        shapes[f"placement_location_share.{location}"] = Shape.RATE
    for k in checkpoints:
        shapes[f"job_retention.{k}"] = Shape.RATE
    for k in checkpoints[1:]:
        shapes[f"same_employer_retention.{k}"] = Shape.RATE
    return shapes


def cell_metrics(dimension: Dimension, checkpoints: tuple[int, ...]) -> dict[str, Shape]:
    """Every metric a cell of `dimension` answers (DOMAIN.md: every breakdown cell is answered)."""
    shapes = metric_shapes(checkpoints)
    if dimension is Dimension.FUNDING_PERIOD:
        return {m: s for m, s in shapes.items() if m in COST_METRICS}
    if dimension is not Dimension.TOTAL:
        shapes = {m: s for m, s in shapes.items() if m not in COST_METRICS}
    if dimension not in CLASS_DIMENSIONS:
        shapes = {m: s for m, s in shapes.items() if m not in CLASS_METRICS}
    return shapes
