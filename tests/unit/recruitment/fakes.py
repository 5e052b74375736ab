"""In-memory fakes of the recruitment ports: rows in dicts, with the unique indexes of the migrations.

Rows keep the column names of the SQL tables, so a correction rewrites them through the adapter's own map
(adapters/db/state.py) and rows become domain objects through the adapter's own row readers.
"""

from __future__ import annotations

import copy
import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from services.recruitment.adapters.db import column_value, columns_of
from services.recruitment.adapters.db.parties import party_of
from services.recruitment.adapters.db.partnerships import partnership_of
from services.recruitment.adapters.db.state import rewritten
from services.recruitment.adapters.db.students import enrolment_of
from services.recruitment.application.unit_of_work import (
    Classes,
    Exclusions,
    Ledger,
    Parties,
    Partnerships,
    RecordedState,
    RecruitmentUnitOfWork,
    Sealed,
    Students,
    Vault,
)
from services.recruitment.domain.classes import ClassTerms, OrderedClass, Programme
from services.recruitment.domain.errors import DuplicateFact
from services.recruitment.domain.exclusions import Exclusion
from services.recruitment.domain.identity import normalised_national_id
from services.recruitment.domain.parties import Party
from services.recruitment.domain.partnerships import Amendment, Membership, Partnership
from services.recruitment.domain.students import Application, Decided, Enrolment
from shared.contracts.corrections import ExclusionReason
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import (
    ClassOpened,
    FundingRecorded,
    MemberJoined,
    PartnershipAmended,
    PartnershipSigned,
    ProgrammeRegistered,
    TargetSet,
)
from shared.contracts.recruitment import ApplicationSubmitted, Decision, StudentEnrolled
from tests.support.fakes import FakeUnitOfWork

Row = dict[str, Any]


def _live(row: Row) -> bool:
    return not row.get("retracted", False)


def _current(row: Row) -> bool:
    return _live(row) and row.get("left_on") is None


def _not_cancelled(row: Row) -> bool:
    return _live(row) and row.get("cancelled_on") is None


def _standing(row: Row) -> bool:
    return _live(row) and row.get("revoked_on") is None


def _always(row: Row) -> bool:
    return True


# table -> [(columns that are unique together, among the rows this predicate keeps)], as in the migrations
UNIQUE: dict[str, list[tuple[tuple[str, ...], Callable[[Row], bool]]]] = {
    "parties": [(("party_id",), _always), (("credit_code",), lambda r: r["credit_code"] is not None)],
    "partnerships": [(("partnership_id",), _always)],
    "partnership_amendments": [(("event_id",), _always)],
    "memberships": [(("joined_event_id",), _always), (("partnership_id", "party_id"), _current)],
    "programmes": [(("programme_id",), _always)],
    "targets": [(("target_id",), _always)],
    "funding": [(("funding_id",), _always)],
    "classes": [(("class_id",), _always)],
    "students": [(("student_id",), _always), (("national_id_digest",), _always)],
    "applications": [(("application_id",), _always)],
    "decisions": [(("event_id",), _always)],
    "enrolments": [
        (("enrolment_id",), _always),
        (("student_id",), _not_cancelled),
        (("application_id",), _live),
    ],
    "employment_intents": [(("event_id",), _always), (("enrolment_id",), _live)],
    "exclusions": [(("event_id",), _always), (("student_id",), _standing)],
}


