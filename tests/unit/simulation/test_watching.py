"""The driver's waits on a downstream service: one poller, the oldest first, a few polls at a time."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from simulation.watching import NotLearned, Watcher
from tests.support.waiting import eventually


class Service:
    """Knows the paths in `learned`; counts the polls it answers and the most it answered at once."""

    def __init__(self) -> None:
        self.learned: set[str] = set()
        self.asked: list[str] = []
        self.at_once = self.most_at_once = 0

    async def get(self, path: str) -> httpx.Response:
        self.asked.append(path)
        self.at_once += 1
        self.most_at_once = max(self.most_at_once, self.at_once)
        await asyncio.sleep(0)
        self.at_once -= 1
        if path in self.learned:
            return httpx.Response(200, json={"path": path})
        return httpx.Response(404, json={"detail": "not learned"})


async def asked(service: Service, times: int) -> bool:
    return len(service.asked) >= times


def watcher(service: Service, polls: list[int], window: int = 4) -> Watcher:
    return Watcher("training", service.get, lambda: polls.append(1), window=window, first_pause=0.001)


async def test_waits_already_learned_cost_one_poll_each_and_no_more_than_a_window_at_once():
    service, polls = Service(), []
    service.learned = {f"/students/{n}" for n in range(50)}
    watching = watcher(service, polls)
    answers = await asyncio.gather(*(watching.until(f"/students/{n}", lambda _: True, 5) for n in range(50)))
    assert [a["path"] for a in answers] == [f"/students/{n}" for n in range(50)]
    assert len(polls) == len(service.asked) == 50
    assert service.most_at_once == 4
    assert service.asked == [f"/students/{n}" for n in range(50)]  # the oldest first


async def test_a_wait_is_answered_once_its_body_is_accepted():
    service, polls = Service(), []
    watching = watcher(service, polls)
    waiting = asyncio.create_task(watching.until("/students/late", lambda body: body["path"] == "/students/late", 5))
    await eventually(lambda: asked(service, 3), timeout=5, interval=0.001)
    assert not waiting.done()
    service.learned.add("/students/late")
    assert await asyncio.wait_for(waiting, 5) == {"path": "/students/late"}


async def test_a_wait_past_its_deadline_fails_alone_with_the_last_answer():
    service, polls = Service(), []
    service.learned = {"/students/known"}
    watching = watcher(service, polls)
    never = asyncio.create_task(watching.until("/students/never", lambda _: True, 0.05))
    known = await watching.until("/students/known", lambda _: True, 5)
    assert known == {"path": "/students/known"}
    with pytest.raises(NotLearned, match=r"training /students/never not ready within 0.05s; last answer: 404"):
        await never
    await watching.aclose()


async def test_a_poll_that_raises_fails_its_own_wait_and_the_others_are_still_answered():
    service, polls = Service(), []
    service.learned = {"/students/known"}

    async def get(path: str) -> httpx.Response:
        if path == "/students/broken":
            raise RuntimeError("the token endpoint refused the client")
        return await service.get(path)

    watching = Watcher("training", get, lambda: polls.append(1), window=4, first_pause=0.001)
    broken = asyncio.create_task(watching.until("/students/broken", lambda _: True, 5))
    known = asyncio.create_task(watching.until("/students/known", lambda _: True, 5))
    with pytest.raises(RuntimeError, match="token endpoint"):
        await asyncio.wait_for(broken, 5)
    assert await asyncio.wait_for(known, 5) == {"path": "/students/known"}
    await watching.aclose()
