"""The worker app wired from its role modules, inspected without a broker."""

from __future__ import annotations

from pathlib import Path

from services.assessment.settings import AssessmentSettings
from services.assessment.streams import create_worker_app
from shared.contracts.registry import stage_topics


def test_the_worker_reads_every_stage_topic_and_the_roll_ups_into_two_tables(tmp_path: Path) -> None:
    settings = AssessmentSettings(
        CYCLE_TOPIC_NAMESPACE="w.", CYCLE_TOPIC_PARTITIONS=3, ASSESSMENT_DATA_DIR=tmp_path, ASSESSMENT_FLUSH_SECONDS=0.5
    )
    worker = create_worker_app(settings)
    [agent] = worker.app.agents.values()
    assert set(agent.channel.topics) == {*stage_topics("w."), settings.rollup_topic}  # type: ignore[attr-defined]
    assert sorted(worker.app.tables) == ["records", "rollups"]
    assert {t.partitions for t in worker.app.tables.values()} == {3}
