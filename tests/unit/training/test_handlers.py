"""The rules of each training handler, through the shared pipeline with in-memory repositories: no server, no
database, no broker (cosmicpython's tests/unit/test_handlers.py is the model)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.training.application import commands
from services.training.application.handlers import HANDLERS, SOURCE
from services.training.domain.errors import Contradiction, IllegalMove, ImpossibleFact, Unknown
from services.training.domain.learner import Phase
from shared.application.clock import FixedClock
from shared.application.follow_ups import CorrectEvent, RetractEvent
from shared.application.importing import FactOutcome, ImportedCommand, run_import
from shared.application.outcome import Outcome
from shared.application.pipeline import Pipeline
from shared.contracts.base import EventPayload, Evidence, TaughtBy
from shared.contracts.corrections import EventCorrected, EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassClosed, ClassOpened
from shared.contracts.recruitment import EmploymentIntentSigned, EnrollmentCancelled, StudentEnrolled
from shared.contracts.training import InternshipOutcome, Module, WithdrawalReason
from shared.errors import InvalidFact
from tests.unit.training.fakes import FakeTrainingUnitOfWork

NOW = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)  # 10:00 on 2025-09-01 in Asia/Shanghai
START = date(2025, 3, 3)
PARTNERSHIP = uuid4()
SCHOOL, BUREAU = uuid4(), uuid4()
PLAN = [
    Module(name="Knife skills", planned_hours=Decimal("120"), taught_by=TaughtBy.ENTERPRISE),
    Module(name="Food safety", planned_hours=Decimal("80"), taught_by=TaughtBy.SCHOOL),
]
Service = tuple[Pipeline[FakeTrainingUnitOfWork], FakeTrainingUnitOfWork]


@pytest.fixture
def service() -> Service:
    uow = FakeTrainingUnitOfWork()
    return Pipeline(HANDLERS, lambda: uow, FixedClock(NOW), SOURCE), uow


def inbound(payload: EventPayload, occurred_on: date = START, **refs: Any) -> Envelope:
    """An event as the partnership and recruitment services publish it."""
    return Envelope.wrap(
        payload,
        source="/services/recruitment",
        occurred_on=occurred_on,
        partnership_id=refs.pop("partnership_id", PARTNERSHIP),
        evidence=Evidence.SCHOOL_RECORD,
        **refs,
    )


def class_opened(partnership_id: UUID = PARTNERSHIP) -> Envelope:
    class_id = uuid4()
    opened = ClassOpened(
        class_id=class_id,
        name="Cantonese Cuisine Masters 2025",
        school_id=uuid4(),
        sponsor_id=uuid4(),
        sponsor_credit_code="91440101190442827X",
        programme_id=uuid4(),
        major="Chinese cooking",
        seats=40,
        cohort_year=2025,
        planned_start=START,
        planned_end=date(2026, 1, 16),
        hiring_commitment=30,
    )
    return inbound(opened, date(2025, 2, 1), class_id=class_id, partnership_id=partnership_id)


def enrolled(class_id: UUID, **refs: Any) -> Envelope:
    payload = StudentEnrolled(application_id=uuid4(), start_on=START, planned_end_on=date(2026, 1, 16))
    return inbound(payload, class_id=class_id, **{"student_id": uuid4(), **refs})


def cancelled(student_id: UUID) -> Envelope:
    return inbound(EnrollmentCancelled(reason="did not arrive"), student_id=student_id)


def retraction(of: Envelope) -> Envelope:
    return inbound(EventRetracted(reason="entered twice"), student_id=of.student_id, supersedes=of.id)


async def a_class(service: Service, partnership_id: UUID = PARTNERSHIP) -> UUID:
    opened = class_opened(partnership_id)
    await service[0].handle(opened)
    assert opened.class_id is not None
    return opened.class_id


async def a_student(service: Service, class_id: UUID | None = None) -> UUID:
    enrolment = enrolled(class_id or await a_class(service))
    await service[0].handle(enrolment)
    assert enrolment.student_id is not None
    return enrolment.student_id


def phase(service: Service, student_id: UUID) -> Phase:
    return service[1].learners.rows[student_id].phase


def types(service: Service) -> list[str]:
    return [event.type for event in service[1].outbox.events]


# The roster learner: the handler of every envelope read from the partnership and recruitment topics.


async def test_training_learns_an_active_learner_from_an_enrolment_and_records_no_event_of_its_own(
    service: Service,
) -> None:
    class_id = await a_class(service)
    student = await a_student(service, class_id)

    learner = service[1].learners.rows[student]
    assert (learner.phase, learner.class_id, learner.partnership_id) == (Phase.ACTIVE, class_id, PARTNERSHIP)
    assert (learner.first_start_on, learner.period_start_on) == (START, START)
    assert types(service) == []


async def test_an_enrolment_read_before_its_class_is_held_and_applied_when_the_class_opens(service: Service) -> None:
    opened = class_opened()
    assert opened.class_id is not None
    enrolment = enrolled(opened.class_id)
    await service[0].handle(enrolment)
    assert [f.envelope.id for f in service[1].held.facts] == [enrolment.id]
    assert service[1].learners.rows == {}

    await service[0].handle(opened)

    assert enrolment.student_id is not None
    assert phase(service, enrolment.student_id) is Phase.ACTIVE
    assert service[1].held.facts == []


async def test_a_held_enrolment_refused_when_its_class_opens_stays_held_with_the_reason(service: Service) -> None:
    opened = class_opened()
    assert opened.class_id is not None
    stray = enrolled(opened.class_id, partnership_id=uuid4())
    await service[0].handle(stray)

    await service[0].handle(opened)

    [fact] = service[1].held.facts
    assert fact.envelope.id == stray.id
    assert fact.refused is not None
    assert "belongs to partnership" in fact.refused
    assert service[1].learners.rows == {}
    assert opened.class_id in service[1].classes.rows, "the class itself is learned"


async def test_a_cancellation_read_before_its_enrolment_waits_for_the_student_and_then_cancels_them(
    service: Service,
) -> None:
    class_id = await a_class(service)
    enrolment = enrolled(class_id)
    assert enrolment.student_id is not None
    await service[0].handle(cancelled(enrolment.student_id))

    await service[0].handle(enrolment)

    assert phase(service, enrolment.student_id) is Phase.CANCELLED
    assert service[1].held.facts == []


async def test_a_closure_read_before_its_class_waits_and_then_closes_the_class(service: Service) -> None:
    opened = class_opened()
    assert opened.class_id is not None
    await service[0].handle(inbound(ClassClosed(class_id=opened.class_id), date(2025, 6, 30)))

    await service[0].handle(opened)

    assert service[1].classes.rows[opened.class_id].closed_on == date(2025, 6, 30)


async def test_a_retracted_enrolment_cancels_the_learner_and_a_retracted_cancellation_restores_them(
    service: Service,
) -> None:
    class_id = await a_class(service)
    first, second = enrolled(class_id), enrolled(class_id)
    await service[0].handle(first)
    await service[0].handle(second)
    assert first.student_id is not None
    assert second.student_id is not None
    await service[0].handle(commands.StartBreak(student_id=second.student_id, start_on=date(2025, 4, 7)))
    cancellation = cancelled(second.student_id)

    await service[0].handle(retraction(first))
    await service[0].handle(cancellation)
    assert (phase(service, first.student_id), phase(service, second.student_id)) == (Phase.CANCELLED,) * 2
    await service[0].handle(retraction(cancellation))

    assert phase(service, second.student_id) is Phase.ON_BREAK


async def test_a_corrected_enrolment_moves_the_learners_first_start(service: Service) -> None:
    class_id = await a_class(service)
    enrolment = enrolled(class_id)
    await service[0].handle(enrolment)
    correction = EventCorrected(fields={"start_on": "2025-03-10"}, reason="misread")

    await service[0].handle(inbound(correction, student_id=enrolment.student_id, supersedes=enrolment.id))

    assert enrolment.student_id is not None
    learner = service[1].learners.rows[enrolment.student_id]
    assert (learner.first_start_on, learner.period_start_on) == (date(2025, 3, 10), date(2025, 3, 10))


async def test_an_enrolment_naming_no_student_is_refused_so_its_record_goes_to_the_dead_letter_topic(
    service: Service,
) -> None:
    class_id = await a_class(service)
    anonymous = enrolled(class_id, student_id=None)

    with pytest.raises(Contradiction, match="no student_id"):
        await service[0].handle(anonymous)
    assert service[1].learners.rows == {}


async def test_a_class_opened_again_under_another_partnership_is_a_contradiction(service: Service) -> None:
    opened = class_opened()
    await service[0].handle(opened)
    await service[0].handle(opened.model_copy(update={"id": uuid4()}))

    with pytest.raises(Contradiction, match="opened under partnership"):
        await service[0].handle(opened.model_copy(update={"id": uuid4(), "partnership_id": uuid4()}))


async def test_events_training_does_not_need_are_ignored(service: Service) -> None:
    outcome = await service[0].handle(inbound(EmploymentIntentSigned(employer_id=uuid4()), student_id=uuid4()))
    assert (outcome, service[1].held.facts, service[1].learners.rows) == (Outcome.nothing(), [], {})


# A learner's state machine.


async def test_a_move_answers_with_the_event_its_dates_whom_it_is_about_and_the_phase_after(service: Service) -> None:
    student = await a_student(service)

    outcome = await service[0].handle(commands.StartBreak(student_id=student, start_on=date(2025, 4, 7)))

    [event] = service[1].outbox.events
    assert outcome.answer == {
        "event_id": str(event.id),
        "type": "BreakStarted",
        "occurred_on": "2025-04-07",
        "recorded_at": NOW.isoformat(),
        "student_id": str(student),
        "class_id": str(service[1].learners.rows[student].class_id),
        "phase": "on_break",
    }
    assert (event.partnership_id, event.source, event.recorded_at) == (PARTNERSHIP, SOURCE, NOW)


async def test_a_break_takes_the_learner_on_break_and_its_end_brings_them_back(service: Service) -> None:
    student = await a_student(service)
    await service[0].handle(commands.StartBreak(student_id=student, start_on=date(2025, 4, 7), reason="harvest"))

    ended = await service[0].handle(commands.EndBreak(student_id=student, end_on=date(2025, 4, 21)))

    assert ended.answer["phase"] == "active"
    [row] = service[1].records.rows
    assert (row.end_on, row.ended_by) == (date(2025, 4, 21), service[1].outbox.events[1].id)


async def test_a_transfer_moves_an_active_learner_to_another_class_of_the_same_partnership(service: Service) -> None:
    student = await a_student(service)
    other = await a_class(service)

    await service[0].handle(commands.TransferToClass(student_id=student, to_class_id=other, start_on=date(2025, 5, 5)))

    learner = service[1].learners.rows[student]
    assert (learner.class_id, learner.period_start_on, learner.first_start_on) == (other, date(2025, 5, 5), START)
    assert service[1].outbox.events[0].class_id == other


async def test_a_transfer_to_a_class_of_another_partnership_moves_the_learner_and_tells_the_new_partnership(
    service: Service,
) -> None:
    student = await a_student(service)
    elsewhere = uuid4()
    foreign = await a_class(service, partnership_id=elsewhere)

    await service[0].handle(
        commands.TransferToClass(student_id=student, to_class_id=foreign, start_on=date(2025, 5, 5))
    )
    graduated = await service[0].handle(commands.Graduate(student_id=student, graduated_on=date(2025, 8, 29)))

    learner = service[1].learners.rows[student]
    assert (learner.partnership_id, learner.class_id, learner.first_start_on) == (elsewhere, foreign, START)
    transferred, graduation = service[1].outbox.events
    assert (transferred.type, transferred.partnership_id, transferred.class_id) == (
        "TransferredToClass",
        elsewhere,
        foreign,
    ), "DOMAIN.md: the student belongs to the new class and its partnership from the first day"
    assert (graduation.partnership_id, graduated.answer["class_id"]) == (elsewhere, str(foreign))


async def test_retracting_a_transfer_across_partnerships_puts_the_learner_back_in_the_first_partnership(
    service: Service,
) -> None:
    student = await a_student(service)
    first_class = service[1].learners.rows[student].class_id
    foreign = await a_class(service, partnership_id=uuid4())
    transferred = await service[0].handle(
        commands.TransferToClass(student_id=student, to_class_id=foreign, start_on=date(2025, 5, 5))
    )

    await service[0].handle(retract(transferred))

    learner = service[1].learners.rows[student]
    assert (learner.partnership_id, learner.class_id, learner.period_start_on) == (PARTNERSHIP, first_class, START)


async def test_a_restart_after_a_withdrawal_starts_a_new_period_in_the_class_named_of_any_partnership(
    service: Service,
) -> None:
    student = await a_student(service)
    elsewhere = uuid4()
    other = await a_class(service, partnership_id=elsewhere)
    await service[0].handle(
        commands.Withdraw(student_id=student, last_day=date(2025, 5, 30), reason=WithdrawalReason.FAMILY)
    )

    outcome = await service[0].handle(commands.Restart(student_id=student, start_on=date(2025, 9, 1), class_id=other))

    learner = service[1].learners.rows[student]
    assert (outcome.answer["phase"], learner.class_id, learner.last_day) == ("active", other, None)
    assert learner.partnership_id == service[1].outbox.events[-1].partnership_id == elsewhere


async def test_a_graduate_cannot_withdraw_and_the_refusal_leaves_nothing_behind(service: Service) -> None:
    student = await a_student(service)
    await service[0].handle(commands.Graduate(student_id=student, graduated_on=date(2025, 7, 4)))

    with pytest.raises(IllegalMove, match="second exit"):
        await service[0].handle(
            commands.Withdraw(student_id=student, last_day=date(2025, 7, 5), reason=WithdrawalReason.HEALTH)
        )
    assert types(service) == ["Graduated"]
    assert phase(service, student) is Phase.GRADUATED


async def test_a_command_for_a_student_training_has_not_learned_is_unknown(service: Service) -> None:
    with pytest.raises(Unknown, match="no StudentEnrolled"):
        await service[0].handle(commands.Graduate(student_id=uuid4(), graduated_on=date(2025, 7, 4)))


async def test_a_business_date_in_the_future_is_refused_before_anything_is_read(service: Service) -> None:
    tomorrow = date(2025, 9, 2)
    with pytest.raises(InvalidFact, match="future"):
        await service[0].handle(commands.Graduate(student_id=uuid4(), graduated_on=tomorrow))


# Records of a learner that do not move the state machine.


async def test_a_review_left_undated_is_held_on_the_day_it_is_recorded_with_its_reviewer(service: Service) -> None:
    student = await a_student(service)

    outcome = await service[0].handle(
        commands.HoldProgressReview(student_id=student, outcome="on track", on_track=True, reviewed_by=SCHOOL)
    )

    [event] = service[1].outbox.events
    assert (outcome.answer["occurred_on"], event.party_id) == ("2025-09-01", SCHOOL)
    assert service[1].records.rows[0].envelope == event


async def test_a_learner_has_one_internship_at_a_time_and_ends_it_once(service: Service) -> None:
    student = await a_student(service)

    def start(on: date) -> commands.StartInternship:
        return commands.StartInternship(
            student_id=student,
            host_name="Guangzhou Restaurant Group",
            host_credit_code=None,
            related_to_major=True,
            monthly_pay=Decimal("2800"),
            start_on=on,
        )

    started = await service[0].handle(start(date(2025, 5, 12)))
    internship_id = UUID(started.answer["internship_id"])
    with pytest.raises(IllegalMove, match="has not ended"):
        await service[0].handle(start(date(2025, 5, 13)))
    end = commands.EndInternship(
        student_id=student, internship_id=internship_id, outcome=InternshipOutcome.COMPLETED, end_on=date(2025, 6, 30)
    )
    await service[0].handle(end)
    with pytest.raises(IllegalMove, match="already ended"):
        await service[0].handle(end)

    assert types(service) == ["InternshipStarted", "InternshipEnded"]
    await service[0].handle(start(date(2025, 7, 1)))


async def test_ending_an_internship_the_student_does_not_have_is_unknown(service: Service) -> None:
    student = await a_student(service)
    with pytest.raises(Unknown, match="has no internship"):
        await service[0].handle(
            commands.EndInternship(
                student_id=student, internship_id=uuid4(), outcome=InternshipOutcome.COMPLETED, end_on=START
            )
        )


async def test_a_certificate_id_is_awarded_once_and_a_graduate_may_still_receive_one(service: Service) -> None:
    student = await a_student(service)
    await service[0].handle(commands.Graduate(student_id=student, graduated_on=date(2025, 7, 4)))
    award = commands.AwardCertificate(
        student_id=student,
        name="Chinese cook",
        level="level 4",
        issuer="Guangdong HRSS",
        awarded_on=date(2025, 8, 1),
        issuer_id=BUREAU,
    )

    outcome = await service[0].handle(award)
    with pytest.raises(Contradiction, match="already exists"):
        await service[0].handle(award)

    assert outcome.answer["certificate_id"] == str(award.certificate_id)
    assert service[1].outbox.events[-1].party_id == BUREAU


# Class-level teaching.


async def test_a_plan_is_agreed_for_a_known_class_and_hours_are_logged_only_for_its_modules(service: Service) -> None:
    class_id = await a_class(service)
    await service[0].handle(commands.AgreePlan(class_id=class_id, modules=PLAN, agreed_on=date(2025, 3, 1)))

    logged = await service[0].handle(log_hours(class_id, "Knife skills"))
    with pytest.raises(Contradiction, match="not in the class's agreed plan"):
        await service[0].handle(log_hours(class_id, "Dim sum"))

    assert types(service) == ["TrainingPlanAgreed", "TrainingHoursLogged"]
    assert logged.answer["class_id"] == str(class_id)
    assert service[1].outbox.events[1].party_id == SCHOOL


def log_hours(class_id: UUID, module: str, **changes: Any) -> commands.LogHours:
    values: dict[str, Any] = {
        "class_id": class_id,
        "module": module,
        "hours": Decimal("6"),
        "taught_by": TaughtBy.ENTERPRISE,
        "logged_by": SCHOOL,
        "logged_on": date(2025, 3, 10),
        **changes,
    }
    return commands.LogHours(**values)


async def test_a_plan_for_a_class_training_has_not_learned_is_unknown(service: Service) -> None:
    with pytest.raises(Unknown, match="no ClassOpened"):
        await service[0].handle(commands.AgreePlan(class_id=uuid4(), modules=PLAN))


async def test_a_log_id_is_logged_once_and_nothing_is_logged_after_the_class_closed(service: Service) -> None:
    class_id = await a_class(service)
    log_id = uuid4()
    await service[0].handle(log_hours(class_id, "Knife skills", log_id=log_id))
    with pytest.raises(Contradiction, match="already exists"):
        await service[0].handle(log_hours(class_id, "Knife skills", log_id=log_id))

    await service[0].handle(inbound(ClassClosed(class_id=class_id), date(2025, 6, 30)))
    with pytest.raises(IllegalMove, match="closed"):
        await service[0].handle(log_hours(class_id, "Knife skills", logged_on=date(2025, 7, 1)))


async def test_the_logger_cannot_verify_its_own_hours_but_another_party_can(service: Service) -> None:
    class_id = await a_class(service)
    log_id = uuid4()
    await service[0].handle(log_hours(class_id, "Knife skills", log_id=log_id))

    with pytest.raises(Contradiction, match="another party"):
        await service[0].handle(commands.VerifyHours(log_id=log_id, hours_accepted=Decimal("6"), verified_by=SCHOOL))
    with pytest.raises(ImpossibleFact, match="exceeds"):
        await service[0].handle(commands.VerifyHours(log_id=log_id, hours_accepted=Decimal("7"), verified_by=BUREAU))
    verified = await service[0].handle(
        commands.VerifyHours(log_id=log_id, hours_accepted=Decimal("6"), verified_by=BUREAU)
    )

    assert (verified.answer["type"], verified.answer["log_id"]) == ("TrainingHoursVerified", str(log_id))
    assert service[1].outbox.events[-1].party_id == BUREAU


async def test_verifying_a_log_training_never_took_is_unknown(service: Service) -> None:
    with pytest.raises(Unknown, match="no hours log"):
        await service[0].handle(commands.VerifyHours(log_id=uuid4(), hours_accepted=Decimal("1"), verified_by=BUREAU))


# Corrections and retractions of training's own events.


async def test_retracting_a_move_restores_the_learner_and_only_the_latest_move_can_be_retracted(
    service: Service,
) -> None:
    student = await a_student(service)
    withdrawn = await service[0].handle(
        commands.Withdraw(student_id=student, last_day=date(2025, 4, 30), reason=WithdrawalReason.HEALTH)
    )
    restarted = await service[0].handle(commands.Restart(student_id=student, start_on=date(2025, 9, 1)))

    with pytest.raises(IllegalMove, match="Restarted"):
        await service[0].handle(retract(withdrawn))
    await service[0].handle(retract(restarted))
    assert phase(service, student) is Phase.WITHDRAWN
    await service[0].handle(retract(withdrawn))

    learner = service[1].learners.rows[student]
    assert (learner.phase, learner.last_day) == (Phase.ACTIVE, None)
    assert types(service)[-2:] == ["EventRetracted", "EventRetracted"]


def retract(outcome: Outcome) -> RetractEvent:
    return RetractEvent(
        event_id=UUID(outcome.answer["event_id"]), reason="wrong student", evidence=Evidence.SCHOOL_RECORD
    )


async def test_a_retracted_hours_log_cannot_be_verified(service: Service) -> None:
    class_id = await a_class(service)
    log_id = uuid4()
    logged = await service[0].handle(log_hours(class_id, "Knife skills", log_id=log_id))

    await service[0].handle(retract(logged))

    with pytest.raises(IllegalMove, match="retracted"):
        await service[0].handle(commands.VerifyHours(log_id=log_id, hours_accepted=Decimal("1"), verified_by=BUREAU))


async def test_retracting_the_end_of_a_break_puts_the_learner_back_on_the_open_break(service: Service) -> None:
    student = await a_student(service)
    await service[0].handle(commands.StartBreak(student_id=student, start_on=date(2025, 4, 7)))
    ended = await service[0].handle(commands.EndBreak(student_id=student, end_on=date(2025, 4, 21)))

    await service[0].handle(retract(ended))

    assert phase(service, student) is Phase.ON_BREAK
    assert service[1].records.rows[0].end_on is None


async def test_a_correction_is_recorded_and_leaves_trainings_state_as_it_was(service: Service) -> None:
    student = await a_student(service)
    graduated = await service[0].handle(commands.Graduate(student_id=student, graduated_on=date(2025, 7, 4)))
    before = service[1].learners.rows[student]

    await service[0].handle(
        CorrectEvent(
            event_id=UUID(graduated.answer["event_id"]),
            fields={"graduated_on": "2025-07-03"},
            reason="misread",
            evidence=Evidence.SCHOOL_RECORD,
        )
    )

    assert types(service) == ["Graduated", "EventCorrected"]
    assert service[1].learners.rows[student] == before


# The operator import, on the shared runner.


async def test_the_import_carries_on_past_a_refused_fact_and_answers_each_one(service: Service) -> None:
    student = await a_student(service)

    def fact(import_id: str, days_ago: int, command: object) -> ImportedCommand:
        return ImportedCommand(import_id, NOW - timedelta(days=days_ago), command, import_id.encode())

    results = await run_import(
        service[0],
        [
            fact("graduated", 1, commands.Graduate(student_id=student, graduated_on=date(2025, 7, 4))),
            fact("break", 3, commands.StartBreak(student_id=student, start_on=date(2024, 1, 1))),
            fact("break-end", 2, commands.EndBreak(student_id=student, end_on=date(2025, 4, 20))),
        ],
    )

    assert [(r.import_id, r.outcome) for r in results] == [
        ("break", FactOutcome.REFUSED),
        ("break-end", FactOutcome.REFUSED),
        ("graduated", FactOutcome.ACCEPTED),
    ]
    assert isinstance(results[0].refusal, ImpossibleFact)
    assert isinstance(results[1].refusal, IllegalMove)
    assert service[1].outbox.events[0].recorded_at == NOW - timedelta(days=1)
