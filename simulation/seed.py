"""The seed programme (shared/DOMAIN.md, "The seed scenario"): Guangzhou with Bijie, Anshun and Qiannan, 85 classes.

Class plan per partnership, as (cohort year, programme, classes, months); the 85 classes split 7 / 67 / 11.
"""

from __future__ import annotations

from datetime import date
from itertools import cycle

from simulation.builder import ClassSpec, ScenarioBuilder
from simulation.catalog import BIG_DATA, CUISINE, FAMILY, TECHNICIANS
from simulation.cohorts import Cohorts, PartnershipPlan
from simulation.mix import REALISTIC
from simulation.parties import EMPLOYERS, add_named_parties, alliance_members
from simulation.scenario import Scenario

SCENARIO_DATE = date(2026, 11, 23)
PROGRAMME = "gz_east_west"
BIJIE, ANSHUN, QIANNAN = "gz_bijie", "gz_anshun", "gz_qiannan"
BIJIE_IN_TRAINING_NOW = 1960
BIJIE_STATE_OWNED_PLACEMENTS = 318

_BIJIE_PLAN = [
    (2022, CUISINE, 1, 22),
    (2022, TECHNICIANS, 6, 22),
    (2022, FAMILY, 1, 22),
    (2023, CUISINE, 1, 22),
    (2023, TECHNICIANS, 5, 22),
    (2023, FAMILY, 1, 22),
    (2024, CUISINE, 1, 34),
    (2024, TECHNICIANS, 10, 34),
    (2024, FAMILY, 2, 34),
    (2025, CUISINE, 1, 22),
    (2025, TECHNICIANS, 11, 22),
    (2025, FAMILY, 1, 22),
    (2026, TECHNICIANS, 12, 22),
    (2026, FAMILY, 2, 10),
]
_QIANNAN_PLAN = [
    (2022, CUISINE, 1, 12),
    (2022, TECHNICIANS, 3, 18),
    (2023, TECHNICIANS, 3, 18),
    (2023, FAMILY, 1, 10),
    (2024, CUISINE, 1, 12),
    (2024, TECHNICIANS, 3, 24),
    (2025, TECHNICIANS, 3, 24),
    (2025, FAMILY, 1, 10),
    (2026, TECHNICIANS, 2, 22),
]
_SPONSORS = {
    BIJIE: {
        CUISINE: ["ent.lingnan_cuisine", "ent.liwan_dimsum"],
        FAMILY: ["ent.baiyun_home", "ent.haizhu_care"],
        TECHNICIANS: [
            "ent.rail_transit",
            "ent.pearl_power",
            "ent.nansha_ships",
            "ent.huangpu_precision",
            "ent.auto_parts",
            "ent.zengcheng_nev",
            "ent.tianhe_logistics",
            "ent.devzone_semi",
        ],
    },
    QIANNAN: {
        CUISINE: ["ent.lingnan_cuisine"],
        FAMILY: ["ent.baiyun_home"],
        TECHNICIANS: [
            "ent.yuexiu_hotels",
            "ent.airport_ground",
            "ent.conghua_agritech",
            "ent.huangpu_precision",
            "ent.zengcheng_nev",
            "ent.huadu_leather",
        ],
    },
}


def _partnerships(b: ScenarioBuilder) -> None:
    b.partnership(
        PROGRAMME, "Guangzhou East–West cooperation", date(2021, 3, 1), kind="programme", east_region="Guangzhou"
    )
    for party in ("gov.gz_hrss", "gov.gz_ftu", "gov.bijie_hrss", "gov.anshun_hrss", "gov.qiannan_hrss"):
        b.join(PROGRAMME, party, date(2021, 3, 1), "lead" if party == "gov.gz_hrss" else "member")
    for key, west, signed in (
        (BIJIE, "Bijie", date(2021, 6, 15)),
        (ANSHUN, "Anshun", date(2021, 7, 1)),
        (QIANNAN, "Qiannan", date(2021, 7, 20)),
    ):
        b.partnership(
            key,
            f"Guangzhou–{west} ordered classes",
            signed,
            parent=PROGRAMME,
            east_region="Guangzhou",
            west_region=west,
        )
        b.join(key, "gov.gz_ftu", signed, "coordinator")
        b.join(key, f"gov.{west.lower()}_hrss", signed)
    b.partnership(
        "anshun_preschool",
        "Anshun–Guangzhou preschool teacher training cooperation",
        date(2021, 9, 1),
        parent=PROGRAMME,
        east_region="Guangzhou",
        west_region="Anshun",
    )
    b.join("anshun_preschool", "sch.anshun_ethnic", date(2021, 9, 1))
    b.join("anshun_preschool", "sch.gz_preschool", date(2021, 9, 1))