class Tables:
    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = defaultdict(list)

    def where(self, table: str, keep: Callable[[Row], bool] = _live, **match: Any) -> list[Row]:
        return [r for r in self.rows[table] if keep(r) and all(r.get(k) == v for k, v in match.items())]

    def one(self, table: str, keep: Callable[[Row], bool] = _live, **match: Any) -> Row | None:
        found = self.where(table, keep, **match)
        return found[0] if found else None

    def insert(self, table: str, **row: Any) -> None:
        self.rows[table].append({"retracted": False, **{k: column_value(v) for k, v in row.items()}})
        self._check(table, lambda: self.rows[table].pop())

    def update(
        self, table: str, changes: Mapping[str, Any], keep: Callable[[Row], bool] = _always, **match: Any
    ) -> None:
        rows = self.where(table, keep, **match)
        before = [dict(r) for r in rows]
        for row in rows:
            row.update({k: column_value(v) for k, v in changes.items()})

        def undo() -> None:
            for row, old in zip(rows, before, strict=True):
                row.clear()
                row.update(old)

        self._check(table, undo)

    def restored(self, table: str, changes: Mapping[str, Any], **match: Any) -> bool:
        try:
            self.update(table, changes, **match)
        except DuplicateFact:
            return False
        return True

    def _check(self, table: str, undo: Callable[[], None]) -> None:
        for columns, among in UNIQUE.get(table, []):
            keys = [tuple(r.get(c) for c in columns) for r in self.rows[table] if among(r)]
            if len(keys) != len(set(keys)):
                undo()
                raise DuplicateFact(f"a record with the same identity exists ({table} {columns})")


class FakeVault(Vault):
    def __init__(self) -> None:
        self.sealed: dict[bytes, tuple[UUID, str, str]] = {}

    def digest(self, national_id: str) -> bytes:
        return hashlib.sha256(normalised_national_id(national_id).encode()).digest()

    def seal(self, student_id: UUID, field: str, value: str) -> bytes:
        token = uuid4().bytes
        self.sealed[token] = (student_id, field, value)
        return token

    def open(self, student_id: UUID, field: str, sealed: bytes) -> str:
        owner, sealed_field, value = self.sealed[sealed]
        if (owner, sealed_field) != (student_id, field):
            raise ValueError("sealed for another student or field")
        return value


class _Repository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables


class FakeParties(_Repository, Parties):
    async def get(self, party_id: UUID) -> Party | None:
        row = self.tables.one("parties", party_id=party_id)
        return None if row is None else party_of(row)

    async def add(self, party: Party, created_at: datetime) -> None:
        self.tables.insert("parties", **asdict(party), created_at=created_at)


