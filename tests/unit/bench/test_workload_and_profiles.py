"""The benchmark's own inputs and outputs: the event stream it feeds assessment, the applications it posts, and
how a py-spy profile is summed up."""

from __future__ import annotations

from collections import Counter

from bench.ingest import national_id
from bench.profiling import library_of, summarise
from bench.workload import BUSINESS_DATE, interleave, message_of, programme
from simulation.identities import is_valid_national_id


def test_a_programme_has_about_as_many_events_per_student_as_the_simulator_and_none_after_the_business_date():
    made = programme(200, students_per_partnership=50)
    assert 6 <= len(made.stories) / 200 <= 10
    assert len(made.partnerships) == 1 + 4
    assert max(e.occurred_on for e in made.events) <= BUSINESS_DATE
    assert all(e.student_id is not None for e in made.stories)


def test_the_same_sizes_give_the_same_stream():
    assert [e.id for e in programme(30).events] == [e.id for e in programme(30).events]


def test_records_go_to_their_stage_topic_keyed_by_partnership():
    made = programme(20)
    topics = Counter(message_of(e, "ns.").topic for e in made.events)
    assert set(topics) == {"ns.cycle.partnership", "ns.cycle.recruitment", "ns.cycle.training", "ns.cycle.employment"}
    first = made.stories[0]
    assert message_of(first, "ns.").key == str(first.partnership_id).encode()


def test_interleaving_keeps_each_story_in_order():
    stories = [[("a", n) for n in range(3)], [("b", n) for n in range(5)]]
    mixed = interleave(stories)  # type: ignore[arg-type]
    assert [e for e in mixed if e[0] == "b"] == stories[1]
    assert mixed[:2] == [("a", 0), ("b", 0)]


def test_every_applicant_gets_a_valid_national_id_of_their_own():
    numbers = [national_id(n) for n in range(5000)]
    assert len(set(numbers)) == 5000
    assert all(is_valid_national_id(number) for number in numbers)


RAW = """\
<module> (uvicorn/__main__.py:4);run (asyncio/runners.py:118);select (selectors.py:468) 80
<module> (uvicorn/__main__.py:4);handle (shared/application/pipeline.py:40);_execute (asyncpg/connection.py:1) 15
<module> (uvicorn/__main__.py:4);handle (shared/application/pipeline.py:40);validate (pydantic/main.py:9) 5
"""


def test_a_profile_separates_waiting_for_io_from_the_libraries_and_our_functions_that_run():
    profile = summarise("import", RAW)
    assert profile.samples == 100
    assert profile.idle == 0.8
    assert [(s.name, s.share) for s in profile.by_library] == [("asyncpg", 0.15), ("pydantic", 0.05)]
    assert profile.our_functions[0].name == "shared.application.pipeline.handle"
    assert profile.our_functions[0].share == 0.2
    assert [(s.name, s.share) for s in profile.our_nearest] == [("shared.application.pipeline.handle", 0.2)]


def test_a_frame_belongs_to_its_package_or_to_our_module():
    assert library_of("pydantic/main.py") == "pydantic"
    assert library_of("services/assessment/runtime.py") == "services.assessment"
    assert library_of("json/decoder.py") == "json"
    assert library_of("<frozen importlib._bootstrap>") == "(interpreter)"