def _guangzhou_classes(b: ScenarioBuilder) -> None:
    for key, plan, school in ((BIJIE, _BIJIE_PLAN, "sch.bijie"), (QIANNAN, _QIANNAN_PLAN, None)):
        sponsors = {programme: cycle(keys) for programme, keys in _SPONSORS[key].items()}
        schools = cycle(["sch.qiannan", "sch.qiannan", "sch.duyun"])
        for year, programme, count, months in plan:
            for _ in range(count):
                seats = b.rng.randint(56, 60) if key == BIJIE and year >= 2024 else b.rng.randint(40, 50)
                b.open_class(
                    key,
                    ClassSpec(
                        programme,
                        school or next(schools),
                        next(sponsors[programme]),
                        year,
                        months,
                        seats,
                        enterprise_share=b.rng.uniform(0.3, 0.45),
                    ),
                )
    for year, months in ((2022, 12), (2023, 12), (2024, 24), (2025, 24)):  # seed 000: four classes with Xinwanda
        b.open_class(
            ANSHUN,
            ClassSpec(TECHNICIANS, "sch.anshun_ethnic", "ent.xinwanda", year, months, 36, major="Electronic assembly"),
        )
    for spec in (
        ClassSpec(FAMILY, "sch.anshun_ethnic", "ent.haizhu_care", 2023, 10, 30),
        ClassSpec(CUISINE, "sch.anshun_vtc", "ent.liwan_dimsum", 2022, 12, 32),
        ClassSpec(TECHNICIANS, "sch.anshun_vtc", "ent.panyu_jewellery", 2022, 18, 35),
        ClassSpec(TECHNICIANS, "sch.anshun_vtc", "ent.devzone_semi", 2023, 18, 35),
        ClassSpec(TECHNICIANS, "sch.anshun_vtc", "ent.huadu_leather", 2024, 24, 35),
        ClassSpec(TECHNICIANS, "sch.anshun_vtc", "ent.panyu_jewellery", 2025, 24, 35),
        ClassSpec(TECHNICIANS, "sch.anshun_vtc", "ent.devzone_semi", 2026, 22, 35),
        ClassSpec(FAMILY, "sch.anshun_vtc", "ent.haizhu_care", 2025, 10, 30),
    ):
        b.open_class(ANSHUN, spec)
    b.join(QIANNAN, "emp.guizhou_highway", date(2022, 3, 1), "partner")
    b.leave(QIANNAN, "emp.guizhou_highway", date(2025, 6, 30))


