"""Event streams shaped like the stage services' own, for the benchmarks that feed assessment directly.

Each partnership signs, admits a school and a sponsor, opens its classes, sets a target and records funding; each
student applies, is decided, enrols, and then graduates (certificate, internship, placement, retention checks),
withdraws or stays active: about nine events a student, as many as the simulator's scaled programme has. Ids come
from a seeded generator, so the same sizes give the same stream. Every date lies before `BUSINESS_DATE`, the
business date the benchmark's workers are pinned to.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from shared.application.clock import BUSINESS_TZ
from shared.contracts.base import EventPayload, Evidence, Region, TaughtBy
from shared.contracts.employment import Placed, RetentionChecked
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import (
    ClassOpened,
    FundingRecorded,
    MemberJoined,
    PartnershipSigned,
    PartyRole,
    TargetSet,
)
from shared.contracts.recruitment import ApplicationDecided, ApplicationSubmitted, StudentEnrolled
from shared.contracts.registry import STAGE_TOPICS, model_for
from shared.contracts.training import (
    CertificateAwarded,
    Graduated,
    InternshipEnded,
    InternshipStarted,
    TrainingHoursLogged,
    TrainingHoursVerified,
    Withdrawn,
)
from shared.messaging.codec import encode

BUSINESS_DATE = date(2026, 6, 30)
SHANGHAI_NOON = time(12, 0)
SOURCE = "/bench/workload"
_REGIONS = ("Bijie", "Anshun", "Qiannan", "Zunyi")
_CHECKPOINTS = (90, 180, 365)


@dataclass(frozen=True, slots=True)
class Message:
    """A record as a stage service's relay would send it."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def message_of(envelope: Envelope, namespace: str) -> Message:
    encoded = encode(envelope)
    topic = namespace + STAGE_TOPICS[model_for(envelope.type).stage]
    return Message(topic, str(envelope.partnership_id).encode(), encoded.value, list(encoded.headers.items()))


@dataclass(frozen=True, slots=True)
class Partnership:
    partnership_id: UUID
    classes: tuple[tuple[UUID, int], ...]  # (class id, cohort year)