class FakePartnerships(_Repository, Partnerships):
    async def get(self, partnership_id: UUID, *, lock: bool = False) -> Partnership | None:
        row = self.tables.one("partnerships", partnership_id=partnership_id)
        return None if row is None else partnership_of(row)

    async def ancestors(self, partnership_id: UUID) -> list[UUID]:
        found: list[UUID] = []
        row = self.tables.one("partnerships", _always, partnership_id=partnership_id)
        while row is not None and row["parent_id"] is not None and len(found) < 64:
            found.append(row["parent_id"])
            row = self.tables.one("partnerships", _always, partnership_id=row["parent_id"])
        return found

    async def add(self, envelope: Envelope, signed: PartnershipSigned) -> None:
        self.tables.insert(
            "partnerships",
            partnership_id=envelope.partnership_id,
            signed=signed,
            **columns_of(signed),
            signed_on=envelope.occurred_on,
            signed_event_id=envelope.id,
            ended_on=None,
            end_reason=None,
            ended_event_id=None,
        )

    async def add_amendment(self, envelope: Envelope, change: PartnershipAmended) -> None:
        self.tables.insert(
            "partnership_amendments",
            event_id=envelope.id,
            partnership_id=envelope.partnership_id,
            occurred_on=envelope.occurred_on,
            recorded_at=envelope.recorded_at,
            change=change,
        )

    async def signed_and_amendments(self, partnership_id: UUID) -> tuple[Partnership, list[Amendment]]:
        row = self.tables.one("partnerships", _always, partnership_id=partnership_id)
        if row is None:
            raise LookupError(f"partnership {partnership_id} is not stored")
        base = replace(Partnership.signed(partnership_id, row["signed"]), ended_on=row["ended_on"])
        rows = self.tables.where("partnership_amendments", partnership_id=partnership_id)
        return base, [Amendment(r["event_id"], r["occurred_on"], r["recorded_at"], r["change"]) for r in rows]

    async def save_signed(self, partnership_id: UUID, signed: PartnershipSigned) -> None:
        fixed = columns_of(signed)
        changes = {column: fixed[column] for column in ("kind", "valid_from", "east_region", "west_region")}
        self.tables.update("partnerships", {"signed": signed, **changes}, partnership_id=partnership_id)

    async def save_amendment(self, event_id: UUID, change: PartnershipAmended) -> None:
        self.tables.update("partnership_amendments", {"change": change}, event_id=event_id)

    async def save_terms(self, terms: Partnership) -> None:
        changes = {
            "name": terms.name,
            "valid_until": terms.valid_until,
            "parent_id": terms.parent_id,
            "retention_checkpoints": list(terms.retention_checkpoints),
        }
        self.tables.update("partnerships", changes, partnership_id=terms.partnership_id)

    async def mark_ended(self, envelope: Envelope, reason: str) -> None:
        changes = {"ended_on": envelope.occurred_on, "end_reason": reason, "ended_event_id": envelope.id}
        self.tables.update("partnerships", changes, partnership_id=envelope.partnership_id)

    async def membership(self, partnership_id: UUID, party_id: UUID) -> Membership | None:
        row = self.tables.one("memberships", _current, partnership_id=partnership_id, party_id=party_id)
        return None if row is None else Membership(row["party_id"], row["member_role"], row["joined_on"])

    async def current_members(self, partnership_id: UUID) -> frozenset[UUID]:
        return frozenset(
            r["party_id"] for r in self.tables.where("memberships", _current, partnership_id=partnership_id)
        )

    async def add_member(self, envelope: Envelope, joined: MemberJoined) -> None:
        self.tables.insert(
            "memberships",
            joined_event_id=envelope.id,
            partnership_id=envelope.partnership_id,
            party_id=joined.party_id,
            member_role=joined.member_role,
            joined_on=envelope.occurred_on,
            left_on=None,
            left_reason=None,
            left_event_id=None,
        )

    async def mark_left(self, envelope: Envelope, party_id: UUID, reason: str) -> None:
        changes = {"left_on": envelope.occurred_on, "left_reason": reason, "left_event_id": envelope.id}
        self.tables.update("memberships", changes, _current, partnership_id=envelope.partnership_id, party_id=party_id)

    async def dependents(self, partnership_id: UUID) -> list[str]:
        tables = ("memberships", "programmes", "classes", "targets", "funding")
        found = [t for t in tables if self.tables.where(t, partnership_id=partnership_id)]
        return [*found, "children"] if self.tables.where("partnerships", parent_id=partnership_id) else found

    async def retract(self, partnership_id: UUID) -> None:
        self.tables.update("partnerships", {"retracted": True}, partnership_id=partnership_id)

    async def retract_amendment(self, event_id: UUID) -> None:
        self.tables.update("partnership_amendments", {"retracted": True}, event_id=event_id)

    async def undo_ending(self, ended_event_id: UUID) -> None:
        changes = {"ended_on": None, "end_reason": None, "ended_event_id": None}
        self.tables.update("partnerships", changes, ended_event_id=ended_event_id)

    async def retract_membership(self, joined_event_id: UUID) -> None:
        self.tables.update("memberships", {"retracted": True}, joined_event_id=joined_event_id)

    async def undo_leaving(self, left_event_id: UUID) -> bool:
        changes = {"left_on": None, "left_reason": None, "left_event_id": None}
        return self.tables.restored("memberships", changes, left_event_id=left_event_id)


