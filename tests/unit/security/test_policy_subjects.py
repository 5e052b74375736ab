"""Every partnership-bound id a fact or a refused command names is checked (shared/security/policy.py): the policy
with in-memory memberships and a service's subjects (which partnership a class, a log, a learner's move is of)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

import pytest

from shared.contracts.partnership import PartyRole
from shared.contracts.training import Restarted, TransferredToClass
from shared.errors import Forbidden, IllegalTransition, NotFound
from shared.security.identity import Actor, Role
from tests.unit.security.fakes import FakeAccess
from tests.unit.security.test_policy import DAY, OPERATOR, POLICY, SCHOOL_CODE, Partnership


class PlacingAccess(FakeAccess):
    """FakeAccess and a service's own subjects: (field, id) -> the partnerships it is of."""

    def __init__(self) -> None:
        super().__init__()
        self.placed: dict[tuple[str, UUID], frozenset[UUID]] = {}

    async def partnerships_of(self, subject: str, subject_id: UUID) -> frozenset[UUID]:
        return await super().partnerships_of(subject, subject_id) | self.placed.get((subject, subject_id), frozenset())


@dataclass
class Two:
    a: Partnership
    b: Partnership
    access: PlacingAccess
    class_a: UUID
    class_b: UUID
    of_both: Actor

    def place(self, subject: str, subject_id: UUID, partnership: Partnership) -> None:
        self.access.placed[(subject, subject_id)] = frozenset({partnership.id})


@pytest.fixture
async def two() -> Two:
    a, b, access = Partnership(), Partnership(), PlacingAccess()
    of_both = Actor("school-of-both", uuid4(), Role.SCHOOL, frozenset())
    joined = [a.joined(a.school, PartyRole.SCHOOL, SCHOOL_CODE), b.joined(b.school, PartyRole.SCHOOL, None)]
    joined += [p.joined(of_both, PartyRole.SCHOOL, None) for p in (a, b)]
    await POLICY.learn(joined, access)
    world = Two(a, b, access, uuid4(), uuid4(), of_both)
    world.place("class_id", world.class_a, a)
    world.place("class_id", world.class_b, b)
    return world


def transfer(two: Two) -> TransferredToClass:
    return TransferredToClass(from_class_id=two.class_a, to_class_id=two.class_b, start_on=DAY)


async def test_a_transfer_between_partnerships_is_recorded_by_a_school_of_both_or_an_operator(two: Two) -> None:
    student = uuid4()
    moved = two.b.fact(transfer(two), student_id=student, class_id=two.class_b)
    with pytest.raises(Forbidden, match="from_class_id"):
        await POLICY.authorize(two.b.school, [moved], None, two.access)  # pulled in by the destination alone
    with pytest.raises(Forbidden, match=f"partnership {two.b.id}"):
        await POLICY.authorize(two.a.school, [moved], None, two.access)  # pushed out by the origin alone
    for allowed in (two.of_both, OPERATOR):
        await POLICY.authorize(allowed, [moved], None, two.access)


async def test_a_move_is_also_of_the_partnership_it_left(two: Two) -> None:
    """A restart names no class it leaves: the service places the fact's own id where the learner was before."""
    student = uuid4()
    restarted = two.b.fact(Restarted(start_on=DAY), student_id=student, class_id=two.class_b)
    two.place("event_id", restarted.id, two.a)
    with pytest.raises(Forbidden, match=f"id {restarted.id}"):
        await POLICY.authorize(two.b.school, [restarted], None, two.access)
    await POLICY.authorize(two.of_both, [restarted], None, two.access)


@dataclass(frozen=True)
class Transfer:
    student_id: UUID
    to_class_id: UUID
    occurred_on: date = DAY


async def test_a_refused_command_is_screened_on_every_id_it_names(two: Two) -> None:
    student = uuid4()
    two.place("student_id", student, two.a)
    conflict = IllegalTransition("the student is on a break")
    with pytest.raises(Forbidden, match="to_class_id"):  # its own student, but another partnership's class
        await POLICY.screen(two.a.school, Transfer(student, two.class_b), DAY, two.access, conflict)
    await POLICY.screen(two.of_both, Transfer(student, two.class_b), DAY, two.access, conflict)


async def test_an_unknown_id_is_refused_to_a_party_as_another_partnerships_and_left_to_an_operator(two: Two) -> None:
    student, nowhere = uuid4(), uuid4()
    two.place("student_id", student, two.a)
    missing = NotFound(f"no class {nowhere}")
    with pytest.raises(Forbidden, match=f"to_class_id {nowhere}"):
        await POLICY.screen(two.a.school, Transfer(student, nowhere), DAY, two.access, missing)
    await POLICY.screen(OPERATOR, Transfer(student, nowhere), DAY, two.access, missing)
    # an id the handler did not say is missing may be the one the command creates: the refusal stands
    await POLICY.screen(two.a.school, Transfer(student, nowhere), DAY, two.access, IllegalTransition("409"))
