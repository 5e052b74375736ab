"""After every recovery of the tables: rebuild the live engine for the partitions this worker now owns."""

from __future__ import annotations

import structlog
from aiokafka.admin import AIOKafkaAdminClient
from faust.types import TP

from services.assessment.settings import AssessmentSettings
from services.assessment.streams.app import Worker

log = structlog.get_logger(__name__)


def add_recovery(worker: Worker) -> None:
    async def rebuild_after_recovery() -> None:
        await rebuild_engine(worker)

    worker.tables.records.on_recover(rebuild_after_recovery)


async def rebuild_engine(worker: Worker) -> None:
    try:
        assessor = await worker.read_side()
        # The generation first: faust sets it after the assignment, so the partitions are at least that new.
        generation = worker.app.consumer_generation_id
        current = worker.assigned()
        committed = await committed_offsets(worker.settings)
        if worker.app.consumer_generation_id != generation:
            return  # the group moved on while we waited; the recovery of the new generation follows
        positions = {(tp.topic, tp.partition): committed[tp] for tp in current if tp in committed}
        await assessor.recovered({tp.partition for tp in current}, generation, positions)
    except Exception as error:  # without its engine the worker would idle silently: stop it, be restarted
        log.exception("assessment_recovery_failed")
        await worker.app.crash(error)


async def committed_offsets(settings: AssessmentSettings) -> dict[TP, int]:
    """The group's committed offsets: faust commits only after the table changelog is flushed, so every event
    before them is in the recovered tables (a consumer's fetch position may already be further ahead)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(settings.app_id)
    finally:
        await admin.close()
    return {TP(tp.topic, tp.partition): meta.offset for tp, meta in found.items() if meta.offset >= 0}
