"""`make chaos` in small (issue 13): a scaled scenario of about 1,000 facts posted while each stage service (and
its relay) and the assessment worker are SIGKILLed once, the broker once and PostgreSQL once; nothing accepted is
lost, nothing takes effect twice, the dead-letter topics hold only the poison, and every figure, live and as of
past dates, equals the ground truth."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog

from chaos.killer import Plan
from chaos.run import ChaosSettings, run

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
log = structlog.get_logger(__name__)


async def test_a_stack_killed_once_of_each_kind_loses_and_repeats_nothing(tmp_path: Path) -> None:
    plan = Plan(kills=1, broker_restarts=1, database_restarts=1, database_down=10.0, broker_down=(2.0, 4.0))
    settings = ChaosSettings(events=1000, plan=plan, poison=4, state_dir=tmp_path / "stack", settle_timeout=600)
    result = await run(settings, lambda line: log.info("chaos", line=line))

    assert dict(result.tally.kills) == {
        "recruitment": 1,
        "training": 1,
        "employment": 1,
        "assessment-worker": 1,
        "kafka": 1,
        "postgres": 1,
    }
    a = result.audit
    assert a.lost == []
    assert a.duplicated == []
    assert a.refused_but_applied == []
    assert (a.server_errors, a.unanswered, a.unpublished, a.refused_by_broker) == (0, 0, 0, 0)
    assert a.accepted == result.drive.total_commands
    assert result.drive.failures == []
    assert not any(a.lag.values()), f"{a.lag}\n{result.unsettled}"
    assert result.dead_letters.other == [], "valid events dead-lettered"
    assert result.dead_letters_missing == 0
    assert [m.describe() for m in result.comparison.mismatches] == []
    assert result.comparison.checked > 1000
    assert result.passed
