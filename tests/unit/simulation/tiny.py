"""Hand-made scenarios for hand-worked ground-truth cases: one programme, two partnerships, three classes."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from simulation import facts as f
from simulation.ground_truth import Truth, compute_truth
from simulation.scenario import Membership, Module, Partnership, Party, Person, Scenario, SchoolClass, Student

START = date(2023, 9, 1)
GRADUATION = date(2024, 7, 1)
SPONSOR_CODE, PARTNER_CODE, OTHER_CODE = "91440106SPONSOR01X", "91440106PARTNER01X", "91520502OTHERCO01X"
_keys = itertools.count()


def key() -> str:
    return f"k{next(_keys)}"


def days(day: date, n: int) -> date:
    return day + timedelta(days=n)


def parties() -> dict[str, Party]:
    return {
        "school": Party("school", "A school", "school", "west", "Bijie", "12520502SCHOOL001X"),
        "sponsor": Party("sponsor", "Sponsor Co.", "enterprise", "east", "Guangzhou", SPONSOR_CODE),
        "partner": Party("partner", "Partner Co.", "enterprise", "east", "Guangzhou", PARTNER_CODE, True),
        "other": Party("other", "Other Co.", "enterprise", "west", "Bijie", OTHER_CODE),
        "gov": Party("gov", "A bureau", "government", "east", "Guangzhou", "11440106BUREAU001X"),
    }


def klass(
    key_: str,
    partnership: str = "p1",
    programme: str = "g1",
    cohort: int = 2023,
    seats: int = 10,
    closed_on: date | None = None,
) -> SchoolClass:
    return SchoolClass(
        key_,
        partnership,
        programme,
        "school",
        "sponsor",
        key_,
        "Welding",
        seats,
        cohort,
        START,
        GRADUATION,
        8,
        days(START, -30),
        (Module("Welding practice", Decimal(100), "enterprise"),),
        closed_on,
    )


def scenario(students: list[Student], *, class_facts: list[Any] | None = None, **changes: Any) -> Scenario:
    programme = Partnership("prog", "Programme", "programme", date(2022, 1, 1), date(2022, 1, 1))
    p1 = Partnership(
        "p1",
        "One",
        "partnership",
        date(2022, 1, 1),
        date(2022, 1, 1),
        parent="prog",
        members=[Membership("partner", "partner", date(2022, 1, 1))],
    )
    p2 = Partnership("p2", "Two", "partnership", date(2022, 1, 1), date(2022, 1, 1), parent="prog")
    built = Scenario(
        "tiny",
        0,
        date(2026, 11, 23),
        parties(),
        [programme, p1, p2],
        [klass("c1"), klass("c2", cohort=2024), klass("c3", partnership="p2", programme="g2")],
        class_facts or [],
        students,
    )
    for name, value in changes.items():
        setattr(built, name, value)
    return built


def truth(students: list[Student], as_of: date = date(2026, 11, 23), **changes: Any) -> Truth:
    return compute_truth(scenario(students, **changes), as_of)


def student(*facts: Any, partnership: str = "p1", name: str | None = None) -> Student:
    return Student(name or key(), partnership, Person("x", "x", "x"), list(facts))


# One helper per fact, with defaults that describe an ordinary student of class c1.
def applied(on: date | None = None, cls: str = "c1", poor: bool = False, home: str = "Bijie") -> f.ApplicationSubmitted:
    on = on or days(START, -40)
    return f.ApplicationSubmitted(key(), on, cls, home, poor, "poverty_registry", "junior_secondary", "online")


def decided(decision: str = "admitted", on: date | None = None) -> f.ApplicationDecided:
    return f.ApplicationDecided(key(), on or days(START, -20), decision)


def enrolled(start: date = START, cls: str = "c1") -> f.StudentEnrolled:
    return f.StudentEnrolled(key(), days(start, -5), cls, start, GRADUATION)


def admitted_student(
    *later_facts: Any,
    start: date = START,
    poor: bool = False,
    cls: str = "c1",
    partnership: str = "p1",
    home: str = "Bijie",
) -> Student:
    return student(
        applied(cls=cls, poor=poor, home=home), decided(), enrolled(start, cls), *later_facts, partnership=partnership
    )


def withdrawn(last_day: date, reported: date | None = None) -> f.Withdrawn:
    return f.Withdrawn(key(), reported or last_day, last_day, "family")


def graduated(on: date = GRADUATION) -> f.Graduated:
    return f.Graduated(key(), on, on)


def placed(
    start: date,
    employer: str = "sponsor",
    wage: int = 5000,
    location: str = "east",
    relation: str = "sponsor",
    employer_type: str = "private",
    related: bool = True,
) -> f.Placed:
    return f.Placed(
        key(), start, employer, relation, employer_type, location, related, Decimal(wage), "fixed_term", True, start
    )


def checked(
    placement: f.Placed,
    checkpoint: int,
    employed: bool = True,
    same: bool = True,
    evidence: str = "employer_confirmation",
    on: date | None = None,
) -> f.RetentionChecked:
    return f.RetentionChecked(
        key(), on or days(placement.start_on, checkpoint), placement.key, checkpoint, employed, same, None, evidence
    )
