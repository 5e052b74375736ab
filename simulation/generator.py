"""The scenarios: `seed_programme()` (DOMAIN.md's seed figures), `small_programme(seed)` for tests,
`scaled_programme(students, seed)` for benchmarks. The same seed always gives the same scenario."""

from __future__ import annotations

import time
from datetime import date
from itertools import cycle

import structlog

from simulation.builder import ClassSpec, ScenarioBuilder
from simulation.catalog import CUISINE, FAMILY, TECHNICIANS
from simulation.cohorts import Cohorts, PartnershipPlan
from simulation.mix import EDGY, LEAN
from simulation.parties import EMPLOYERS, GUANGZHOU_ENTERPRISES, add_named_parties
from simulation.scenario import Scenario
from simulation.seed import SCENARIO_DATE, seed_programme

log = structlog.get_logger(__name__)
__all__ = ["REQUIRED_STORIES", "SCENARIO_DATE", "build", "scaled_programme", "seed_programme", "small_programme"]

# Every turn of story the small programme must show, whatever its seed.
REQUIRED_STORIES = frozenset(
    {
        "application_corrected",
        "back_dated_withdrawal",
        "break_ended",
        "cancelled",
        "certificate_after_graduation",
        "certificate_corrected",
        "certificate_late",
        "certificate_retracted",
        "certificate_with_level",
        "certificate_without_level",
        "check_conflicting",
        "check_missing",
        "declined_offer",
        "excluded",
        "exclusion_revoked",
        "further_study",
        "further_study_future",
        "household_after_start",
        "household_before_start",
        "internship_completed",
        "internship_ended_early",
        "job_change",
        "job_lost",
        "on_break_now",
        "overdue",
        "placement_before_graduation",
        "placement_corrected",
        "placement_outside_window",
        "placement_resent",
        "placement_retracted",
        "rejected",
        "restarted",
        "transferred",
        "unplaced",
        "waitlisted_then_admitted",
        "waitlisted_then_rejected",
        "waitlisted_undecided",
        "withdrawn_early",
        "withdrawn_late",
        "withdrawn_on_day_42",
        "wrong_relation_flag",
    }
)
_SMALL_CLASSES = (  # (partnership, programme, school, sponsor, cohort year, months)
    ("east_bijie", TECHNICIANS, "sch.bijie", "ent.rail_transit", 2022, 22),
    ("east_bijie", TECHNICIANS, "sch.bijie", "ent.pearl_power", 2023, 12),
    ("east_bijie", CUISINE, "sch.bijie", "ent.lingnan_cuisine", 2025, 12),
    ("east_bijie", CUISINE, "sch.bijie", "ent.lingnan_cuisine", 2025, 22),
    ("east_anshun", TECHNICIANS, "sch.anshun_ethnic", "ent.xinwanda", 2022, 12),
    ("east_anshun", TECHNICIANS, "sch.anshun_ethnic", "ent.xinwanda", 2022, 18),
    ("east_anshun", FAMILY, "sch.anshun_vtc", "ent.haizhu_care", 2026, 10),
    ("huadu_pact", TECHNICIANS, "sch.gz_technician", "ent.apower", 2023, 12),
    ("gz_city", FAMILY, "sch.gz_technician", "ent.haizhu_care", 2023, 10),  # the city programme's own class
)