class FakeClasses(_Repository, Classes):
    async def programme(self, programme_id: UUID) -> Programme | None:
        row = self.tables.one("programmes", programme_id=programme_id)
        return None if row is None else Programme(row["programme_id"], row["partnership_id"])

    async def add_programme(self, envelope: Envelope, registered: ProgrammeRegistered) -> None:
        self.tables.insert(
            "programmes",
            **columns_of(registered),
            partnership_id=envelope.partnership_id,
            registered_on=envelope.occurred_on,
            event_id=envelope.id,
        )

    async def get(self, class_id: UUID, *, lock: bool = False) -> OrderedClass | None:
        row = self.tables.one("classes", class_id=class_id)
        if row is None:
            return None
        fields = ("class_id", "partnership_id", "programme_id", "seats", "opened_on", "closed_on")
        return OrderedClass(**{f: row[f] for f in fields})

    async def add(self, envelope: Envelope, opened: ClassOpened) -> None:
        self.tables.insert(
            "classes",
            **columns_of(opened),
            partnership_id=envelope.partnership_id,
            opened_on=envelope.occurred_on,
            opened_event_id=envelope.id,
            closed_on=None,
            closed_event_id=None,
        )

    async def mark_closed(self, envelope: Envelope, class_id: UUID) -> None:
        changes = {"closed_on": envelope.occurred_on, "closed_event_id": envelope.id}
        self.tables.update("classes", changes, class_id=class_id)

    async def live_enrolments(self, class_id: UUID) -> int:
        return len(self.tables.where("enrolments", _not_cancelled, class_id=class_id))

    async def terms(self, opened_event_id: UUID) -> ClassTerms | None:
        row = self.tables.one("classes", _always, opened_event_id=opened_event_id)
        if row is None:
            return None
        enrolled = await self.live_enrolments(row["class_id"])
        return ClassTerms(row["seats"], row["hiring_commitment"], row["planned_start"], row["planned_end"], enrolled)

    async def programme_in_use(self, registered_event_id: UUID) -> bool:
        programme = self.tables.one("programmes", _always, event_id=registered_event_id)
        return programme is not None and bool(self.tables.where("classes", programme_id=programme["programme_id"]))

    async def retract_programme(self, registered_event_id: UUID) -> None:
        self.tables.update("programmes", {"retracted": True}, event_id=registered_event_id)

    async def has_applications(self, opened_event_id: UUID) -> bool:
        opened = self.tables.one("classes", _always, opened_event_id=opened_event_id)
        return opened is not None and bool(self.tables.where("applications", class_id=opened["class_id"]))

    async def retract(self, opened_event_id: UUID) -> None:
        self.tables.update("classes", {"retracted": True}, opened_event_id=opened_event_id)

    async def undo_closing(self, closed_event_id: UUID) -> None:
        self.tables.update("classes", {"closed_on": None, "closed_event_id": None}, closed_event_id=closed_event_id)


class FakeLedger(_Repository, Ledger):
    async def add_target(self, envelope: Envelope, target: TargetSet) -> None:
        self.tables.insert(
            "targets",
            **columns_of(target),
            partnership_id=envelope.partnership_id,
            set_on=envelope.occurred_on,
            event_id=envelope.id,
        )

    async def add_funding(self, envelope: Envelope, funding: FundingRecorded) -> None:
        self.tables.insert(
            "funding",
            **columns_of(funding),
            partnership_id=envelope.partnership_id,
            event_id=envelope.id,
        )

    async def retract_target(self, event_id: UUID) -> None:
        self.tables.update("targets", {"retracted": True}, event_id=event_id)

    async def retract_funding(self, event_id: UUID) -> None:
        self.tables.update("funding", {"retracted": True}, event_id=event_id)


