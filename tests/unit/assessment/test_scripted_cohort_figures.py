"""The scripted cohort (tests/unit/assessment/scripted_cohort.py), every figure worked out by hand below."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, group, partnership_context
from services.assessment.metrics.targets import evaluate
from tests.unit.assessment.builders import records_of
from tests.unit.assessment.scripted_cohort import Cohort, scripted_cohort

D = date(2026, 6, 30)


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return scripted_cohort()


def figure(found: list[Figure], metric: str, dimension: str = "total", bucket: str = "") -> Figure:
    [match] = [f for f in found if f.metric == metric and f.dimension == dimension and f.bucket == bucket]
    return match


def reading(found: list[Figure], metric: str, dimension: str = "total", bucket: str = "") -> tuple:
    f = figure(found, metric, dimension, bucket)
    return f.numerator, f.denominator, f.value


def dec(value: str | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def rate(num: int | str, den: int | str, value: str | None) -> tuple:
    return dec(num), dec(den), dec(value)


def count(n: int) -> tuple:
    return Decimal(n), None, Decimal(n)


@pytest.fixture(scope="module")
def v1(cohort: Cohort) -> list[Figure]:
    return figures(records_of(cohort.script.events), AsOf.of(D), version=1)


@pytest.fixture(scope="module")
def v2(cohort: Cohort) -> list[Figure]:
    return figures(records_of(cohort.script.events), AsOf.of(D), version=2)


# As of 2026-06-30. Enrolled S1-S12 (S14 cancelled; S15 rejected, S16 waitlisted never enrolled).
# Class A holds S1 S2 S3 S7 S8 S9 S10 S11, class B holds S4 S5 S6 (transferred) S12.
EXPECTED_V1 = {
    "classes_opened": count(2),
    "classes_open": count(1),
    "classes_closed": count(1),
    "seats": count(15),
    "fill_rate": rate(12, 15, "0.8"),
    "admission_rate": rate(13, 14, "0.9286"),  # 13 admitted (S1-S12, S14) of 14 decided (+ S15 rejected)
    "enrolled": count(12),
    "active": count(1),  # S11
    "on_break": count(1),  # S12
    "enrolled_now": count(2),
    "poor_household_share": rate(3, 12, "0.25"),  # S1, S3 (update dated before start), S4
    # S9 excluded; S3 (20 days) and S4 (102 days - 61 on break = 41) withdrew inside 42 days; S5 at day 42
    "retention_in_training": rate(8, 9, "0.8889"),
    "completion_rate": rate(6, 7, "0.8571"),  # graduates S1 S2 S6 S7 S8 S10; leaver S5
    "graduates": count(6),
    "certification_rate": rate(1, 6, "0.1667"),  # S1; S2's has no level, S8's came after G+365
    "enterprise_teaching_share": rate(40, 80, "0.5"),  # 30 + 10 enterprise of 30 + 40 + 10 verified hours
    "internship_rate": rate(1, 6, "0.1667"),  # S1; S2's started after graduation
    "employment_rate": rate(4, 6, "0.6667"),  # S1 S2 S8 placed, S6 further study; S7 after G+180; S10 retracted
    "direct_employment_rate": rate(3, 6, "0.5"),
    "placements": count(3),
    "sponsor_placement_rate": rate(2, 3, "0.6667"),  # S1 sponsor code, S8 partner code; S2's flag loses
    "major_matched_rate": rate(2, 3, "0.6667"),
    "state_owned_placements": count(1),
    "state_owned_share": rate(1, 3, "0.3333"),
    "starting_wage_median": (None, Decimal(3), Decimal("4000")),
    "starting_wage_median.east": (None, Decimal(2), Decimal("4500")),  # S1 5000, S8 4000: even count
    "starting_wage_median.home_region": (None, Decimal(1), Decimal("3000")),
    "starting_wage_median.elsewhere": (Decimal(0), Decimal(0), None),  # empty: 0, 0, null
    "placement_location_share.east": rate(2, 3, "0.6667"),
    "placement_location_share.home_region": rate(1, 3, "0.3333"),
    "placement_location_share.elsewhere": rate(0, 3, "0"),
    "job_retention.90": rate(2, 3, "0.6667"),  # S1, S8; S2's social insurance record beats the self report
    "job_retention.180": rate(2, 3, "0.6667"),  # S1, S8 (other employer still counts as employed)
    "job_retention.365": rate(1, 3, "0.3333"),  # S1; S8 has no check: not employed
    "same_employer_retention.180": rate(1, 2, "0.5"),  # of S1, S8 employed at 90: S8 changed employer
    "same_employer_retention.365": rate(1, 2, "0.5"),
    "households_lifted": count(1),  # S1
    "cost_per_graduate": rate(120000, 6, "20000"),
    "cost_per_placement": rate(120000, 3, "40000"),
}


@pytest.mark.parametrize("metric", sorted(EXPECTED_V1))
def test_every_partnership_figure_of_version_1_matches_the_hand_count(v1: list[Figure], metric: str) -> None:
    assert reading(v1, metric) == EXPECTED_V1[metric]


def test_version_1_renders_exactly_the_catalogue(v1: list[Figure]) -> None:
    assert {f.metric for f in v1 if f.dimension == "total"} == set(EXPECTED_V1)


EXPECTED_V2 = {
    "employment_rate": rate(5, 6, "0.8333"),  # S7's job on G+244 counts within 365 days
    "direct_employment_rate": rate(4, 6, "0.6667"),
    "placements": count(4),
    "sponsor_placement_rate": rate(2, 4, "0.5"),
    "major_matched_rate": rate(3, 4, "0.75"),
    "state_owned_share": rate(1, 4, "0.25"),
    "starting_wage_median": (None, Decimal(4), Decimal("4500")),
    "starting_wage_median.east": (None, Decimal(3), Decimal("5000")),
    "placement_location_share.east": rate(3, 4, "0.75"),
    "job_retention.90": rate(2, 4, "0.5"),  # S7's 90 days passed on 2026-05-30 with no check
    "job_retention.180": rate(2, 3, "0.6667"),  # S7's 180 days not yet passed
    "cost_per_placement": rate(120000, 4, "30000"),
    "completion_rate": rate(6, 7, "0.8571"),
}


@pytest.mark.parametrize("metric", sorted(EXPECTED_V2))
def test_version_2_counts_employment_within_365_days_from_the_same_records(v2: list[Figure], metric: str) -> None:
    assert reading(v2, metric) == EXPECTED_V2[metric]


def test_breakdowns_split_the_same_students(cohort: Cohort, v1: list[Figure]) -> None:
    a, b = cohort.class_a.bytes.hex(), cohort.class_b.bytes.hex()
    assert reading(v1, "fill_rate", "class", a) == rate(8, 10, "0.8")
    assert reading(v1, "fill_rate", "class", b) == rate(4, 5, "0.8")
    assert reading(v1, "retention_in_training", "class", a) == rate(6, 6, "1")
    assert reading(v1, "retention_in_training", "class", b) == rate(2, 3, "0.6667")
    assert reading(v1, "enterprise_teaching_share", "class", a) == rate(30, 70, "0.4286")
    assert reading(v1, "enterprise_teaching_share", "programme", cohort.programme_y.bytes.hex()) == rate(10, 10, "1")
    assert reading(v1, "employment_rate", "home_region", "Bijie") == rate(3, 3, "1")
    assert reading(v1, "employment_rate", "home_region", "Anshun") == rate(1, 2, "0.5")
    assert reading(v1, "employment_rate", "home_region", "Qiannan") == rate(0, 1, "0")
    assert reading(v1, "employment_rate", "poor_household", "true") == rate(1, 1, "1")
    assert reading(v1, "employment_rate", "poor_household", "false") == rate(3, 5, "0.6")
    assert reading(v1, "enrolled", "cohort_year", "2024") == count(12)
    assert reading(v1, "cost_per_graduate", "funding_period", "2024-01-01..2025-12-31") == rate(120000, 6, "20000")
    assert not [f for f in v1 if f.metric == "fill_rate" and f.dimension in ("home_region", "poor_household")]


def test_figures_stay_provisional_while_a_class_is_open(v1: list[Figure]) -> None:
    assert not any(f.final for f in v1 if f.dimension == "total")


def test_the_target_is_reported_as_not_met(cohort: Cohort, v1: list[Figure]) -> None:
    grouped = group(records_of(cohort.script.events))[cohort.script.partnership_id]
    from services.assessment.metrics.catalog import VERSIONS

    ctx = partnership_context(grouped, AsOf.of(D), VERSIONS[1])
    [status] = evaluate(ctx.targets, v1)
    assert (status.actual, status.met) == (Decimal("0.6667"), False)


def test_arrival_order_and_duplicates_change_nothing(cohort: Cohort, v1: list[Figure]) -> None:
    events = list(cohort.script.events)
    shuffled = random.Random(7).sample(events, len(events)) + events[::3]
    assert figures(records_of(shuffled), AsOf.of(D), version=1) == v1


def test_as_of_mid_training_uses_only_what_was_known_then(cohort: Cohort) -> None:
    found = figures(records_of(cohort.script.events), AsOf.of(date(2024, 6, 30)), version=1)
    assert reading(found, "enrolled") == count(12)
    assert reading(found, "active") == count(8)  # S1 S2 S6 S8 S9 S10 S11 S12
    assert reading(found, "on_break") == count(0)
    # S9's exclusion is recorded later; S3, S4 and S7 (restart not yet) withdrew inside 42 days
    assert reading(found, "retention_in_training") == rate(8, 9, "0.8889")
    assert reading(found, "poor_household_share") == rate(3, 12, "0.25")
    assert reading(found, "placements") == count(0)


def test_a_household_update_recorded_later_moves_poor_status_only_from_its_recording(cohort: Cohort) -> None:
    found = figures(records_of(cohort.script.events), AsOf.of(date(2024, 4, 30)), version=1)
    assert reading(found, "poor_household_share") == rate(2, 12, "0.1667")