def small_programme(seed: int = 7, today: date = SCENARIO_DATE) -> Scenario:
    """Three partnerships under two parents, about 170 applicants, and every turn of a student's story; a city
    programme with a class of its own over an alliance over a partnership that joins it later (three levels)."""
    b = ScenarioBuilder("small", seed, today, EDGY)
    add_named_parties(b)
    b.partnership(
        "east_west",
        "Guangzhou East–West cooperation (small)",
        date(2021, 3, 1),
        kind="programme",
        east_region="Guangzhou",
    )
    b.join("east_west", "gov.gz_hrss", date(2021, 3, 1), "lead")
    b.partnership(
        "east_bijie",
        "Guangzhou–Bijie ordered classes (small)",
        date(2021, 6, 1),
        parent="east_west",
        east_region="Guangzhou",
        west_region="Bijie",
    )
    b.partnership(
        "east_anshun",
        "Guangzhou–Anshun ordered classes (small)",
        date(2021, 7, 1),
        parent="east_west",
        east_region="Guangzhou",
        west_region="Anshun",
        checkpoints=(90, 180),
    )
    b.partnership("gz_city", "Guangzhou city programme (small)", date(2021, 1, 1), kind="programme")
    b.partnership(
        "skills_alliance",
        "Huadu skills alliance (small)",
        date(2021, 1, 1),
        kind="alliance",
        east_region="Huadu",
        parent="gz_city",
    )
    b.partnership(
        "huadu_pact",
        "Huadu government–school–enterprise pact (small)",
        date(2022, 3, 3),
        east_region="Huadu",
        valid_until=date(2025, 3, 2),
        ended_on=date(2025, 3, 3),
    )
    b.reparent("huadu_pact", "skills_alliance", date(2023, 5, 1))
    for partnership, programme, school, sponsor, year, months in _SMALL_CLASSES:
        b.open_class(partnership, ClassSpec(programme, school, sponsor, year, months, seats=20, enterprise_share=0.4))
    b.join("east_bijie", "ent.auto_parts", date(2021, 6, 1), "partner")
    b.join("east_anshun", "emp.guizhou_highway", date(2021, 7, 1), "partner")
    b.leave("east_anshun", "emp.guizhou_highway", date(2024, 12, 31))
    cohorts = Cohorts(b, tuple(b.parties[k] for k in EMPLOYERS))
    for partnership in ("east_bijie", "east_anshun", "huadu_pact", "gz_city"):
        cohorts.populate(partnership, PartnershipPlan())
    cohorts.ensure_stories(REQUIRED_STORIES, ("east_bijie", "east_anshun", "huadu_pact"))
    cohorts.close_classes()
    first_class = next(iter(b.classes))
    for partnership in ("east_bijie", "east_anshun", "huadu_pact"):
        b.target(partnership, "employment_rate", "at_least", 0.8, date(2021, 8, 1))
        b.target(partnership, "starting_wage_median", "at_least", 4000, date(2021, 8, 1))
        b.fund(partnership, 90000, "fiscal_poverty_alleviation", 2023)
    b.target("east_bijie", "employment_rate", "at_least", 0.9, date(2024, 1, 1))
    b.target("east_bijie", "fill_rate", "at_least", 0.9, date(2022, 8, 1), class_key=first_class)
    b.target("east_anshun", "cost_per_graduate", "at_most", 5000, date(2022, 1, 1))
    b.fund("east_bijie", 40000, "enterprise", 2024)
    b.correct_funding("east_bijie", 1, 45000, date(2025, 3, 1))
    b.fund("gz_city", 60000, "fiscal_poverty_alleviation", 2024)
    b.target("gz_city", "employment_rate", "at_least", 0.7, date(2022, 1, 1))
    return b.scenario(cohorts.students(), {"east_bijie": "gov.gz_hrss"}, {"programme": "east_west"})


def scaled_programme(students: int = 100_000, seed: int = 1) -> Scenario:
    """The seed's shapes repeated: partnerships of up to 40 classes of about 50 seats, until `students` applied."""
    b = ScenarioBuilder("scaled", seed, SCENARIO_DATE, LEAN)
    b.hours_every_months = 2
    add_named_parties(b)
    b.partnership(
        "scaled",
        "Guangzhou East–West cooperation (scaled)",
        date(2021, 3, 1),
        kind="programme",
        east_region="Guangzhou",
    )
    classes = max(1, round(students / (50 * LEAN.applicants_per_seat)))
    wests, sponsors = cycle(("Bijie", "Anshun", "Qiannan")), cycle(GUANGZHOU_ENTERPRISES)
    programmes = cycle((TECHNICIANS,) * 8 + (CUISINE, FAMILY))
    schools = {"Bijie": "sch.bijie", "Anshun": "sch.anshun_vtc", "Qiannan": "sch.qiannan"}
    for n in range(classes):
        if n % 40 == 0:
            west = next(wests)
            key = f"scaled_{n // 40 + 1:03d}"
            b.partnership(
                key,
                f"Guangzhou–{west} ordered classes, agreement {n // 40 + 1}",
                date(2021, 6, 1),
                parent="scaled",
                east_region="Guangzhou",
                west_region=west,
            )
        year = 2022 + n % 5
        b.open_class(key, ClassSpec(next(programmes), schools[west], next(sponsors), year, 22, 50))
    cohorts = Cohorts(b, tuple(b.parties[k] for k in EMPLOYERS))
    for key in [k for k in b.partnerships if k != "scaled"]:
        cohorts.populate(key)
        b.target(key, "employment_rate", "at_least", 0.9, date(2021, 6, 1))
        b.fund(key, 2_000_000, "fiscal_poverty_alleviation", 2024)
    cohorts.close_classes()
    return b.scenario(cohorts.students(), {}, {"programme": "scaled"})


def build(name: str, seed: int | None = None, students: int | None = None) -> Scenario:
    """The scenario a CLI option names: seed, small or scaled."""
    started = time.perf_counter()
    if name == "seed":
        scenario = seed_programme()
    elif name == "small":
        scenario = small_programme(7 if seed is None else seed)
    elif name == "scaled":
        scenario = scaled_programme(students or 100_000, 1 if seed is None else seed)
    else:
        raise ValueError(f"unknown scenario {name!r}: seed, small or scaled")
    log.info(
        "scenario generated",
        scenario=name,
        students=len(scenario.students),
        facts=scenario.fact_count(),
        seconds=round(time.perf_counter() - started, 2),
    )
    return scenario
