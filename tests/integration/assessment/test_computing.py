"""As-of figures computed in processes of their own (issue 12, computing.py): split over two or three processes they
are the figures one computation gives, the processes start only when needed and stop at `close`, a process lost
fails no answer, and the API answers a large roll-up and partnership from them byte for byte as from a thread."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import date

import httpx
import orjson
import pytest

from services.assessment.computing import Computers, Stored, computed, computers
from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from shared.infra.processes import wait_gone
from tests.integration.assessment.test_snapshots_and_targets import client, mirrored
from tests.unit.assessment.scope_fixtures import DAYS, Programme, programme

__all__ = ["client"]  # the fixture
VERSION_NUMBERS = list(VERSIONS)
LARGE = (5, 30, 12)  # students of each level: more records than an answer computes on the event loop


@pytest.fixture(scope="module")
def made() -> Programme:
    return programme(LARGE)


@pytest.fixture
def pool() -> Iterator[Computers]:
    found = Computers(2)
    yield found
    found.close()


def _rows(made: Programme) -> list[Stored]:
    return sorted((r.key.encode(), r.pack()) for r in made.records)


@pytest.mark.parametrize("processes", [2, 3])
async def test_figures_split_over_processes_are_those_of_one_computation(made: Programme, processes: int) -> None:
    rows, found = _rows(made), Computers(processes)
    try:
        assert found.pids() == []  # none before the first computation
        for day in DAYS:
            as_of = AsOf.of(day)
            for pid, rollup in ((made.parent, True), (made.member, False), (made.moved_to, False)):
                expected = computed(rows, pid, as_of, VERSION_NUMBERS, rollup)
                assert expected, (day, pid)
                assert await found.figures(rows, pid, as_of, VERSION_NUMBERS, rollup) == expected, (day, pid)
        pids = found.pids()
        assert len(pids) == processes
        assert os.getpid() not in pids
    finally:
        found.close()
    assert all(wait_gone(pid, 10) for pid in pids)


async def test_a_process_lost_fails_no_answer_and_the_next_computation_has_processes_again(
    made: Programme, pool: Computers
) -> None:
    rows, as_of = _rows(made), AsOf.of(DAYS[-1])
    expected = computed(rows, made.parent, as_of, VERSION_NUMBERS, True)
    assert await pool.figures(rows, made.parent, as_of, VERSION_NUMBERS, True) == expected
    lost, *_ = pool.pids()
    os.kill(lost, signal.SIGKILL)
    assert wait_gone(lost, 10)
    assert await pool.figures(rows, made.parent, as_of, VERSION_NUMBERS, True) == expected
    assert await pool.figures(rows, made.parent, as_of, VERSION_NUMBERS, True) == expected
    assert len(pool.pids()) == 2
    assert lost not in pool.pids()


@pytest.fixture
def configured() -> Iterator[Computers]:
    """The API process's own `computers`, as its lifespan configures them; threads again afterwards."""
    yield computers
    computers.configure(0)


async def test_the_api_answers_as_of_a_date_from_its_processes_what_it_answers_from_a_thread(
    client: httpx.AsyncClient,
    configured: Computers,
    assessment_store: AssessmentStore,
    service_settings: ServiceSettings,
    made: Programme,
) -> None:
    await mirrored(assessment_store, service_settings, made.records)
    paths = [f"/rollups/{made.parent}/figures", f"/partnerships/{made.member}/figures"]
    bodies: dict[tuple[str, date], set[bytes]] = {}
    for processes, hour in ((0, 22), (2, 23)):  # another instant each: another question, computed, not kept
        configured.configure(processes)
        for path in paths:
            for day in DAYS:
                answer = await client.get(path, params={"as_of": day.isoformat(), "at": f"{day}T{hour}:00:00+08:00"})
                assert answer.status_code == 200, answer.text
                bodies.setdefault((path, day), set()).add(answer.content)
        assert len(configured.pids()) == processes
    assert all(len(found) == 1 for found in bodies.values())
    [rolled] = bodies[(paths[0], DAYS[-1])]
    [enrolled] = [
        f
        for f in orjson.loads(rolled)["figures"]
        if (f["dimension"], f["metric"], f["version"]) == ("total", "enrolled", 1)
    ]
    assert enrolled["numerator"] > LARGE[1]  # not two empty answers: the levels' students are in it