class FakeStudents(_Repository, Students):
    async def with_digest(self, digest: bytes) -> UUID | None:
        row = self.tables.one("students", national_id_digest=digest)
        return None if row is None else row["student_id"]

    async def lock(self, student_id: UUID) -> bool:
        return self.tables.one("students", student_id=student_id) is not None

    async def add(self, student_id: UUID, digest: bytes, sealed: Sealed, home_region: str, at: datetime) -> UUID:
        existing = await self.with_digest(digest)
        if existing is not None:
            return existing
        self.tables.insert(
            "students",
            student_id=student_id,
            national_id_digest=digest,
            **{f"{field}_sealed": value for field, value in sealed.items()},
            home_region=home_region,
            created_at=at,
        )
        return student_id

    async def update(self, student_id: UUID, sealed: Sealed, home_region: str) -> None:
        changes = {"name_sealed": sealed["name"], "hukou_sealed": sealed["hukou"], "home_region": home_region}
        self.tables.update("students", changes, student_id=student_id)

    def _enrolment(self, row: Row) -> Enrolment:
        signed = bool(self.tables.where("employment_intents", enrolment_id=row["enrolment_id"]))
        return enrolment_of({**row, "intent_signed": signed})

    def _application(self, row: Row) -> Application:
        decisions = self.tables.where("decisions", application_id=row["application_id"])
        enrolment = self.tables.one("enrolments", application_id=row["application_id"])
        return Application(
            row["application_id"],
            row["student_id"],
            row["class_id"],
            row["partnership_id"],
            row["applied_on"],
            tuple(
                Decided(d["event_id"], Decision(d["decision"]), d["occurred_on"], d["recorded_at"]) for d in decisions
            ),
            None if enrolment is None else self._enrolment(enrolment),
        )

    async def application(self, application_id: UUID) -> Application | None:
        row = self.tables.one("applications", application_id=application_id)
        return None if row is None else self._application(row)

    async def applications_of(self, student_id: UUID) -> list[Application]:
        return [self._application(row) for row in self.tables.where("applications", student_id=student_id)]

    async def student_of_application(self, application_id: UUID) -> UUID | None:
        row = self.tables.one("applications", application_id=application_id)
        return None if row is None else row["student_id"]

    async def live_enrolment(self, student_id: UUID) -> Enrolment | None:
        row = self.tables.one("enrolments", _not_cancelled, student_id=student_id)
        return None if row is None else self._enrolment(row)

    async def add_application(self, envelope: Envelope, submitted: ApplicationSubmitted) -> None:
        self.tables.insert(
            "applications",
            **columns_of(submitted, poor_household_verified_by="verified_by"),
            student_id=envelope.student_id,
            class_id=envelope.class_id,
            partnership_id=envelope.partnership_id,
            applied_on=envelope.occurred_on,
            recorded_at=envelope.recorded_at,
            event_id=envelope.id,
        )

    async def add_decision(self, envelope: Envelope, application_id: UUID, decision: str, reason: str) -> None:
        self.tables.insert(
            "decisions",
            event_id=envelope.id,
            application_id=application_id,
            decision=decision,
            reason=reason,
            occurred_on=envelope.occurred_on,
            recorded_at=envelope.recorded_at,
        )

    async def add_enrolment(self, envelope: Envelope, enrolled: StudentEnrolled) -> None:
        self.tables.insert(
            "enrolments",
            **columns_of(enrolled),
            enrolment_id=envelope.id,
            student_id=envelope.student_id,
            class_id=envelope.class_id,
            partnership_id=envelope.partnership_id,
            enrolled_on=envelope.occurred_on,
            cancelled_on=None,
            cancel_reason=None,
            cancelled_event_id=None,
        )

    async def mark_cancelled(self, envelope: Envelope, enrolment_id: UUID, reason: str) -> None:
        changes = {"cancelled_on": envelope.occurred_on, "cancel_reason": reason, "cancelled_event_id": envelope.id}
        self.tables.update("enrolments", changes, enrolment_id=enrolment_id)

    async def add_intent(self, envelope: Envelope, enrolment_id: UUID, employer_id: UUID) -> None:
        self.tables.insert(
            "employment_intents",
            event_id=envelope.id,
            enrolment_id=enrolment_id,
            employer_id=employer_id,
            signed_on=envelope.occurred_on,
        )

    async def enrolment_dates(self, enrolment_id: UUID) -> tuple[date, date] | None:
        row = self.tables.one("enrolments", _always, enrolment_id=enrolment_id)
        return None if row is None else (row["start_on"], row["planned_end_on"])

    async def application_enrolled(self, submitted_event_id: UUID) -> bool:
        row = self.tables.one("applications", _always, event_id=submitted_event_id)
        return row is not None and bool(self.tables.where("enrolments", application_id=row["application_id"]))

    async def retract_application(self, submitted_event_id: UUID) -> None:
        row = self.tables.one("applications", _always, event_id=submitted_event_id)
        if row is not None:
            self.tables.update("decisions", {"retracted": True}, application_id=row["application_id"])
        self.tables.update("applications", {"retracted": True}, event_id=submitted_event_id)

    async def decision_enrolled(self, decided_event_id: UUID) -> bool:
        row = self.tables.one("decisions", _always, event_id=decided_event_id)
        return row is not None and bool(self.tables.where("enrolments", application_id=row["application_id"]))

    async def retract_decision(self, decided_event_id: UUID) -> None:
        self.tables.update("decisions", {"retracted": True}, event_id=decided_event_id)

    async def retract_enrolment(self, enrolment_id: UUID) -> None:
        self.tables.update("employment_intents", {"retracted": True}, enrolment_id=enrolment_id)
        self.tables.update("enrolments", {"retracted": True}, enrolment_id=enrolment_id)

    async def retract_intent(self, event_id: UUID) -> None:
        self.tables.update("employment_intents", {"retracted": True}, event_id=event_id)

    async def undo_cancelling(self, cancelled_event_id: UUID) -> bool:
        changes = {"cancelled_on": None, "cancel_reason": None, "cancelled_event_id": None}
        return self.tables.restored("enrolments", changes, cancelled_event_id=cancelled_event_id)


