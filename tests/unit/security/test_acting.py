"""Which party's system the simulator posts each fact as (simulation/acting.py), on the small seeded programme."""

from __future__ import annotations

from collections import Counter

from simulation import facts as f
from simulation.acting import acting_parties
from simulation.generator import small_programme
from simulation.scenario import HoursLogged, HoursVerified
from simulation.seed import seed_programme

SCENARIO = small_programme(seed=7)
ACTING = acting_parties(SCENARIO)


def test_nearly_every_fact_is_recorded_by_a_school_or_an_enterprise_and_setup_by_the_operator():
    student_facts = sum(len(s.facts) for s in SCENARIO.students)
    assert len(ACTING) >= 0.9 * (student_facts + len(SCENARIO.class_facts))
    roles = Counter(SCENARIO.parties[party].role for party in ACTING.values())
    assert set(roles) == {"school", "enterprise"}
    assert not any(key.endswith((".signed", ".closed")) for key in ACTING)


def test_hours_are_logged_and_verified_by_the_parties_the_scenario_names():
    for fact in SCENARIO.class_facts:
        if isinstance(fact, HoursLogged) and fact.key in ACTING:
            assert ACTING[fact.key] == fact.logged_by
            assert SCENARIO.parties[fact.logged_by].role == fact.taught_by
        if isinstance(fact, HoursVerified) and fact.key in ACTING:
            assert ACTING[fact.key] == fact.verified_by


def test_a_placement_is_the_employers_when_it_is_a_member_and_the_schools_otherwise():
    classes = {c.key: c for c in SCENARIO.classes}
    seen = Counter()
    for student in SCENARIO.students:
        klass = None
        for fact in student.facts:
            if isinstance(fact, f.ApplicationSubmitted | f.StudentEnrolled | f.Restarted):
                klass = classes[fact.class_key]
            if isinstance(fact, f.TransferredToClass):
                klass = classes[fact.to_class]
            if isinstance(fact, f.Placed) and fact.key in ACTING and klass is not None:
                acting = ACTING[fact.key]
                assert acting in (fact.employer, klass.school)
                seen[SCENARIO.parties[acting].role] += 1
    assert seen["enterprise"] > 0
    assert seen["school"] > 0


def test_a_correction_is_posted_by_whoever_recorded_its_target():
    follow_ups = [
        fact
        for student in SCENARIO.students
        for fact in student.facts
        if isinstance(fact, f.EventCorrected | f.EventRetracted) and fact.key in ACTING
    ]
    assert follow_ups
    for fact in follow_ups:
        assert ACTING[fact.key] == ACTING[fact.target]


def test_in_the_seed_programme_a_governments_verifications_are_the_operators():
    seed = seed_programme()
    acting = acting_parties(seed)
    by_government = [
        fact.key
        for fact in seed.class_facts
        if isinstance(fact, HoursVerified) and seed.parties[fact.verified_by].role == "government"
    ]
    assert by_government, "the seed has hours a government verifies"
    assert not set(by_government) & set(acting)
    assert {seed.parties[party].role for party in acting.values()} == {"school", "enterprise"}
