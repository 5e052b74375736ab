"""After every recovery of the tables: rewind what faust would skip, rebuild the live engine for the partitions this
worker now owns."""

from __future__ import annotations

from collections.abc import Mapping

import structlog
from aiokafka.admin import AIOKafkaAdminClient
from faust.types import TP

from services.assessment.settings import AssessmentSettings
from services.assessment.streams.app import Worker

log = structlog.get_logger(__name__)


def add_recovery(worker: Worker) -> None:
    async def rebuild_after_recovery() -> None:
        await rebuild_engine(worker, rewind=True)

    worker.tables.records.on_recover(rebuild_after_recovery)


async def rebuild_engine(worker: Worker, rewind: bool = False) -> None:
    try:
        assessor = await worker.read_side()
        # The generation first: faust sets it after the assignment, so the partitions are at least that new.
        generation = worker.app.consumer_generation_id
        current = worker.assigned()
        committed = await committed_offsets(worker.settings)
        if worker.app.consumer_generation_id != generation:
            return  # the group moved on while we waited; the recovery of the new generation follows
        starts = await rewind_uncommitted(worker, uncommitted(current, committed)) if rewind else {}
        known = {**committed, **starts}
        positions = {(tp.topic, tp.partition): offset for tp, offset in known.items() if tp in current}
        await assessor.recovered({tp.partition for tp in current}, generation, positions)
    except Exception as error:  # without its engine the worker would idle silently: stop it, be restarted
        log.exception("assessment_recovery_failed")
        await worker.app.crash(error)


def uncommitted(assigned: set[TP], committed: Mapping[TP, int]) -> set[TP]:
    """The assigned partitions faust will not seek back after this recovery: aiokafka's `seek_to_committed` seeks
    only to a committed offset above 0."""
    return {tp for tp in assigned if committed.get(tp, 0) <= 0}


async def rewind_uncommitted(worker: Worker, partitions: set[TP]) -> dict[TP, int]:
    """Seek partitions without a committed offset to their first record; returns that record's offset in each (the
    agent then reads any that faust drops before handing the next over, `gaps.py`).

    faust drops the records it fetched for a partition while the partition was paused for recovery (or fetched in
    the batch a rebalance cut short), and relies on seeking back to the committed offset afterwards. Where there is
    none, the consumer's position stays past the dropped records, and faust's next commit skips them for good: the
    chaos run lost the first 32 records of a partition written while a restarted worker recovered (issue 13). The
    records are applied idempotently, so reading one twice is harmless; skipping one is not.
    """
    if not partitions:
        return {}
    consumer = worker.app.consumer
    earliest = await consumer.earliest_offsets(*partitions)
    starts = {tp: earliest.get(tp) or 0 for tp in partitions}
    await consumer.seek_wait(starts)
    log.info("assessment_partitions_rewound", partitions=sorted(f"{tp.topic}-{tp.partition}" for tp in partitions))
    return starts


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