class FakeExclusions(_Repository, Exclusions):
    async def standing(self, student_id: UUID) -> Exclusion | None:
        row = self.tables.one("exclusions", _standing, student_id=student_id)
        if row is None:
            return None
        return Exclusion(row["event_id"], row["partnership_id"], ExclusionReason(row["reason"]), row["applied_on"])

    async def add(self, envelope: Envelope, reason: ExclusionReason) -> None:
        self.tables.insert(
            "exclusions",
            event_id=envelope.id,
            student_id=envelope.student_id,
            partnership_id=envelope.partnership_id,
            reason=reason,
            applied_on=envelope.occurred_on,
            revoked_on=None,
            revoked_event_id=None,
        )

    async def mark_revoked(self, envelope: Envelope, exclusion_id: UUID) -> None:
        changes = {"revoked_on": envelope.occurred_on, "revoked_event_id": envelope.id}
        self.tables.update("exclusions", changes, event_id=exclusion_id)

    async def retract(self, event_id: UUID) -> None:
        self.tables.update("exclusions", {"retracted": True}, event_id=event_id)

    async def undo_revoking(self, revoked_event_id: UUID) -> bool:
        changes = {"revoked_on": None, "revoked_event_id": None}
        return self.tables.restored("exclusions", changes, revoked_event_id=revoked_event_id)


class FakeRecordedState(_Repository, RecordedState):
    async def rewrite(self, target: Envelope, fields: Mapping[str, Any]) -> None:
        table, changes, key = rewritten(target, fields)
        self.tables.update(table, changes, **key)


class FakeRecruitmentUnitOfWork(FakeUnitOfWork, RecruitmentUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.tables = Tables()
        self._rows_before: dict[str, list[Row]] = {}
        self.vault = FakeVault()
        self.parties = FakeParties(self.tables)
        self.partnerships = FakePartnerships(self.tables)
        self.classes = FakeClasses(self.tables)
        self.ledger = FakeLedger(self.tables)
        self.students = FakeStudents(self.tables)
        self.exclusions = FakeExclusions(self.tables)
        self.state = FakeRecordedState(self.tables)

    def snapshot(self) -> None:
        self._rows_before = copy.deepcopy(self.tables.rows)

    def restore(self) -> None:
        self.tables.rows = self._rows_before