class Workload:
    """A seeded source of partnerships and student stories (lists of envelopes in causal order)."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.school, self.sponsor = self.uuid(), self.uuid()

    def uuid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def _emit(
        self, payload: EventPayload, on: date, pid: UUID, *, student: UUID | None = None, klass: UUID | None = None
    ) -> Envelope:
        recorded = datetime.combine(min(on, BUSINESS_DATE), SHANGHAI_NOON, tzinfo=BUSINESS_TZ)
        evidence = Evidence.EMPLOYER_CONFIRMATION if payload.stage.value == "employment" else Evidence.SCHOOL_RECORD
        return Envelope.wrap(
            payload,
            source=SOURCE,
            occurred_on=on,
            partnership_id=pid,
            evidence=evidence,
            recorded_at=recorded,
            event_id=self.uuid(),
            student_id=student,
            class_id=klass,
        )

    def partnership(self, classes: int, parent: UUID | None = None) -> tuple[Partnership, list[Envelope]]:
        pid, signed = self.uuid(), date(2021, 3, 1)
        opened = tuple((self.uuid(), 2021 + n % 3) for n in range(classes))
        events = [
            self._emit(PartnershipSigned(name="Bench agreement", valid_from=signed, parent_id=parent), signed, pid),
            self._member(pid, self.school, PartyRole.SCHOOL, Region.WEST, None, signed),
            self._member(pid, self.sponsor, PartyRole.ENTERPRISE, Region.EAST, "91440101MA59UQ3L00", signed),
        ]
        for class_id, year in opened:
            events.append(self._class(pid, class_id, year))
            events += self._hours(pid, class_id, date(year, 10, 15))
        target = TargetSet(target_id=self.uuid(), metric="employment_rate", comparison="at_least", goal=0.9)
        events.append(self._emit(target, signed, pid))
        funding = FundingRecorded(
            funding_id=self.uuid(),
            amount_yuan=Decimal(2_000_000),
            source="fiscal_poverty_alleviation",
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
        )
        events.append(self._emit(funding, date(2025, 1, 10), pid))
        return Partnership(pid, opened), events

    def _member(self, pid: UUID, party: UUID, role: PartyRole, region: Region, code: str | None, on: date) -> Envelope:
        joined = MemberJoined(
            party_id=party,
            party_name=f"Bench {role.value}",
            party_role=role,
            region=region,
            locality="Bijie",
            credit_code=code,
        )
        return self._emit(joined, on, pid)

    def _class(self, pid: UUID, class_id: UUID, year: int) -> Envelope:
        opened = ClassOpened(
            class_id=class_id,
            name=f"Bench ordered class {year}",
            school_id=self.school,
            sponsor_id=self.sponsor,
            sponsor_credit_code="91440101MA59UQ3L00",
            programme_id=self.sponsor,
            major="Electrical installation",
            seats=50,
            cohort_year=year,
            planned_start=date(year, 9, 1),
            planned_end=date(year + 2, 6, 30),
            hiring_commitment=40,
        )
        return self._emit(opened, date(year, 6, 1), pid, klass=class_id)

    def _hours(self, pid: UUID, class_id: UUID, on: date) -> list[Envelope]:
        events = []
        for taught_by in (TaughtBy.SCHOOL, TaughtBy.ENTERPRISE):
            log_id = self.uuid()
            logged = TrainingHoursLogged(
                log_id=log_id, module="Wiring", hours=Decimal(120), taught_by=taught_by, logged_by=self.school
            )
            events.append(self._emit(logged, on, pid, klass=class_id))
            verified = TrainingHoursVerified(log_id=log_id, hours_accepted=Decimal(120), verified_by=self.sponsor)
            events.append(self._emit(verified, on + timedelta(days=7), pid, klass=class_id))
        return events

    def student(self, partnership: Partnership) -> list[Envelope]:
        """One student's story: about nine events for a graduate, fewer for a rejected or withdrawn one."""
        pid, rng = partnership.partnership_id, self.rng
        class_id, year = rng.choice(partnership.classes)
        student, application, start = self.uuid(), self.uuid(), date(year, 9, 1)
        applied = ApplicationSubmitted(
            application_id=application,
            home_region=rng.choice(_REGIONS),
            poor_household=rng.random() < 0.4,
            poor_household_verified_by="poverty_registry",
            prior_education="junior secondary",
            channel="village recruitment fair",
        )
        admitted = rng.random() < 0.9
        events = [
            self._emit(applied, start - timedelta(days=60), pid, student=student, klass=class_id),
            self._emit(
                ApplicationDecided(application_id=application, decision="admitted" if admitted else "rejected"),
                start - timedelta(days=30),
                pid,
                student=student,
                klass=class_id,
            ),
        ]
        if not admitted:
            return events
        enrolled = StudentEnrolled(application_id=application, start_on=start, planned_end_on=date(year + 2, 6, 30))
        events.append(self._emit(enrolled, start, pid, student=student, klass=class_id))
        fate = rng.random()
        if fate < 0.1:
            left = Withdrawn(last_day=start + timedelta(days=100), reason="other")
            events.append(self._emit(left, start + timedelta(days=100), pid, student=student))
        elif fate < 0.9:
            events += self._graduate(pid, student, date(year + 2, 6, 30))
        return events

    def _graduate(self, pid: UUID, student: UUID, graduated: date) -> list[Envelope]:
        rng, events = self.rng, []
        if rng.random() < 0.6:
            internship, began = self.uuid(), graduated - timedelta(days=120)
            host = InternshipStarted(
                internship_id=internship,
                host_name="Bench host",
                related_to_major=True,
                monthly_pay=Decimal(2500),
                start_on=began,
            )
            events.append(self._emit(host, began, pid, student=student))
            ended = InternshipEnded(internship_id=internship, outcome="completed", end_on=graduated - timedelta(30))
            events.append(self._emit(ended, graduated - timedelta(days=30), pid, student=student))
        if rng.random() < 0.7:
            award = CertificateAwarded(
                certificate_id=self.uuid(),
                name="Electrician",
                level="intermediate",
                issuer="HRSS",
                awarded_on=graduated - timedelta(days=10),
            )
            events.append(self._emit(award, graduated - timedelta(days=10), pid, student=student))
        events.append(self._emit(Graduated(graduated_on=graduated), graduated, pid, student=student))
        if rng.random() < 0.85:
            events += self._placement(pid, student, graduated + timedelta(days=20))
        return events

    def _placement(self, pid: UUID, student: UUID, start: date) -> list[Envelope]:
        placement = self.uuid()
        placed = Placed(
            placement_id=placement,
            employer_name="Bench employer",
            employer_credit_code="91440101MA59UQ3L00",
            relation="sponsor",
            employer_type=self.rng.choice(("private", "state_owned")),
            location=self.rng.choice(("east", "home_region")),
            related_to_training=True,
            monthly_wage=Decimal(self.rng.randrange(3500, 6500)),
            contract_type="permanent",
            social_insurance=True,
            start_on=start,
        )
        events = [self._emit(placed, start, pid, student=student)]
        for days in _CHECKPOINTS:
            on = start + timedelta(days=days)
            if on < BUSINESS_DATE:
                check = RetentionChecked(
                    placement_id=placement, checkpoint_days=days, still_employed=True, same_employer=True
                )
                events.append(self._emit(check, on, pid, student=student))
        return events


@dataclass(frozen=True)
class Programme:
    partnerships: list[Partnership]  # the parent first
    opening: list[Envelope]  # every partnership's own events
    stories: list[Envelope]  # the students' stories, interleaved across partnerships

    @property
    def events(self) -> list[Envelope]:
        return self.opening + self.stories


def programme(students: int, *, students_per_partnership: int = 100, classes: int = 2, seed: int = 1) -> Programme:
    """Partnerships of `students_per_partnership` students under one parent programme; the students' stories are
    interleaved across partnerships, as a province's schools report."""
    workload = Workload(seed)
    parent, opening = workload.partnership(0)
    found = []
    for _ in range(max(1, -(-students // students_per_partnership))):
        partnership, signed = workload.partnership(classes, parent.partnership_id)
        found.append(partnership)
        opening += signed
    stories = [workload.student(found[n % len(found)]) for n in range(students)]
    return Programme([parent, *found], opening, interleave(stories))


def interleave(stories: list[list[Envelope]], width: int = 64) -> list[Envelope]:
    """Stories `width` at a time, one event of each in turn: each story stays in order, many are in flight."""
    return [event for start in range(0, len(stories), width) for event in _round_robin(stories[start : start + width])]


def _round_robin(stories: list[list[Envelope]]) -> Iterator[Envelope]:
    for step in range(max((len(s) for s in stories), default=0)):
        for story in stories:
            if step < len(story):
                yield story[step]
