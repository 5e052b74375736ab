"""Enterprise teaching share: per class hours log, verified by a party other than the logger (DOMAIN.md)."""

from datetime import date
from decimal import Decimal

from simulation.ground_truth.numbers import Figure
from simulation.scenario import EventCorrected, EventRetracted, HoursLogged, HoursVerified
from tests.unit.simulation.tiny import truth

D = date(2026, 11, 23)


def log(key, hours, taught_by, by):
    return HoursLogged(key, date(2023, 10, 1), "c1", "Module", Decimal(hours), taught_by, by)


def verify(key, log_key, hours, by, on=date(2023, 10, 5)):
    return HoursVerified(key, on, "c1", log_key, Decimal(hours), by)


def share(class_facts, as_of=D):
    return truth([], as_of, class_facts=class_facts).figure("p1", "enterprise_teaching_share")


def test_only_hours_verified_by_another_party_count_and_the_latest_verification_wins():
    facts = [
        log("l1", 40, "enterprise", "sponsor"),
        verify("v1", "l1", 40, "school"),
        verify("v1b", "l1", 30, "school", on=date(2023, 10, 9)),
        log("l2", 60, "school", "school"),
        verify("v2", "l2", 60, "gov"),
        log("l3", 50, "enterprise", "sponsor"),
        verify("v3", "l3", 50, "sponsor"),  # self-verified
        log("l4", 20, "enterprise", "sponsor"),  # never verified
    ]
    assert share(facts) == Figure(Decimal(30), Decimal(90), Decimal("0.3333"))


def test_a_retracted_verification_and_a_corrected_log_are_followed():
    facts = [
        log("l1", 40, "enterprise", "sponsor"),
        verify("v1", "l1", 40, "school"),
        EventRetracted("r1", date(2023, 10, 5), "v1", "wrong log"),
        log("l2", 60, "school", "school"),
        verify("v2", "l2", 60, "gov"),
        EventCorrected("c1", date(2023, 10, 1), "l2", {"hours": Decimal(70)}, "typo"),
    ]
    assert share(facts) == Figure(Decimal(0), Decimal(60), Decimal("0.0000"))


def test_verifications_after_d_do_not_count_yet():
    facts = [log("l1", 40, "enterprise", "sponsor"), verify("v1", "l1", 40, "school", on=date(2023, 11, 1))]
    assert share(facts, date(2023, 10, 31)) == Figure(Decimal(0), Decimal(0), None)
    assert share(facts, date(2023, 11, 1)).value == Decimal("1.0000")
