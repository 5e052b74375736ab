"""A student who moves to a class of another partnership (issue 14): employment follows them there."""

from datetime import date, timedelta
from uuid import uuid4

import httpx

from tests.integration.employment.conftest import (
    Cycle,
    class_sponsor_known,
    employment_events,
    placement_body,
    student_in,
    today,
)
from tests.support.kafka import read_all


async def test_a_student_transferred_to_a_class_of_another_partnership_is_placed_and_counted_there(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student, elsewhere = uuid4(), Cycle(cycle.bootstrap, cycle.namespace)
    await cycle.sign()
    await elsewhere.sign()
    await cycle.enrol(student)
    await elsewhere.transfer_in(student, cycle.class_id, date(2024, 5, 6))
    await elsewhere.graduate(student, today() - timedelta(days=30))

    learned = await student_in(employment, student, "graduated")
    await class_sponsor_known(employment, elsewhere)  # learned from another topic than the student's facts
    placed = await employment.post(f"/students/{student}/placements", json=placement_body(elsewhere.sponsor_code))

    assert (learned["partnership_id"], learned["class_id"]) == (str(elsewhere.partnership_id), str(elsewhere.class_id))
    assert (placed.status_code, placed.json()["relation"]) == (201, "sponsor"), "the new class's sponsor counts"
    [event] = await employment_events(cycle, 1)
    assert (event.type, event.partnership_id, event.class_id) == (
        "Placed",
        elsewhere.partnership_id,
        elsewhere.class_id,
    )
    [record] = await read_all(cycle.bootstrap, [cycle.namespace + "cycle.employment"], at_least=1)
    assert record.key == str(elsewhere.partnership_id).encode(), "keyed by the partnership the student belongs to"