def _alliances(b: ScenarioBuilder) -> None:
    """Seeds 001–003: two alliances, their industry colleges, and the Huadu agreement signed by five colleges."""
    alliance = "gy_big_data_alliance"
    b.partnership(
        alliance,
        "Guiyang Guian Big Data Industry-University Alliance",
        date(2023, 5, 28),
        kind="alliance",
        west_region="Guiyang",
    )
    alliance_members(
        b,
        alliance,
        {"government": 4, "school": 23, "enterprise": 17, "research_institute": 4, "association": 2},
        "Guiyang",
        date(2023, 5, 28),
        date(2023, 5, 28),
    )
    for key, name, school, sponsor, signed in (
        (
            "chinasoft_college",
            "Chinasoft International Big Data Industry College",
            "sch.gz_light_industry_guizhou",
            "ent.chinasoft",
            date(2020, 9, 1),
        ),
        (
            "big_data_group_college",
            "Guizhou Big Data Group Industry College",
            "sch.gz_electronic",
            "ent.guizhou_big_data",
            date(2022, 3, 1),
        ),
    ):
        b.partnership(key, name, signed, west_region="Guiyang")
        b.reparent(key, alliance, date(2023, 6, 1))
        for year in (2022, 2023, 2024, 2025):
            b.open_class(
                key, ClassSpec(BIG_DATA, school, sponsor, year, 34 if year >= 2024 else 22, 45, enterprise_share=0.5)
            )
        b.target(key, "enterprise_teaching_share", "at_least", 0.4, signed)
    provincial = "gd_bri_alliance"
    b.partnership(
        provincial,
        'Guangdong Provincial "Belt and Road" Vocational Education Alliance',
        date(2017, 11, 15),
        kind="alliance",
        east_region="Guangzhou",
    )
    alliance_members(
        b,
        provincial,
        {"school": 76, "enterprise": 12, "association": 7, "overseas": 10},
        "Guangdong",
        date(2017, 11, 15),
        date(2024, 11, 15),
    )
    huadu = "huadu_skilled"
    b.partnership(
        huadu,
        "Operation Skilled Huadu government–school–enterprise strategic cooperation",
        date(2022, 3, 3),
        east_region="Huadu",
        valid_until=date(2025, 3, 2),
        ended_on=date(2025, 3, 3),
    )
    b.join(huadu, "gov.huadu_hrss", date(2022, 3, 3), "lead")
    colleges = (
        "sch.gz_technician",
        "sch.gz_light_industry",
        "sch.gz_electromechanical",
        "sch.gz_public_utility",
        "sch.gz_communications",
    )
    for i, college in enumerate(colleges):
        b.join(huadu, college, date(2022, 3, 3), "signatory")
        b.open_class(huadu, ClassSpec(TECHNICIANS, college, ("ent.apower", "ent.marelli")[i % 2], 2022 + i % 2, 18, 40))
    b.reparent(huadu, provincial, date(2023, 5, 1))
    georgia = "gdcp_georgia"
    b.partnership(
        georgia,
        "Guangdong Communication Polytechnic – Railway Transport College (Georgia) cooperation",
        date(2024, 11, 15),
        parent=provincial,
        east_region="Guangzhou",
    )
    b.join(georgia, f"{provincial}.overseas02", date(2024, 11, 15))
    b.open_class(
        georgia,
        ClassSpec(
            TECHNICIANS, "sch.gd_communication", "ent.rail_transit", 2025, 24, 30, major="Rail transit operations"
        ),
    )


def _targets_and_funding(b: ScenarioBuilder, cohorts: Cohorts) -> None:
    for key in (BIJIE, ANSHUN, QIANNAN, "huadu_skilled"):
        signed = b.partnerships[key].signed_on
        b.target(key, "employment_rate", "at_least", 0.9, signed)
        b.target(key, "completion_rate", "at_least", 0.85, signed)
    b.target(BIJIE, "employment_rate", "at_least", 0.95, date(2023, 1, 10))  # the latest target wins
    b.target(BIJIE, "cost_per_graduate", "at_most", 30000, date(2021, 6, 15))
    b.target(QIANNAN, "certification_rate", "at_least", 0.8, date(2021, 7, 20))
    first_xinwanda = next(c for c in b.classes.values() if c.sponsor == "ent.xinwanda")
    b.target(ANSHUN, "fill_rate", "at_least", 0.9, date(2022, 8, 1), class_key=first_xinwanda.key)
    b.target(PROGRAMME, "enrolled", "at_least", 3200, date(2021, 3, 1))
    for key in [p for p in b.partnerships if cohorts.of(p)]:
        for year in range(2022, b.today.year + 1):
            starters = sum(1 for w in cohorts.of(key) if w.learning and w.learning.first_start.year == year)
            if starters:
                b.fund(key, starters * 6000, "fiscal_poverty_alleviation", year)
                if key == BIJIE:
                    b.fund(key, starters * 1500, "enterprise", year)


def seed_programme(today: date = SCENARIO_DATE) -> Scenario:
    b = ScenarioBuilder("seed", 2026, today, REALISTIC)
    add_named_parties(b)
    _partnerships(b)
    _guangzhou_classes(b)
    _alliances(b)
    cohorts = Cohorts(b, tuple(b.parties[k] for k in EMPLOYERS))
    cohorts.populate(
        BIJIE,
        PartnershipPlan(
            all_graduates_employed=True,
            in_training_now=BIJIE_IN_TRAINING_NOW,
            state_owned_placements=BIJIE_STATE_OWNED_PLACEMENTS,
        ),
    )
    for key in (ANSHUN, QIANNAN, "chinasoft_college", "big_data_group_college", "huadu_skilled", "gdcp_georgia"):
        cohorts.populate(key)
    cohorts.close_classes()
    _targets_and_funding(b, cohorts)
    verifiers = dict.fromkeys((BIJIE, ANSHUN, QIANNAN), "gov.gz_ftu")
    verifiers["huadu_skilled"] = "gov.huadu_hrss"
    return b.scenario(cohorts.students(), verifiers, {"programme": PROGRAMME, "bijie": BIJIE, "anshun": ANSHUN})
