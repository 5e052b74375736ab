"""Partition claims in PostgreSQL are fenced by the consumer group's generation (issue 13)."""

from __future__ import annotations

from services.assessment.store import AssessmentStore

GENERATION = "g1"


async def test_a_stale_recovery_cannot_take_back_a_partition_the_group_gave_another_worker(
    assessment_store: AssessmentStore,
) -> None:
    await assessment_store.claim(GENERATION, "first", 1, {0, 1, 2})  # alone in the group
    await assessment_store.claim(GENERATION, "second", 2, {0})  # joined: generation 2 gave it partition 0
    await assessment_store.claim(GENERATION, "first", 1, {0, 1, 2})  # the first's recovery of generation 1, late
    await assessment_store.claim(GENERATION, "first", 2, {1, 2})
    assert await assessment_store.owned(GENERATION, "second") == {0}
    assert await assessment_store.owned(GENERATION, "first") == {1, 2}


async def test_a_claim_left_from_a_deleted_group_yields_to_its_new_generations(
    assessment_store: AssessmentStore,
) -> None:
    await assessment_store.claim(GENERATION, "before", 57, {0, 1})
    await assessment_store.pool.execute("UPDATE partition_owners SET claimed_at = now() - interval '8 days'")
    await assessment_store.claim(GENERATION, "after", 1, {0, 1})  # Kafka counts from 1 again
    assert await assessment_store.owned(GENERATION, "after") == {0, 1}
