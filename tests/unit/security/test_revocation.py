"""Revoked clients and rotated secrets void unexpired tokens; a list too old to trust answers nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.security.identity import Role
from shared.security.revocation import Revocations, RevocationUnknown, RevocationWatcher
from shared.security.tokens import Claims, RevokedToken


def claims(client_id: str = "school-1", generation: int = 1) -> Claims:
    at = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    return Claims("jti", client_id, None, Role.SCHOOL, frozenset(), generation, at, at + 300)


def test_a_token_of_a_revoked_client_is_refused():
    with pytest.raises(RevokedToken):
        Revocations(revoked=frozenset({"school-1"})).check(claims())


def test_a_token_of_an_earlier_secret_is_refused_and_one_of_the_current_secret_is_not():
    revocations = Revocations(generations={"school-1": 2})
    with pytest.raises(RevokedToken):
        revocations.check(claims(generation=1))
    revocations.check(claims(generation=2))
    revocations.check(claims("school-2", generation=1))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_watcher_keeps_the_last_list_through_a_failed_reload_until_it_is_too_old_to_trust():
    clock, loads = Clock(), [Revocations(revoked=frozenset({"a"}))]

    async def load() -> Revocations:
        if not loads:
            raise ConnectionError("database away")
        return loads.pop()

    watcher = RevocationWatcher(load, interval=2, max_staleness=30, monotonic=clock)
    with pytest.raises(RevocationUnknown):
        _ = watcher.current
    await watcher.refresh()
    with pytest.raises(ConnectionError):
        await watcher.refresh()

    clock.now += 30
    assert watcher.current.revoked == {"a"}
    clock.now += 1
    with pytest.raises(RevocationUnknown):
        _ = watcher.current
