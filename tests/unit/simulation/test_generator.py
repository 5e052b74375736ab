"""The generator: deterministic, well-formed, and reproducing the seed figures of DOMAIN.md."""

from collections import Counter
from datetime import date

import pytest

from simulation.facts import STAGE_OF, FurtherStudyEntered
from simulation.generator import REQUIRED_STORIES, SCENARIO_DATE, scaled_programme, seed_programme, small_programme
from simulation.ground_truth import compute_truth
from simulation.identities import is_valid_credit_code, is_valid_national_id
from simulation.scenario import Scenario


@pytest.fixture(scope="module")
def seed() -> Scenario:
    return seed_programme()


def _fingerprint(scenario: Scenario) -> list[object]:
    return (
        [repr(s) for s in scenario.students]
        + [repr(f) for f in scenario.class_facts]
        + [repr(c) for c in scenario.classes]
    )


def test_the_same_seed_gives_the_same_scenario_and_another_seed_another():
    assert _fingerprint(small_programme(7)) == _fingerprint(small_programme(7))
    assert _fingerprint(small_programme(7)) != _fingerprint(small_programme(8))


@pytest.mark.parametrize("seed_number", [1, 7, 11])
def test_the_small_programme_shows_every_turn_of_story(seed_number):
    scenario = small_programme(seed_number)
    present = {tag for student in scenario.students for tag in student.story}
    assert present >= REQUIRED_STORIES
    assert 100 <= len(scenario.students) <= 250


def test_no_fact_is_dated_after_the_scenario_date_and_every_key_is_unique(seed):
    keys = Counter()
    for student in seed.students:
        for fact in student.facts:
            assert fact.occurred_on <= SCENARIO_DATE, fact
            assert type(fact) in STAGE_OF
            keys[fact.key] += 1
    for fact in seed.class_facts:
        assert fact.occurred_on <= SCENARIO_DATE
        keys[fact.key] += 1
    assert max(keys.values()) == 1


def test_identifiers_are_well_formed(seed):
    assert all(is_valid_credit_code(p.credit_code) for p in seed.parties.values() if p.credit_code)
    assert all(is_valid_national_id(s.person.national_id) for s in seed.students)
    codes = [p.credit_code for p in seed.parties.values() if p.credit_code]
    assert len(codes) == len(set(codes))


def test_the_seed_programme_has_85_classes_split_7_67_11_by_18_guangzhou_enterprises(seed):
    programme = seed.partnership("gz_east_west")
    children = [p for p in seed.partnerships if p.parent == programme.key]
    classes = [c for c in seed.classes if c.partnership in {p.key for p in children}]
    names = {g.key: g.name for p in children for g in p.programmes}
    assert len(classes) == 85
    assert Counter(names[c.programme] for c in classes) == {
        "Guangdong Technicians": 67,
        "Cantonese Cuisine Masters": 7,
        "Southern Guangdong Family Services": 11,
    }
    sponsors = {c.sponsor for c in classes}
    assert len(sponsors) == 18
    assert all(seed.parties[s].locality == "Guangzhou" for s in sponsors)
    bijie = [c for c in classes if c.school == "sch.bijie"]
    assert len(bijie) == 55
    xinwanda = [c for c in classes if c.sponsor == "ent.xinwanda"]
    assert len(xinwanda) == 4
    assert {c.school for c in xinwanda} == {"sch.anshun_ethnic"}


def test_the_seed_figures_come_out_of_the_ground_truth(seed):
    truth = compute_truth(seed, SCENARIO_DATE)
    assert truth.figure("gz_bijie", "enrolled_now").value == 1960
    assert truth.figure("gz_bijie", "employment_rate").value == 1
    assert truth.figure("gz_bijie", "state_owned_placements").value == 318
    assert truth.figure("gz_bijie", "classes_opened").value == 55
    assert truth.figure("gz_east_west", "classes_opened").value == 85
    assert truth.figure("gz_east_west", "enrolled").value > 3200
    for college in ("chinasoft_college", "big_data_group_college"):
        assert truth.figure(college, "enterprise_teaching_share").value >= 0.4
    assert truth.partnerships["gd_bri_alliance"].members == {
        "school": 76,
        "enterprise": 12,
        "association": 7,
        "overseas": 10,
    }
    huadu = truth.partnerships["huadu_skilled"].members
    assert huadu["school"] == 5
    assert truth.partnerships["huadu_skilled"].parent == "gd_bri_alliance"


def test_further_study_can_start_after_the_scenario_date_but_is_never_recorded_after_it():
    scenario = small_programme(7)
    future = [
        f
        for s in scenario.students
        for f in s.facts
        if isinstance(f, FurtherStudyEntered) and f.start_on > SCENARIO_DATE
    ]
    assert future
    assert all(f.occurred_on <= SCENARIO_DATE for f in future)


def test_the_scaled_programme_reaches_the_requested_size():
    scenario = scaled_programme(students=3000, seed=3)
    assert 2700 <= len(scenario.students) <= 3300
    assert scenario.generated_on == date(2026, 11, 23)


def test_the_scenario_keeps_the_rules_the_stage_services_enforce(seed):
    from simulation.facts import StudentEnrolled, Withdrawn

    classes = {c.key: c for c in seed.classes}
    held: Counter[str] = Counter()
    for student in seed.students:
        enrolment = next((f for f in student.facts if isinstance(f, StudentEnrolled)), None)
        if enrolment:  # cancelled or not: the seat is taken until the cancellation arrives
            held[enrolment.class_key] += 1
        application = student.facts[0]
        assert application.occurred_on >= classes[application.class_key].opened_on
        for fact in student.facts:
            if isinstance(fact, Withdrawn):
                assert fact.occurred_on == fact.last_day  # training dates a withdrawal by its last day
    assert all(held[key] <= klass.seats for key, klass in classes.items())
    assert len({s.person.national_id for s in seed.students}) == len(seed.students)
