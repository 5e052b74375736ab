"""On a fresh start, an alliance's live roll-up equals its roll-up as of today (issue 14).

Fresh means a namespace whose topics were just created and whose worker creates its tables' changelogs on its
first start, as on a new stack: the roll-up parts must not be lost while those changelogs are being created.
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from services.assessment.app import create_app
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore
from services.assessment.streams import create_worker_app, prepare
from shared.config import ServiceSettings
from shared.contracts.registry import dead_letter_topic
from shared.messaging.topics import ensure_topics, product_topics
from tests.support.assessment import BUSINESS_DATE, assessment_settings, publish_script, running_worker, settle
from tests.support.http import as_operator
from tests.support.kafka import read_all
from tests.unit.assessment.scripted_cohort import scripted_cohort

FRESH_PARTITIONS = 12  # as `cycle up` creates them
MEMBERS = 6


@pytest.fixture
async def fresh_settings(service_settings: ServiceSettings, test_id: str) -> AssessmentSettings:
    namespace = f"f{test_id}."
    await ensure_topics(service_settings.kafka_bootstrap_servers, product_topics(namespace), FRESH_PARTITIONS)
    fresh = service_settings.model_copy(update={"topic_namespace": namespace, "topic_partitions": FRESH_PARTITIONS})
    return assessment_settings(fresh)


def _sorted(answer: dict) -> list[dict]:
    return sorted(answer["figures"], key=lambda f: (f["version"], f["dimension"], f["bucket"], f["metric"]))


async def test_a_fresh_worker_answers_live_roll_ups_equal_to_the_roll_ups_as_of_today(
    fresh_settings: AssessmentSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    alliance = uuid4()
    members = [scripted_cohort(parent_id=alliance) for _ in range(MEMBERS)]
    events = [event for member in members for event in member.script.events]
    await publish_script(fresh_settings.kafka_bootstrap_servers, fresh_settings.topic_namespace, events)
    with running_worker(fresh_settings, tmp_path / "worker.log"):
        await settle(assessment_store, fresh_settings)

    app = as_operator(create_app(fresh_settings))
    app.state.store = assessment_store
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://assessment") as client:
        url = f"/rollups/{alliance}/figures"
        live = (await client.get(url)).json()
        as_of_today = (await client.get(url, params={"as_of": BUSINESS_DATE.isoformat()})).json()
    assert live["live"]
    assert _sorted(as_of_today)
    assert _sorted(live) == _sorted(as_of_today)
    dead = await read_all(
        fresh_settings.kafka_bootstrap_servers, [dead_letter_topic("assessment", fresh_settings.topic_namespace)]
    )
    assert dead == []


@pytest.mark.usefixtures("assessment_store")  # drops the schema that prepare migrates
async def test_the_changelogs_exist_with_the_partitions_of_the_sources_before_the_worker_subscribes(
    fresh_settings: AssessmentSettings, tmp_path: Path
) -> None:
    settings = fresh_settings.model_copy(update={"data_dir": tmp_path})
    changelogs = [table.changelog_topic.get_topic_name() for table in create_worker_app(settings).app.tables.values()]
    await prepare(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        described = {t["topic"]: t for t in await admin.describe_topics(changelogs)}
        assert {name: (t["error_code"], len(t["partitions"])) for name, t in described.items()} == dict.fromkeys(
            changelogs, (0, FRESH_PARTITIONS)
        )
        configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in changelogs])
        policies = {r[3]: dict(e[:2] for e in r[4])["cleanup.policy"] for c in configs for r in c.resources}
        assert policies == dict.fromkeys(changelogs, "compact")
    finally:
        await admin.close()
