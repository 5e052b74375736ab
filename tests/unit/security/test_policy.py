"""Who may record which facts: the event policy with in-memory memberships and audit, and through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from shared.application.access import HeldIntent
from shared.application.clock import FixedClock
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.application.pipeline import Pipeline
from shared.contracts.base import EventPayload, Evidence, Region, TaughtBy
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.employment import (
    ContractType,
    EmployerRelation,
    EmployerType,
    Location,
    Placed,
    RetentionChecked,
)
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassClosed, MemberJoined, MemberLeft, PartyRole
from shared.contracts.recruitment import ApplicationSubmitted, PoorHouseholdVerification
from shared.contracts.training import Graduated, TrainingHoursLogged, TrainingHoursVerified
from shared.errors import Forbidden, IllegalTransition
from shared.security.identity import Actor, Role
from shared.security.policy import EventPolicy
from tests.support.fakes import FakeUnitOfWork
from tests.unit.security.fakes import FakeAccess

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
JOINED = date(2025, 1, 1)
DAY = date(2025, 9, 1)
SCHOOL_CODE, ENTERPRISE_CODE, OUTSIDER_CODE = "91440101190442827X", "91440101190442828Y", "91440101190442829Z"


class Partnership:
    def __init__(self) -> None:
        self.id = uuid4()
        self.school = Actor("school-1", uuid4(), Role.SCHOOL, frozenset())
        self.enterprise = Actor("enterprise-1", uuid4(), Role.ENTERPRISE, frozenset())
        self.government = Actor("government-1", uuid4(), Role.GOVERNMENT, frozenset())

    def fact(self, payload: EventPayload, on: date = DAY, **refs: UUID) -> Envelope:
        return Envelope.wrap(
            payload,
            source="/services/test",
            occurred_on=on,
            partnership_id=self.id,
            evidence=Evidence.SCHOOL_RECORD,
            recorded_at=NOW,
            **refs,
        )

    def joined(self, actor: Actor, role: PartyRole, code: str | None, on: date = JOINED) -> Envelope:
        assert actor.party_id is not None
        payload = MemberJoined(
            party_id=actor.party_id,
            party_name=actor.client_id,
            party_role=role,
            region=Region.EAST,
            locality="Guangzhou",
            credit_code=code,
        )
        return self.fact(payload, on, party_id=actor.party_id)


OPERATOR = Actor("operator-1", None, Role.OPERATOR, frozenset())
POLICY = EventPolicy()


def application() -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=uuid4(),
        home_region="Bijie",
        poor_household=True,
        poor_household_verified_by=PoorHouseholdVerification.POVERTY_REGISTRY,
        prior_education="junior_secondary",
        channel="school",
    )


def hours(logged_by: UUID | None, taught_by: TaughtBy = TaughtBy.SCHOOL) -> TrainingHoursLogged:
    assert logged_by is not None
    return TrainingHoursLogged(
        log_id=uuid4(), module="Knife skills", hours=Decimal(8), taught_by=taught_by, logged_by=logged_by
    )


def placed(code: str) -> Placed:
    return Placed(
        placement_id=uuid4(),
        employer_name="Canton Kitchens",
        employer_credit_code=code,
        relation=EmployerRelation.SPONSOR,
        employer_type=EmployerType.PRIVATE,
        location=Location.EAST,
        related_to_training=True,
        monthly_wage=Decimal("5200.00"),
        contract_type=ContractType.PERMANENT,
        social_insurance=True,
        start_on=DAY,
    )


@pytest.fixture
async def world() -> tuple[Partnership, FakeAccess]:
    p, access = Partnership(), FakeAccess()
    await POLICY.learn(
        [
            p.joined(p.school, PartyRole.SCHOOL, SCHOOL_CODE),
            p.joined(p.enterprise, PartyRole.ENTERPRISE, ENTERPRISE_CODE),
            p.joined(p.government, PartyRole.GOVERNMENT, None),
        ],
        access,
    )
    return p, access


async def test_a_school_records_its_students_facts_in_its_own_partnership(world):
    p, access = world
    await POLICY.authorize(p.school, [p.fact(application()), p.fact(Graduated(graduated_on=DAY))], None, access)


async def test_nobody_but_an_operator_records_a_fact_of_a_partnership_its_party_is_not_in(world):
    p, access = world
    elsewhere = Partnership()
    with pytest.raises(Forbidden, match="no school of partnership"):
        await POLICY.authorize(p.school, [elsewhere.fact(application())], None, access)
    await POLICY.authorize(OPERATOR, [elsewhere.fact(application())], None, access)


async def test_membership_counts_on_the_facts_date_not_the_day_it_is_sent(world):
    p, access = world
    with pytest.raises(Forbidden):
        await POLICY.authorize(p.school, [p.fact(application(), on=date(2024, 12, 31))], None, access)
    assert p.school.party_id is not None
    await POLICY.learn([p.fact(MemberLeft(party_id=p.school.party_id), on=date(2025, 10, 1))], access)
    await POLICY.authorize(p.school, [p.fact(application(), on=date(2025, 9, 30))], None, access)
    with pytest.raises(Forbidden):
        await POLICY.authorize(p.school, [p.fact(application(), on=date(2025, 10, 1))], None, access)


async def test_a_retracted_member_joined_no_longer_admits_the_party(world):
    p, access = world
    joined = p.joined(p.school, PartyRole.SCHOOL, SCHOOL_CODE, on=date(2020, 1, 1))
    await POLICY.learn([joined], access)
    await POLICY.authorize(p.school, [p.fact(application(), on=date(2021, 1, 1))], None, access)
    await POLICY.learn([p.fact(EventRetracted(reason="wrong party"), supersedes=joined.id)], access)
    with pytest.raises(Forbidden):
        await POLICY.authorize(p.school, [p.fact(application(), on=date(2021, 1, 1))], None, access)


@pytest.mark.parametrize(
    ("who", "payload"),
    [
        ("enterprise", application()),
        ("enterprise", Graduated(graduated_on=DAY)),
        ("government", application()),
        ("government", ClassClosed(class_id=uuid4())),
        ("school", ClassClosed(class_id=uuid4())),
    ],
)
async def test_a_party_records_only_the_event_types_of_its_role(world, who: str, payload: EventPayload):
    p, access = world
    with pytest.raises(Forbidden, match="records no"):
        await POLICY.authorize(getattr(p, who), [p.fact(payload)], None, access)


async def test_hours_are_logged_by_the_callers_party_for_its_own_staffs_teaching(world):
    p, access = world
    await POLICY.authorize(p.school, [p.fact(hours(p.school.party_id), party_id=p.school.party_id)], None, access)
    taught = hours(p.enterprise.party_id, TaughtBy.ENTERPRISE)
    await POLICY.authorize(p.enterprise, [p.fact(taught, party_id=p.enterprise.party_id)], None, access)
    with pytest.raises(Forbidden, match="logged_by"):
        await POLICY.authorize(p.school, [p.fact(hours(p.enterprise.party_id))], None, access)
    with pytest.raises(Forbidden, match="its own staff"):
        await POLICY.authorize(p.school, [p.fact(hours(p.school.party_id, TaughtBy.ENTERPRISE))], None, access)


async def test_hours_are_verified_in_the_callers_own_name(world):
    p, access = world
    assert p.school.party_id is not None
    assert p.enterprise.party_id is not None
    own = TrainingHoursVerified(log_id=uuid4(), hours_accepted=Decimal(8), verified_by=p.school.party_id)
    await POLICY.authorize(p.school, [p.fact(own, party_id=p.school.party_id)], None, access)
    other = TrainingHoursVerified(log_id=uuid4(), hours_accepted=Decimal(8), verified_by=p.enterprise.party_id)
    with pytest.raises(Forbidden, match="not the client.s own"):
        await POLICY.authorize(p.school, [p.fact(other, party_id=p.enterprise.party_id)], None, access)


async def test_an_enterprise_places_at_its_own_credit_code_and_a_school_only_at_outside_employers(world):
    p, access = world
    await POLICY.authorize(p.enterprise, [p.fact(placed(ENTERPRISE_CODE))], None, access)
    with pytest.raises(Forbidden, match="its own unified social credit code"):
        await POLICY.authorize(p.enterprise, [p.fact(placed(OUTSIDER_CODE))], None, access)
    await POLICY.authorize(p.school, [p.fact(placed(OUTSIDER_CODE))], None, access)
    with pytest.raises(Forbidden, match="records its own jobs"):
        await POLICY.authorize(p.school, [p.fact(placed(ENTERPRISE_CODE))], None, access)


async def test_a_fact_is_corrected_or_retracted_only_by_its_recorders_party_or_an_operator(world):
    p, access = world
    check = p.fact(RetentionChecked(placement_id=uuid4(), checkpoint_days=90, still_employed=True, same_employer=True))
    await POLICY.authorize(p.enterprise, [check], None, access)
    await access.audit_facts(p.enterprise, [check], NOW)
    correction = p.fact(EventCorrected(fields={"still_employed": False}, reason="misread"), supersedes=check.id)
    retraction = p.fact(EventRetracted(reason="wrong student"), supersedes=check.id)
    with pytest.raises(Forbidden, match="only facts its own clients recorded"):
        await POLICY.authorize(p.school, [correction], None, access)
    await POLICY.authorize(p.enterprise, [correction], None, access)
    await POLICY.authorize(OPERATOR, [retraction], None, access)
    unknown = p.fact(EventRetracted(reason="no recorder"), supersedes=uuid4())
    with pytest.raises(Forbidden):
        await POLICY.authorize(p.enterprise, [unknown], None, access)


async def test_a_held_fact_is_authorized_when_it_is_accepted(world):
    p, access = world
    await POLICY.authorize(p.enterprise, [], HeldIntent("Placed", p.id, DAY), access)
    with pytest.raises(Forbidden):
        await POLICY.authorize(p.enterprise, [], HeldIntent("Placed", uuid4(), DAY), access)
    with pytest.raises(Forbidden):
        await POLICY.authorize(p.government, [], HeldIntent("Placed", p.id, DAY), access)


class AccessUnitOfWork(FakeUnitOfWork):
    def __init__(self, access: FakeAccess) -> None:
        super().__init__()
        self.access = access


async def test_through_the_pipeline_a_refused_fact_stores_nothing_and_an_allowed_one_is_audited(world):
    p, access = world
    uow = AccessUnitOfWork(access)

    async def submit(command: ApplicationSubmitted, _: AccessUnitOfWork, ctx: Context) -> Outcome:
        assert ctx.actor is not None
        return Outcome.recorded(ctx.wrap(command, occurred_on=DAY, partnership_id=p.id, evidence=Evidence.SELF_REPORT))

    pipeline = Pipeline({ApplicationSubmitted: submit}, lambda: uow, FixedClock(NOW), "/services/test", POLICY)
    with pytest.raises(Forbidden):
        await pipeline.handle(application(), actor=p.enterprise)
    assert (uow.outbox.events, uow.commits, access.recorded) == ([], 0, {})
    outcome = await pipeline.handle(application(), actor=p.school)
    [event] = uow.outbox.events
    assert str(event.id) == outcome.answer["event_id"]
    assert access.recorded == {event.id: p.school}


async def test_a_learned_member_joined_admits_the_party_in_every_service(world):
    p, access = world
    newcomer = Actor("school-2", uuid4(), Role.SCHOOL, frozenset())
    uow = AccessUnitOfWork(access)

    async def learn(envelope: Envelope, _: AccessUnitOfWork, __: Context) -> Outcome:
        return Outcome.nothing()

    pipeline = Pipeline({Envelope: learn}, lambda: uow, FixedClock(NOW), "/services/test", POLICY)
    await pipeline.handle(p.joined(newcomer, PartyRole.SCHOOL, None))
    await POLICY.authorize(newcomer, [p.fact(application())], None, access)


@dataclass(frozen=True)
class Withdraw:
    student_id: UUID


async def test_a_refusal_is_answered_only_to_a_party_that_may_act_on_its_subject_the_rest_hear_403(world):
    """A school of another partnership or a government learns nothing from a 409 about a student of this one."""
    p, access = world
    student = uuid4()
    await access.audit_facts(p.school, [p.fact(application(), student_id=student)], NOW)
    stranger = Actor("school-2", uuid4(), Role.SCHOOL, frozenset())

    async def refuse(_: Withdraw, __: AccessUnitOfWork, ___: Context) -> Outcome:
        raise IllegalTransition("the student has withdrawn already")

    pipeline = Pipeline({Withdraw: refuse}, lambda: AccessUnitOfWork(access), FixedClock(NOW), "/t", POLICY)
    for outsider in (stranger, p.government):
        with pytest.raises(Forbidden):
            await pipeline.handle(Withdraw(student), actor=outsider)
    for allowed in (p.school, OPERATOR):
        with pytest.raises(IllegalTransition):
            await pipeline.handle(Withdraw(student), actor=allowed)
    with pytest.raises(IllegalTransition):  # a student this service has no facts of: nothing to reveal
        await pipeline.handle(Withdraw(uuid4()), actor=stranger)
